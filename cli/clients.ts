import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { CliError } from './errors';

/** The AWS clients the commands use, all for one region and one set of credentials. */
export interface Clients {
  readonly region: string;
  /** The profile given with --profile, for the commands the user is told to run. */
  readonly profile?: string;
  readonly cloudFormation: CloudFormationClient;
  readonly autoScaling: AutoScalingClient;
  readonly ssm: SSMClient;
  readonly logs: CloudWatchLogsClient;
}

/**
 * Clients with the SDK's default credential chain (environment, shared
 * config and SSO, container and instance roles), or the named profile's,
 * in the region given, or else the one the SDK finds (`AWS_REGION`, the
 * profile's). `AWS_ENDPOINT_URL` reaches every client, as the SDK reads it.
 */
export async function createClients(regionFlag: string | undefined, profile: string | undefined): Promise<Clients> {
  const config = { ...(regionFlag === undefined ? {} : { region: regionFlag }), ...(profile === undefined ? {} : { profile }), maxAttempts: 5 };
  const cloudFormation = new CloudFormationClient(config);
  let region: string;
  try {
    region = await cloudFormation.config.region();
  } catch {
    region = '';
  }
  if (!region) {
    throw new CliError(`no AWS region: pass --region (such as --region eu-west-1), or set AWS_REGION, or a region in the profile${profile === undefined ? '' : ` ${profile}`}`);
  }
  return {
    region,
    profile,
    cloudFormation,
    autoScaling: new AutoScalingClient({ ...config, region }),
    ssm: new SSMClient({ ...config, region }),
    logs: new CloudWatchLogsClient({ ...config, region }),
  };
}
