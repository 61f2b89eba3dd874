import { Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DockerHost, RestartPolicy, StackDependency, VpcDependency } from 'docker-host-dependencies';
import type { AppContainerConfig, EnvironmentConfig } from './config';
import { containerLogging, hostSettings } from './memcached-service-stack';

export interface MemcachedAppStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly app: AppContainerConfig;
  /** The stack whose outputs the app container gets in its env-file. */
  readonly datastoresStackName: string;
}

/**
 * The memcached service's app: an app on its own Docker host that finds its datastores at deploy time:
 * the outputs of the datastores stack (by default the memcached service
 * stack, whose outputs are the tenants' endpoints) become the app
 * container's env-file.
 */
export class MemcachedAppStack extends Stack {
  public readonly host: DockerHost;

  constructor(scope: Construct, id: string, props: MemcachedAppStackProps) {
    super(scope, id, props);
    const { config, app } = props;

    const vpc = new VpcDependency(this, 'Vpc', { vpcName: config.vpcName });
    const datastores = new StackDependency(this, 'Datastores', { stackName: props.datastoresStackName });

    this.host = new DockerHost(this, 'Host', {
      ...hostSettings(config, vpc),
      containers: [
        {
          name: 'app',
          image: config.appImage,
          memoryMiB: app.memoryMiB,
          restart: RestartPolicy.ALWAYS,
          logging: containerLogging(config),
          environmentFile: datastores.environment,
          environment: app.environment,
          ports: [{ hostPort: app.port, containerPort: app.containerPort, allowFrom: [...app.allowFrom] }],
        },
      ],
    });
  }
}
