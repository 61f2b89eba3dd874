import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { DockerSwarm, EndpointMode, PublishMode, UpdateFailureAction, UpdateOrder, VpcDependency } from 'docker-host-dependencies';
import type { EnvironmentConfig, SwarmConfig } from './config';
import { memcachedContainer, pascalCase } from './memcached-service-stack';

export interface MemcachedSwarmStackProps extends StackProps {
  readonly config: EnvironmentConfig & { readonly swarm: SwarmConfig };
}

/**
 * Memcached as a service on a Docker swarm: the managers spread over the
 * VPC's subnets, the tenants' memcached services on the workers only, each
 * with its own port and memory limit; a tenant's change rolls only its own
 * service. Each tenant's port is an output, `<Tenant>Port`.
 */
export class MemcachedSwarmStack extends Stack {
  public readonly swarm: DockerSwarm;

  constructor(scope: Construct, id: string, props: MemcachedSwarmStackProps) {
    super(scope, id, props);
    const { config } = props;
    const { swarm } = config;
    const vpc = new VpcDependency(this, 'Vpc', { vpcName: config.vpcName });

    this.swarm = new DockerSwarm(this, 'Swarm', {
      vpc: vpc.toVpc({ subnetCount: swarm.managers }),
      managers: swarm.managers,
      workers: { minCapacity: swarm.minWorkers, desiredCapacity: swarm.desiredWorkers, maxCapacity: swarm.maxWorkers, labels: { tier: 'cache' } },
      instanceType: new ec2.InstanceType(config.instanceType),
      volumeSize: config.volumeSize,
      stackName: 'memcached',
      publishMode: swarm.publishMode,
      endpointMode: swarm.publishMode === PublishMode.HOST ? EndpointMode.DNSRR : EndpointMode.VIP,
      services: config.tenants.map((tenant) => ({
        ...memcachedContainer(tenant, config.memcachedImage),
        replicas: 1,
        constraints: ['node.role == worker', 'engine.labels.tier == cache'],
        updatePolicy: { order: UpdateOrder.START_FIRST, failureAction: UpdateFailureAction.ROLLBACK },
      })),
    });

    for (const tenant of config.tenants) {
      new CfnOutput(this, `${pascalCase(tenant.name)}Port`, { description: `memcached of tenant ${tenant.name}, on the swarm's nodes`, value: String(tenant.port) });
    }
    new CfnOutput(this, 'SwarmParameterPath', { description: 'SSM path of the swarm join tokens and the managers\' addresses', value: this.swarm.parameterPath });
  }
}
