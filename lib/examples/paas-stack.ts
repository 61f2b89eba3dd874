import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { EnvironmentConfig, PaasAppConfig, PaasConfig } from '../config';
import type { ContainerDefinition } from '../containers';
import { CertificateDependency, ElasticacheDependency, Route53Dependency, StackDependency, VpcDependency } from '../dependencies';
import { DockerHost } from '../docker-host';
import { AppRouter } from '../router/app-router';

/** The Docker network the apps and the router share. */
const APPS_NETWORK = 'apps';

export interface PaasStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  readonly paas: PaasConfig;
}

/**
 * Apps on a wildcard domain: one Docker host runs every app of `paas.apps`
 * and the router, each app on `<hostName>.<paas.domainName>` through a
 * Network Load Balancer that ends TLS with the ACM certificate found for
 * the domain, under a wildcard record in the zone found by name. Apps find
 * their datastores in their environment: a Redis found by
 * `ElasticacheDependency`, or the outputs of a stack (a Postgres, say)
 * found by `StackDependency`. Adding an app is one entry in `paas.apps`.
 */
export class PaasStack extends Stack {
  public readonly host: DockerHost;
  public readonly router: AppRouter;

  constructor(scope: Construct, id: string, props: PaasStackProps) {
    super(scope, id, props);
    const { config, paas } = props;

    const vpc = new VpcDependency(this, 'Vpc', { vpcName: config.vpcName });
    const zone = new Route53Dependency(this, 'Zone', { domainName: paas.zoneName, privateZone: false });
    const certificate = new CertificateDependency(this, 'Certificate', { domainName: paas.certificateDomain });
    const placement = vpc.placement(config.subnetIndex);

    const datastores = {
      redis: paas.apps.some((app) => app.datastore === 'redis') && paas.redisCacheId !== undefined
        ? new ElasticacheDependency(this, 'Redis', { cacheId: paas.redisCacheId })
        : undefined,
      postgres: paas.apps.some((app) => app.datastore === 'postgres') && paas.postgresStackName !== undefined
        ? new StackDependency(this, 'Postgres', { stackName: paas.postgresStackName })
        : undefined,
    };
    const apps = paas.apps.map((app) => appContainer(app, datastores));

    this.router = new AppRouter(this, 'Router', {
      vpc: placement.vpc,
      zone: zone.toHostedZone(),
      domainName: paas.domainName,
      certificate: certificate.toCertificate(),
      apps: AppRouter.routesOf(apps),
    });
    this.host = new DockerHost(this, 'Host', {
      ...placement,
      instanceType: new ec2.InstanceType(config.instanceType),
      volumeSize: config.volumeSize,
      terminationProtection: config.terminationProtection,
      containers: [...apps, this.router.container({ image: paas.routerImage, network: APPS_NETWORK, memoryMiB: 64 })],
    });
    this.router.addInstance(this.host.instance);

    new CfnOutput(this, 'LoadBalancerDnsName', { description: 'the router\'s load balancer', value: this.router.loadBalancer.loadBalancerDnsName });
    new CfnOutput(this, 'AppUrls', {
      description: 'each app on its own name',
      value: paas.apps.map((app) => `https://${app.hostName}.${paas.domainName}/`).join(' '),
    });
  }
}

/** An app's container: on the apps' network, no port published, its datastore's address in its environment. */
function appContainer(app: PaasAppConfig, datastores: { redis?: ElasticacheDependency; postgres?: StackDependency }): ContainerDefinition {
  return {
    name: app.hostName,
    image: app.image,
    command: app.command === undefined ? undefined : [...app.command],
    memoryMiB: app.memoryMiB,
    network: APPS_NETWORK,
    route: { hostName: app.hostName, port: app.port },
    environment: app.datastore === 'redis' && datastores.redis
      ? { REDIS_HOST: datastores.redis.primaryEndpointAddress, REDIS_PORT: datastores.redis.primaryEndpointPort }
      : undefined,
    environmentFile: app.datastore === 'postgres' ? datastores.postgres?.environment : undefined,
  };
}
