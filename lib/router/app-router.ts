import { Duration, Validations } from 'aws-cdk-lib';
import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as targets from 'aws-cdk-lib/aws-elasticloadbalancingv2-targets';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { propOwner } from '../errors';
import { monitorRouter } from '../monitoring/router-monitoring';
import type { MonitoringOptions } from '../monitoring/stack-monitoring';
import { RestartPolicy, type ContainerDefinition } from '../containers';
import { serviceDnsName } from '../swarm/compose';
import { renderNginxConfig, type RouteTarget } from './nginx-config';

/** The router's ports on its nodes, and how often it asks Docker's DNS again. */
export const ROUTER_DEFAULTS = { httpsPort: 8443, redirectPort: 8080, resolverValidSeconds: 5 } as const;

/** The router's container, for `AppRouter.container`. */
export interface RouterContainerOptions {
  /** The router's image: nginx, such as `public.ecr.aws/nginx/nginx:1.27-alpine`. */
  readonly image: string;
  /** The Docker network the apps are on. */
  readonly network: string;
  /**
   * Container name.
   *
   * @default 'router'
   */
  readonly name?: string;
  /**
   * Memory limit in MiB.
   *
   * @default - no limit
   */
  readonly memoryMiB?: number;
}

/** Options for `AppRouter.routesOf`. */
export interface RoutesOptions {
  /**
   * The stack name of the swarm that runs the containers as services, whose
   * apps the router reaches as `tasks.<swarmStackName>_<name>`.
   *
   * @default - the containers run on one Docker host, reached by their names
   */
  readonly swarmStackName?: string;
}

/** Properties of an `AppRouter`. */
export interface AppRouterProps {
  /** The VPC of the load balancer and the router nodes. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the load balancer, one per availability zone.
   *
   * @default - one subnet per availability zone of one kind: public for an internet-facing load balancer, private
   * (else isolated) for an internal one; the first kind `vpc` has when it has none of that one (a `VpcDependency`'s
   * subnets are all private)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The zone that gets the wildcard record, such as `Route53Dependency.toHostedZone()`. */
  readonly zone: route53.IHostedZone;
  /**
   * The apps' domain inside `zone`, known at synth time, such as
   * `apps.example.com`: each app answers on `<hostName>.<domainName>`.
   */
  readonly domainName: string;
  /**
   * The certificate of the TLS listener, valid for `*.<domainName>`, such as
   * `CertificateDependency.toCertificate()` of an ACM wildcard certificate.
   */
  readonly certificate: acm.ICertificate;
  /** The apps: each one's name, where the router finds it, and its port. */
  readonly apps: RouteTarget[];
  /**
   * Port of the router on its nodes for requests that came over https.
   *
   * @default 8443
   */
  readonly httpsPort?: number;
  /**
   * Port of the router on its nodes for plain HTTP, which it redirects to
   * https for the apps' names and answers 404 for any other name.
   *
   * @default 8080
   */
  readonly redirectPort?: number;
  /**
   * How long the router uses an app's resolved addresses before asking Docker's DNS again.
   *
   * @default Duration.seconds(5)
   */
  readonly resolverValid?: Duration;
  /**
   * Whether the load balancer has public addresses.
   *
   * @default true
   */
  readonly internetFacing?: boolean;
  /**
   * The router's alarms (each target group's unhealthy targets; see
   * docs/monitoring.md) and its graphs on the stack's dashboard.
   *
   * @default - alarms and graphs, notifying the stack's `StackMonitoring.alarmTopic`
   */
  readonly monitoring?: MonitoringOptions;
}

/**
 * Apps on a wildcard domain: a Network Load Balancer that ends TLS with the
 * given certificate and sends the requests to nginx on the router nodes, a
 * wildcard record `*.<domainName>` aliased to it, and the router's nginx
 * configuration, rendered from the apps (`nginxConfig`), which routes by
 * `Host` through Docker's embedded DNS, so no container needs the Docker
 * socket. Plain HTTP on port 80 reaches the router's redirect port, which
 * answers 301 to https for the apps' names and 404 for any other. The
 * router nodes' ports are open to the load balancer's security group only;
 * the apps publish no port at all.
 *
 * @example
 * const router = new AppRouter(this, 'Router', {
 *   vpc, zone: zone.toHostedZone(), domainName: 'apps.example.com',
 *   certificate: certificate.toCertificate(),
 *   apps: [{ hostName: 'counter', upstream: 'counter', port: 8000 }],
 * });
 * const host = new DockerHost(this, 'Host', { ...placement, containers: [...apps, router.container({ image, network: 'apps' })] });
 * router.addInstance(host.instance);
 */
