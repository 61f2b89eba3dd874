import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  CERTIFICATE_DEPENDENCY,
  ELASTICACHE_DEPENDENCY,
  IMAGE_DEPENDENCY,
  ROUTE53_DEPENDENCY,
  STACK_DEPENDENCY,
  VPC_DEPENDENCY,
  type DependencyType,
} from './types';

/** How long one lookup may run; the handler answers FAILED before this runs out. */
const FUNCTION_TIMEOUT = Duration.minutes(2);

/**
 * How long CloudFormation waits for an answer before it fails the resource:
 * the function's timeout plus a minute for the invocation to start.
 */
export const SERVICE_TIMEOUT = FUNCTION_TIMEOUT.plus(Duration.minutes(1));

/** Where `npm run build` puts the bundled handlers. */
const BUNDLES = path.join(__dirname, '..', '..', 'dist', 'lambdas');

/**
 * Read permissions of one lookup. `resource` is an ARN pattern with
 * `{partition}`, `{region}` and `{account}` placeholders, or `*` where the API
 * has no resource-level permissions; `reason` says why it holds a wildcard.
 */
interface Permission {
  readonly actions: readonly string[];
  readonly resource: string;
  readonly reason: string;
}

const NO_RESOURCE_LEVEL = 'these actions do not support resource-level permissions, so IAM requires "*"';

/** Exactly the calls each handler sends, and nothing else. */
const PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  [ROUTE53_DEPENDENCY.id]: [
    { actions: ['route53:ListHostedZonesByName'], resource: '*', reason: NO_RESOURCE_LEVEL },
    {
      actions: ['route53:GetHostedZone'],
      resource: 'arn:{partition}:route53:::hostedzone/*',
      reason: 'the zone is found by name at deploy time, so its id is not known when the policy is written',
    },
  ],
  [VPC_DEPENDENCY.id]: [
    { actions: ['ec2:DescribeVpcs', 'ec2:DescribeSubnets'], resource: '*', reason: NO_RESOURCE_LEVEL },
  ],
  [IMAGE_DEPENDENCY.id]: [{ actions: ['ec2:DescribeImages'], resource: '*', reason: NO_RESOURCE_LEVEL }],
  [ELASTICACHE_DEPENDENCY.id]: [
    {
      actions: ['elasticache:DescribeCacheClusters'],
      resource: 'arn:{partition}:elasticache:{region}:{account}:cluster:*',
      reason: 'CacheId names any cache cluster of this account and region, chosen by the template at deploy time',
    },
    {
      actions: ['elasticache:DescribeReplicationGroups'],
      resource: 'arn:{partition}:elasticache:{region}:{account}:replicationgroup:*',
      reason: 'CacheId names any replication group of this account and region, chosen by the template at deploy time',
    },
  ],
  [STACK_DEPENDENCY.id]: [
    {
      actions: ['cloudformation:DescribeStacks'],
      resource: 'arn:{partition}:cloudformation:{region}:{account}:stack/*',
      reason: 'StackName names any stack of this account and region, chosen by the template at deploy time',
    },
  ],
  [CERTIFICATE_DEPENDENCY.id]: [
    {
      actions: ['iam:ListServerCertificates', 'acm:ListCertificates'],
      resource: '*',
      reason: NO_RESOURCE_LEVEL,
    },
  ],
};

export interface DependencyFunctionProps {
  /** Which lookup the function answers. */
  readonly type: DependencyType;
  /**
   * Name of the Lambda function, such as the original `route53Dependency`.
   *
   * @default - a name CloudFormation generates
   */
  readonly functionName?: string;
}

/**
 * The Lambda function that answers one type of lookup: the bundled handler
 * from `dist/lambdas/<name>`, a role that allows only that lookup's read
 * calls and writing to its own log group, and a log group that keeps a month
 * of logs.
 */
export class DependencyFunction extends Construct {
  /** The function of `type` in the stack of `scope`, created on first use. */
  public static of(scope: Construct, type: DependencyType): DependencyFunction {
    const stack = Stack.of(scope);
    const id = `${type.id}Function`;
    const existing = stack.node.tryFindChild(id);
    if (existing instanceof DependencyFunction) return existing;
    return new DependencyFunction(stack, id, { type });
  }

  public readonly function: lambda.Function;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DependencyFunctionProps) {
    super(scope, id);
    const { type } = props;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Lets the ${type.resourceType} function read what it looks up and write its logs`,
    });
    for (const permission of PERMISSIONS[type.id]) {
      this.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: [...permission.actions], resources: [arn(permission.resource)] }),
      );
      if (permission.resource.includes('*')) {
        Validations.of(this).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${nagArn(permission.resource)}]`,
          reason: `${permission.actions.join(' and ')}: ${permission.reason}.`,
        });
      }
    }
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      functionName: props.functionName,
      description: `Answers ${type.resourceType} with what it finds in this account and region`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(BUNDLES, type.name)),
      timeout: FUNCTION_TIMEOUT,
      memorySize: 256,
      role: this.role,
      logGroup: this.logGroup,
    });
  }

  /** The ARN custom resources name as their `ServiceToken`. */
  public get serviceToken(): string {
    return this.function.functionArn;
  }
}

function arn(pattern: string): string {
  return pattern
    .replace('{partition}', Aws.PARTITION)
    .replace('{region}', Aws.REGION)
    .replace('{account}', Aws.ACCOUNT_ID);
}

/** The ARN as cdk-nag names it in a finding. */
function nagArn(pattern: string): string {
  return pattern
    .replace('{partition}', '<AWS::Partition>')
    .replace('{region}', '<AWS::Region>')
    .replace('{account}', '<AWS::AccountId>');
}
