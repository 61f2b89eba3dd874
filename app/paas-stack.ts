import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import {
  AppRouter,
  CertificateDependency,
  DockerHost,
  ElasticacheDependency,
  Route53Dependency,
  StackDependency,
  VpcDependency,
  type ContainerDefinition,
} from 'docker-host-dependencies';
import type { EnvironmentConfig, PaasAppConfig, PaasConfig } from './config';

/** The Docker network the apps and the router share: a bridge on one host, an overlay network on the swarm. */
export const APPS_NETWORK = 'apps';

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
    const { config } = props;
    const placement = new VpcDependency(this, 'Vpc', { vpcName: config.vpcName }).placement(config.subnetIndex);
    const { router, apps, routerContainer } = paasRouter(this, props, placement.vpc);

    this.router = router;
    this.host = new DockerHost(this, 'Host', {
      ...placement,
      instanceType: new ec2.InstanceType(config.instanceType),
      volumeSize: config.volumeSize,
      terminationProtection: config.terminationProtection,
      containers: [...apps, routerContainer],
      routerResolverValid: router.resolverValid,
    });
    router.addInstance(this.host.instance);
    paasOutputs(this, router, props.paas);
  }
}

/**
 * What the PaaS on one host and on the swarm share, after the VPC's lookup:
 * the lookups of the zone, the certificate and the apps' datastores; the
 * router on `vpc`, the VPC of the nodes that run it, with the routes of the
 * apps (by service name with `routes.swarmStackName`); the apps' containers,
 * each with its datastore's address in its environment; and the router's.
 */
export function paasRouter(scope: Construct, props: PaasStackProps, vpc: ec2.IVpc, routes?: { readonly swarmStackName?: string }) {
  const { paas } = props;
  const zone = new Route53Dependency(scope, 'Zone', { domainName: paas.zoneName, privateZone: false });
  const certificate = new CertificateDependency(scope, 'Certificate', { domainName: paas.certificateDomain });
  const datastores = {
    redis: paas.apps.some((app) => app.datastore === 'redis') && paas.redisCacheId !== undefined
      ? new ElasticacheDependency(scope, 'Redis', { cacheId: paas.redisCacheId })
      : undefined,
    postgres: paas.apps.some((app) => app.datastore === 'postgres') && paas.postgresStackName !== undefined
      ? new StackDependency(scope, 'Postgres', { stackName: paas.postgresStackName })
      : undefined,
  };
  const apps = paas.apps.map((app) => appContainer(app, datastores));
  const router = new AppRouter(scope, 'Router', {
    zone: zone.toHostedZone(),
    domainName: paas.domainName,
    certificate: certificate.toCertificate(),
    vpc,
    apps: AppRouter.routesOf(apps, routes),
  });
  return { router, apps, routerContainer: router.container({ image: paas.routerImage, network: APPS_NETWORK, memoryMiB: 64 }) };
}

/** The load balancer's name and each app's address, as stack outputs. */
export function paasOutputs(scope: Construct, router: AppRouter, paas: PaasConfig): void {
  new CfnOutput(scope, 'LoadBalancerDnsName', { description: 'the router\'s load balancer', value: router.loadBalancer.loadBalancerDnsName });
  new CfnOutput(scope, 'AppUrls', {
    description: 'each app on its own name',
    value: paas.apps.map((app) => `https://${app.hostName}.${paas.domainName}/`).join(' '),
  });
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
