import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { ContainerLogging, DockerHost, RestartPolicy, Route53Dependency, VpcDependency, type ContainerDefinition } from 'docker-host-dependencies';
import type { EnvironmentConfig, Tenant } from './config';

/** Memory a memcached container needs besides its items: connections, hash table, the process. */
const MEMCACHED_OVERHEAD_MIB = 32;

/** The port memcached listens on inside its container. */
const MEMCACHED_PORT = 11211;

export interface MemcachedServiceStackProps extends StackProps {
  readonly config: EnvironmentConfig;
}

/**
 * Memcached as a service: one Docker host in the VPC found by name, one
 * memcached container per tenant with its own port, memory limit and allowed
 * callers, and a DNS record `<tenant>.<zone>` for each in the zone found by
 * name. Each tenant's endpoint is an output, `<Tenant>Endpoint`, for apps that
 * read this stack with a StackDependency.
 */
export class MemcachedServiceStack extends Stack {
  public readonly host: DockerHost;

  constructor(scope: Construct, id: string, props: MemcachedServiceStackProps) {
    super(scope, id, props);
    const { config } = props;

    const vpc = new VpcDependency(this, 'Vpc', { vpcName: config.vpcName });
    const zone = new Route53Dependency(this, 'Zone', {
      domainName: config.hostedZoneName,
      privateZone: config.privateZone,
      vpcId: config.privateZone ? vpc.vpcId : undefined,
    });

    this.host = new DockerHost(this, 'Host', {
      ...hostSettings(config, vpc),
      containers: config.tenants.map((tenant) => memcachedContainer(tenant, config.memcachedImage, containerLogging(config))),
    });

    for (const tenant of config.tenants) {
      const id = pascalCase(tenant.name);
      new route53.ARecord(this, `${id}Record`, {
        zone: zone.toHostedZone(),
        recordName: tenant.name,
        target: route53.RecordTarget.fromIpAddresses(this.host.privateIp),
        ttl: Duration.minutes(1),
        comment: `memcached of tenant ${tenant.name}`,
      });
      new CfnOutput(this, `${id}Endpoint`, {
        description: `memcached of tenant ${tenant.name}, host:port`,
        value: `${tenant.name}.${zone.zoneName}:${tenant.port}`,
      });
    }
    new CfnOutput(this, 'HostPrivateIp', { description: 'private IP of the Docker host', value: this.host.privateIp });
  }
}

/** A tenant's memcached: `-m` caps the items, the container limit adds room for the process. */
export function memcachedContainer(tenant: Tenant, image: string, logging?: ContainerLogging): ContainerDefinition {
  return {
    logging,
    name: `memcached-${tenant.name}`,
    image,
    command: ['memcached', '-m', String(tenant.memoryMiB)],
    memoryMiB: tenant.memoryMiB + MEMCACHED_OVERHEAD_MIB,
    restart: RestartPolicy.ALWAYS,
    ports: [{ hostPort: tenant.port, containerPort: MEMCACHED_PORT, allowFrom: [...tenant.allowFrom] }],
  };
}

/** What a Docker host of the example stacks takes from the environment: its subnet, size, protection and grace period. */
export function hostSettings(config: EnvironmentConfig, vpc: VpcDependency) {
  return {
    ...vpc.placement(config.subnetIndex),
    instanceType: new ec2.InstanceType(config.instanceType),
    volumeSize: config.volumeSize,
    terminationProtection: config.terminationProtection,
    startupGracePeriod: Duration.seconds(config.startupGracePeriodSeconds),
  };
}

/** `team-a` -> `TeamA`: for construct ids and output keys, which are alphanumeric. */
export function pascalCase(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The logging the environment asks for: the host's log group, or rotated files on the host. */
export function containerLogging(config: EnvironmentConfig): ContainerLogging {
  return config.containerLogging === 'json-file' ? ContainerLogging.jsonFile() : ContainerLogging.awsLogs();
}