export class AppRouter extends Construct {
  /** The router's nginx configuration, a `conf.d` file. */
  public readonly nginxConfig: string;
  /** Port of the router on its nodes for requests that came over https. */
  public readonly httpsPort: number;
  /** Port of the router on its nodes for plain HTTP, which it redirects to https. */
  public readonly redirectPort: number;
  /** The apps' domain, such as `apps.example.com`: each app answers on `<hostName>.<domainName>`. */
  public readonly domainName: string;
  /**
   * How long the router uses an app's resolved addresses, for the
   * `routerResolverValid` of the `DockerHost` that runs the apps, which
   * waits it out before it stops an app's old container.
   */
  public readonly resolverValid: Duration;
  /** The network load balancer: TLS on 443, plain TCP on 80, in front of the router's nodes. */
  public readonly loadBalancer: elbv2.NetworkLoadBalancer;
  /** The load balancer's security group: https and http from anywhere (or the VPC when not internet-facing). */
  public readonly loadBalancerSecurityGroup: ec2.SecurityGroup;
  /** The nodes' `httpsPort`, behind the TLS listener. */
  public readonly httpsTargetGroup: elbv2.NetworkTargetGroup;
  /** The nodes' `redirectPort`, behind the plain HTTP listener. */
  public readonly redirectTargetGroup: elbv2.NetworkTargetGroup;
  /** The wildcard record `*.<domainName>`. */
  public readonly record: route53.ARecord;

