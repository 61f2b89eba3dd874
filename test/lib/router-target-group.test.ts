import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CertificateDependency, Route53Dependency, VpcDependency } from '../../lib/dependencies';
import { DockerHost } from '../../lib/host';
import { AppRouter } from '../../lib/router';

/**
 * How the router's load balancer spreads requests over the routers and lets
 * one go: what a user sees when a router host is replaced or stops answering.
 */
describe('the router\'s load balancer and target groups', () => {
  let template: Template;
  let groups: Record<string, any>[];
  beforeAll(() => {
    template = routerTemplate();
    groups = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup')).map((group) => group.Properties);
  });

  it('lets a leaving router finish its connections for 30 s, not the 300 s of the default, so replacing a router host takes seconds', () => {
    expect(groups).toHaveLength(2);
    for (const group of groups) {
      expect(group.TargetGroupAttributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '30' });
    }
  });

  it('takes a router that stops answering out after two failed TCP checks 10 s apart, and back after two good ones', () => {
    for (const group of groups) {
      expect(group).toMatchObject({
        HealthCheckProtocol: 'TCP',
        HealthCheckIntervalSeconds: 10,
        HealthyThresholdCount: 2,
        UnhealthyThresholdCount: 2,
      });
    }
  });

  it('sends a client in any zone to the routers of every zone, so a zone without a router still answers', () => {
    const [balancer] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')).map((resource) => resource.Properties);
    expect(balancer.LoadBalancerAttributes).toContainEqual({ Key: 'load_balancing.cross_zone.enabled', Value: 'true' });
  });
});

/** A stack with a router on one Docker host, in a VPC of two subnets. */
function routerTemplate(): Template {
  const stack = new Stack(new App(), 'Routing');
  const network = new VpcDependency(stack, 'Vpc', { vpcName: 'main' });
  const router = new AppRouter(stack, 'Router', {
    vpc: network.toVpc({ subnetCount: 2 }),
    zone: new Route53Dependency(stack, 'Zone', { domainName: 'example.com', privateZone: false }).toHostedZone(),
    domainName: 'apps.example.com',
    certificate: new CertificateDependency(stack, 'Certificate', { domainName: '*.apps.example.com' }).toCertificate(),
    apps: [{ hostName: 'counter', upstream: 'counter', port: 8000 }],
  });
  const host = new DockerHost(stack, 'Host', { ...network.placement(0), containers: [router.container({ image: 'nginx:1.27-alpine', network: 'apps' })] });
  router.addInstance(host.instance);
  return Template.fromStack(stack);
}