  constructor(scope: Construct, id: string, props: AppRouterProps) {
    super(scope, id);
    this.httpsPort = props.httpsPort ?? ROUTER_DEFAULTS.httpsPort;
    this.redirectPort = props.redirectPort ?? ROUTER_DEFAULTS.redirectPort;
    this.domainName = props.domainName;
    this.resolverValid = props.resolverValid ?? Duration.seconds(ROUTER_DEFAULTS.resolverValidSeconds);
    const resolverValidSeconds = this.resolverValid.toSeconds();
    this.nginxConfig = renderNginxConfig(propOwner('AppRouter', this), {
      domain: props.domainName,
      apps: props.apps,
      httpsPort: this.httpsPort,
      redirectPort: this.redirectPort,
      resolverValidSeconds,
    });
    const internetFacing = props.internetFacing ?? true;

    this.loadBalancerSecurityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc: props.vpc,
      description: `Router load balancer: https and http to *.${props.domainName}`,
      allowAllOutbound: false,
    });
    const clients = internetFacing ? [ec2.Peer.anyIpv4()] : [ec2.Peer.ipv4(props.vpc.vpcCidrBlock)];
    for (const client of clients) {
      this.loadBalancerSecurityGroup.addIngressRule(client, ec2.Port.tcp(443), 'https to the apps');
      this.loadBalancerSecurityGroup.addIngressRule(client, ec2.Port.tcp(80), 'http, redirected to https');
    }

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? loadBalancerSubnets(props.vpc, internetFacing),
      internetFacing,
      securityGroups: [this.loadBalancerSecurityGroup],
      crossZoneEnabled: true,
    });

    this.httpsTargetGroup = this.targetGroup('Https', props.vpc, this.httpsPort);
    this.redirectTargetGroup = this.targetGroup('Redirect', props.vpc, this.redirectPort);
    this.addListeners(props.certificate);

    this.record = new route53.ARecord(this, 'WildcardRecord', {
      zone: props.zone,
      recordName: `*.${props.domainName}.`,
      target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(this.loadBalancer)),
      comment: `apps on *.${props.domainName} through the router`,
    });

    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'Access logs need a bucket of the user\'s choice; turn them on with loadBalancer.logAccessLogs(bucket).',
    });
    if (internetFacing) {
      Validations.of(this.loadBalancerSecurityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'The load balancer is the public entry of the apps: ports 443 and 80 only, and 80 only redirects the apps\' names to https.',
      });
    }
    monitorRouter(
      this,
      this.node.path,
      [
        { id: 'Https', group: this.httpsTargetGroup, port: this.httpsPort, serves: 'https' },
        { id: 'Redirect', group: this.redirectTargetGroup, port: this.redirectPort, serves: 'the redirect to https' },
      ],
      props.monitoring,
    );
  }

  /** TLS on 443 with the certificate to the https target group, plain TCP on 80 to the redirect target group. */
  private addListeners(certificate: AppRouterProps['certificate']): void {
    this.loadBalancer.addListener('HttpsListener', {
      port: 443,
      protocol: elbv2.Protocol.TLS,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(certificate)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      defaultTargetGroups: [this.httpsTargetGroup],
    });
    this.loadBalancer.addListener('HttpListener', {
      port: 80,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [this.redirectTargetGroup],
    });
  }

  /**
   * The router's container for a Docker host: nginx with `nginxConfig` in
   * `/etc/nginx/conf.d` (mounted read-only, reloaded with `nginx -s reload`
   * when it changes, which keeps open connections), on the apps' network,
   * its two ports open to the load balancer's security group only.
   */
  public container(options: RouterContainerOptions): ContainerDefinition {
    return {
      name: options.name ?? 'router',
      image: options.image,
      network: options.network,
      memoryMiB: options.memoryMiB,
      restart: RestartPolicy.ALWAYS,
      ports: [this.httpsPort, this.redirectPort].map((port) => ({
        hostPort: port,
        allowFrom: [],
        allowFromSecurityGroups: [this.loadBalancerSecurityGroup.securityGroupId],
      })),
      files: [{ path: '/etc/nginx/conf.d/apps.conf', content: this.nginxConfig }],
      reload: ['nginx', '-s', 'reload'],
    };
  }

  /**
   * Puts an instance that runs `container()` behind the load balancer, and
   * lets the load balancer reach its router ports (the instance's side is
   * opened by the container's ports).
   */
  public addInstance(instance: ec2.Instance): void {
    this.httpsTargetGroup.addTarget(new targets.InstanceTarget(instance, this.httpsPort));
    this.redirectTargetGroup.addTarget(new targets.InstanceTarget(instance, this.redirectPort));
    this.allowToNodes(instance, instance.connections.securityGroups);
  }

  /**
   * Puts the instances of an Auto Scaling group behind the load balancer,
   * such as the swarm nodes that run the router as a global service, and
   * lets the load balancer reach their router ports in `securityGroups` (the
   * nodes' side is opened by the router service's ports).
   */
  public addAutoScalingGroup(group: autoscaling.AutoScalingGroup, securityGroups: ec2.ISecurityGroup[]): void {
    group.attachToNetworkTargetGroup(this.httpsTargetGroup);
    group.attachToNetworkTargetGroup(this.redirectTargetGroup);
    this.allowToNodes(group, securityGroups);
  }

  private allowToNodes(nodes: Construct, securityGroups: readonly ec2.ISecurityGroup[]): void {
    // Rules of their own, not inline: the nodes' group already names the load balancer's.
    securityGroups.forEach((group, i) => {
      for (const port of [this.httpsPort, this.redirectPort]) {
        new ec2.CfnSecurityGroupEgress(this, `Egress${nodes.node.addr.slice(0, 8)}${i}Port${port}`, {
          groupId: this.loadBalancerSecurityGroup.securityGroupId,
          destinationSecurityGroupId: group.securityGroupId,
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          description: `router port ${port} of the nodes`,
        });
      }
    });
  }

  /**
   * The apps of these containers: each container with a `route`, reached by
   * its name on one Docker host, or, given the swarm's `stackName`, as the
   * service `<stackName>_<name>` by `tasks.<stackName>_<name>` (the name
   * `DockerSwarm.serviceDnsName` gives), which Docker's DNS answers with the
   * addresses of the service's running tasks, without IPVS.
   */
  public static routesOf(containers: ContainerDefinition[], options: RoutesOptions = {}): RouteTarget[] {
    const upstream = (name: string) => (options.swarmStackName === undefined ? name : serviceDnsName(options.swarmStackName, name));
    return containers.flatMap((container) =>
      container.route === undefined ? [] : [{ hostName: container.route.hostName, upstream: upstream(container.name), port: container.route.port }],
    );
  }

  private targetGroup(id: string, vpc: ec2.IVpc, port: number): elbv2.NetworkTargetGroup {
    return new elbv2.NetworkTargetGroup(this, `${id}TargetGroup`, {
      vpc,
      port,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.INSTANCE,
      healthCheck: { protocol: elbv2.Protocol.TCP, interval: Duration.seconds(10), healthyThresholdCount: 2, unhealthyThresholdCount: 2 },
      deregistrationDelay: Duration.seconds(30),
    });
  }
}

/**
 * The load balancer's subnets where the props name none, one per zone (a
 * load balancer takes no more): the public ones of an internet-facing load
 * balancer, the private (else isolated) ones of an internal one, else the
 * first kind the VPC has.
 */
function loadBalancerSubnets(vpc: ec2.IVpc, internetFacing: boolean): ec2.SubnetSelection {
  const kinds: Array<[ec2.SubnetType, ec2.ISubnet[]]> = [
    [ec2.SubnetType.PUBLIC, vpc.publicSubnets],
    [ec2.SubnetType.PRIVATE_WITH_EGRESS, vpc.privateSubnets],
    [ec2.SubnetType.PRIVATE_ISOLATED, vpc.isolatedSubnets],
  ];
  const preferred = internetFacing ? kinds : [...kinds.slice(1), kinds[0]];
  const [subnetType] = preferred.find(([, subnets]) => subnets.length > 0) ?? preferred[0];
  return { subnetType, onePerAz: true };
}
