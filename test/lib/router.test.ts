import { App, Duration, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { CertificateDependency, Route53Dependency, VpcDependency } from '../../lib/dependencies';
import { DockerHost } from '../../lib/host';
import { validateContainers, type ContainerDefinition } from '../../lib/containers';
import { AppRouter, type AppRouterProps } from '../../lib/router/app-router';
import { renderNginxConfig, type NginxConfigOptions } from '../../lib/router/nginx-config';
import { PropError } from '../../lib/errors';

/** The router the messages name, as AppRouter's own rendering names it. */
const OWNER = 'AppRouter Routing/Router';
const OPTIONS: NginxConfigOptions = {
  domain: 'apps.example.com',
  apps: [
    { hostName: 'counter', upstream: 'counter', port: 8000 },
    { hostName: 'www', upstream: 'tasks.site', port: 80 },
  ],
  httpsPort: 8443,
  redirectPort: 8080,
  resolverValidSeconds: 5,
};

describe('nginx configuration', () => {
  it('gives each app a server of its own name that proxies to it through Docker\'s DNS', () => {
    // WHEN
    const config = renderNginxConfig(OWNER, OPTIONS);
    // THEN
    expect(config).toContain('resolver 127.0.0.11 valid=5s ipv6=off;');
    expect(serverBlock(config, 'counter.apps.example.com')).toEqual(expect.arrayContaining([
      'listen 8443;',
      'set $app_upstream counter;',
      'proxy_pass http://$app_upstream:8000;',
      'proxy_next_upstream error timeout http_502 http_503 http_504;',
      'proxy_next_upstream_tries 3;',
    ]));
    expect(serverBlock(config, 'www.apps.example.com')).toEqual(expect.arrayContaining([
      'set $app_upstream tasks.site;',
      'proxy_pass http://$app_upstream:80;',
    ]));
  });

  it('renders, for two apps, exactly the file nginx reads: every directive, block and comment', () => {
    // WHEN
    const config = renderNginxConfig(OWNER, OPTIONS);
    // THEN
    expect(config).toBe(String.raw`# The router: each app answers on its own name; rendered from the app definitions.
resolver 127.0.0.11 valid=5s ipv6=off;
resolver_timeout 2s;
# Buckets of the names' hash sized from the longest name: nginx does not start when one does not fit.
server_names_hash_bucket_size 192;

# A name no app answers on, over https or plain HTTP.
server {
    listen 8443 default_server;
    listen 8080 default_server;
    server_name _;
    default_type text/plain;
    return 404 "no app answers on this name\n";
}

# Plain HTTP from the load balancer to an app's name: the same name over https.
server {
    listen 8080;
    server_name counter.apps.example.com
                www.apps.example.com;
    return 301 https://$host$request_uri;
}

server {
    listen 8443;
    server_name counter.apps.example.com;
    location / {
        set $app_upstream counter;
        proxy_pass http://$app_upstream:8000;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto https;
        proxy_connect_timeout 2s;
        proxy_next_upstream error timeout http_502 http_503 http_504;
        proxy_next_upstream_tries 3;
    }
    error_page 502 504 =503 @unavailable;
    location @unavailable {
        default_type text/plain;
        return 503 "counter has no healthy instance\n";
    }
}

server {
    listen 8443;
    server_name www.apps.example.com;
    location / {
        set $app_upstream tasks.site;
        proxy_pass http://$app_upstream:80;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto https;
        proxy_connect_timeout 2s;
        proxy_next_upstream error timeout http_502 http_503 http_504;
        proxy_next_upstream_tries 3;
    }
    error_page 502 504 =503 @unavailable;
    location @unavailable {
        default_type text/plain;
        return 503 "www has no healthy instance\n";
    }
}
`);
  });

  it('sends each app the name it was asked for, the client\'s address and https as the scheme, and no other header', () => {
    // WHEN
    const config = renderNginxConfig(OWNER, OPTIONS);
    // THEN
    for (const name of ['counter.apps.example.com', 'www.apps.example.com']) {
      expect(serverBlock(config, name).filter((line) => line.startsWith('proxy_set_header '))).toEqual([
        'proxy_set_header Connection "";',
        'proxy_set_header Host $host;',
        'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
        'proxy_set_header X-Forwarded-Proto https;',
      ]);
    }
  });

  it('answers 503 naming the app when no instance of it answers, and 404 for a name no app has', () => {
    // WHEN
    const config = renderNginxConfig(OWNER, OPTIONS);
    // THEN
    expect(serverBlock(config, 'counter.apps.example.com')).toEqual(expect.arrayContaining([
      'error_page 502 504 =503 @unavailable;',
      'return 503 "counter has no healthy instance\\n";',
    ]));
    expect(serverFor(config, 8443, 'nobody.apps.example.com')).toEqual(expect.arrayContaining([
      'default_type text/plain;',
      'return 404 "no app answers on this name\\n";',
    ]));
  });

  it('redirects plain HTTP for an app\'s name to the same name and path over https', () => {
    // WHEN
    const config = renderNginxConfig(OWNER, OPTIONS);
    // THEN
    for (const name of ['counter.apps.example.com', 'www.apps.example.com']) {
      expect(serverFor(config, 8080, name)).toContain('return 301 https://$host$request_uri;');
    }
  });

  it.each(['example.net', 'nobody.apps.example.com', 'apps.example.com', 'counter.apps.example.com.example.net', ''])(
    'answers plain HTTP for %j, no app\'s name, with the 404 of https and no redirect',
    (host) => {
      // WHEN
      const config = renderNginxConfig(OWNER, OPTIONS);
      // THEN
      expect(serverFor(config, 8080, host)).toEqual(serverFor(config, 8443, host));
      expect(serverFor(config, 8080, host)).toContain('return 404 "no app answers on this name\\n";');
    },
  );

  it.each([
    ['a', 'b.c'],
    ['ab', 'b.c'],
    ['abc', 'b.c'],
    ['a'.repeat(11), 'b.c'],
    ['a'.repeat(19), 'DOMAIN_100'],
    ['a', 'DOMAIN_251'],
  ])('sizes nginx\'s server-names hash for four names as long as %s.%s: the smallest multiple of 64 they fit in', (hostName, domainSpec) => {
    // GIVEN one app whose name is the longest
    const domain = domainSpec.startsWith('DOMAIN_') ? domainOfLength(Number(domainSpec.slice(7))) : domainSpec;
    const name = `${hostName}.${domain}`;
    // WHEN
    const config = renderNginxConfig(OWNER, { ...OPTIONS, domain, apps: [{ hostName, upstream: 'a', port: 80 }] });
    // THEN four entries of nginx's size for that name and the bucket's end pointer fit, in a multiple of its cache line
    const bucketSize = Number(/^server_names_hash_bucket_size (\d+);$/m.exec(config)?.[1]);
    const needed = 4 * nginxEntrySize(name.length) + 8;
    expect(bucketSize % 64).toBe(0);
    expect(bucketSize).toBeGreaterThanOrEqual(needed);
    expect(bucketSize - 64).toBeLessThan(needed);
  });

  it('renders a router without apps that answers 404 to every name', () => {
    // WHEN
    const config = renderNginxConfig(OWNER, { ...OPTIONS, apps: [] });
    // THEN
    expect(servers(config)).toHaveLength(1);
    for (const port of [8443, 8080]) expect(serverFor(config, port, 'counter.apps.example.com')).toContain('return 404 "no app answers on this name\\n";');
  });

  it.each([
    [{ httpsPort: 0 }, 'httpsPort: must be a whole number from 1 to 65535, got 0'],
    [{ httpsPort: 65536 }, 'httpsPort: must be a whole number from 1 to 65535, got 65536'],
    [{ httpsPort: 8443.5 }, 'httpsPort: must be a whole number from 1 to 65535, got 8443.5'],
    [{ redirectPort: 0 }, 'redirectPort: must be a whole number from 1 to 65535, got 0'],
    [{ redirectPort: 65536 }, 'redirectPort: must be a whole number from 1 to 65535, got 65536'],
    [{ apps: [{ hostName: 'web', upstream: 'web', port: 65536 }] }, 'apps[0].port: must be the whole number from 1 to 65535 the app listens on, got 65536'],
    [{ apps: [{ hostName: 'web', upstream: 'web', port: 80.5 }] }, 'apps[0].port: must be the whole number from 1 to 65535 the app listens on, got 80.5'],
    [{ resolverValidSeconds: 1.5 }, 'resolverValid: must be a whole number of seconds from 1, got 1.5'],
  ] as const)('refuses the port or time %j just outside what nginx takes', (change, message) => {
    expect(() => renderNginxConfig(OWNER, { ...OPTIONS, ...change })).toThrow(`${OWNER}: ${message}`);
  });

  it.each([
    [{ httpsPort: 1, redirectPort: 65535 }, 'listen 1 default_server;'],
    [{ httpsPort: 65535, redirectPort: 1 }, 'listen 65535 default_server;'],
    [{ apps: [{ hostName: 'web', upstream: 'web', port: 1 }] }, 'proxy_pass http://$app_upstream:1;'],
    [{ apps: [{ hostName: 'web', upstream: 'web', port: 65535 }] }, 'proxy_pass http://$app_upstream:65535;'],
    [{ resolverValidSeconds: 1 }, 'resolver 127.0.0.11 valid=1s ipv6=off;'],
  ] as const)('takes the edge %j of what nginx takes', (change, line) => {
    expect(renderNginxConfig(OWNER, { ...OPTIONS, ...change })).toContain(line);
  });

  it.each([
    [{ apps: [{ hostName: 'Counter', upstream: 'counter', port: 80 }] }, 'AppRouter Routing/Router: apps[0].hostName: must be one DNS label (lower-case letters, digits and "-", such as counter), got "Counter"'],
    [{ apps: [{ hostName: 'a.b', upstream: 'counter', port: 80 }] }, 'AppRouter Routing/Router: apps[0].hostName: must be one DNS label'],
    [
      { apps: [{ hostName: 'web', upstream: 'one', port: 80 }, { hostName: 'web', upstream: 'two', port: 80 }] },
      'AppRouter Routing/Router: apps[1].hostName: "web" is already the name of apps[0] (one); give each app its own',
    ],
    [{ apps: [{ hostName: 'web', upstream: 'web;evil', port: 80 }] }, 'AppRouter Routing/Router: apps[0].upstream: must be a container or service name'],
    [{ apps: [{ hostName: 'web', upstream: 'web', port: 0 }] }, 'AppRouter Routing/Router: apps[0].port: must be the whole number from 1 to 65535 the app listens on, got 0'],
    [{ domain: 'Apps.Example.com' }, 'AppRouter Routing/Router: domainName: must be a lower-case DNS name known at synth time, such as apps.example.com, got "Apps.Example.com"'],
    [{ redirectPort: 8443 }, 'AppRouter Routing/Router: redirectPort: must differ from httpsPort, both are 8443'],
    [{ resolverValidSeconds: 0 }, 'AppRouter Routing/Router: resolverValid: must be a whole number of seconds from 1, got 0'],
    [{ domain: `${'a'.repeat(64)}.example.com` }, 'AppRouter Routing/Router: domainName: must be a lower-case DNS name'],
    [
      { domain: domainOfLength(252) },
      'AppRouter Routing/Router: domainName: must be at most 251 characters, so that its wildcard record *.<domain> is a DNS name of at most 253; got 252: give a shorter domainName',
    ],
    [
      { domain: domainOfLength(247), apps: [{ hostName: 'shop-1', upstream: 'shop', port: 80 }] },
      'AppRouter Routing/Router: apps[0].hostName: the app\'s name shop-1.' + domainOfLength(247) + ' is 254 characters, and a DNS name has at most 253: give a hostName of at most 5 characters, or a shorter domainName',
    ],
  ] as const)('refuses %j, saying what to give instead', (change, message) => {
    const render = () => renderNginxConfig(OWNER, { ...OPTIONS, ...change });
    expect(render).toThrow(message);
    expect(render).toThrow(PropError);
  });
});

describe('load balancer, record and security groups', () => {
  let stack: Stack;
  let router: AppRouter;
  let template: Template;
  beforeAll(() => {
    ({ stack, router } = routerStack());
    template = Template.fromStack(stack);
  });

  it('points the wildcard record of the apps\' domain at the load balancer, in the zone the lookup found', () => {
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: '*.apps.example.com.',
      Type: 'A',
      Comment: 'apps on *.apps.example.com through the router',
      HostedZoneId: { 'Fn::GetAtt': [logicalId(template, 'Custom::Route53Dependency'), 'Id'] },
      AliasTarget: {
        DNSName: { 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [logicalId(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer'), 'DNSName'] }]] },
        HostedZoneId: { 'Fn::GetAtt': [logicalId(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer'), 'CanonicalHostedZoneID'] },
      },
    });
  });

  it('ends TLS on port 443 with the certificate the lookup found and sends it to the router\'s https port', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'TLS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: { 'Fn::GetAtt': [logicalId(template, 'Custom::CertificateDependency'), 'Arn'] } }],
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'Https') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8443,
      Protocol: 'TCP',
      TargetType: 'instance',
      HealthCheckProtocol: 'TCP',
      Targets: [{ Id: { Ref: logicalId(template, 'AWS::EC2::Instance') }, Port: 8443 }],
    });
  });

  it('sends plain HTTP on port 80 to the router\'s redirect port', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'TCP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalId(template, 'AWS::ElasticLoadBalancingV2::TargetGroup', 'Redirect') } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 8080,
      Protocol: 'TCP',
      Targets: [{ Id: { Ref: logicalId(template, 'AWS::EC2::Instance') }, Port: 8080 }],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 2);
  });

  it('opens the router ports of the host to the load balancer\'s security group only, and lets the load balancer reach nothing else', () => {
    // GIVEN
    const balancerGroup = { 'Fn::GetAtt': [logicalId(template, 'AWS::EC2::SecurityGroup', 'LoadBalancerSecurityGroup'), 'GroupId'] };
    const hostGroup = { 'Fn::GetAtt': [logicalId(template, 'AWS::EC2::SecurityGroup', 'HostSecurityGroup'), 'GroupId'] };
    // THEN
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Docker host'),
      SecurityGroupIngress: [8443, 8080].map((port) => ({
        SourceSecurityGroupId: balancerGroup,
        IpProtocol: 'tcp',
        FromPort: port,
        ToPort: port,
        Description: `router ${port}/tcp from a security group`,
      })),
    });
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties);
    expect(egress).toEqual([8443, 8080].map((port) => ({
      GroupId: balancerGroup,
      DestinationSecurityGroupId: hostGroup,
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      Description: `router port ${port} of the nodes`,
    })));
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Router load balancer: https and http to *.apps.example.com',
      SecurityGroupIngress: [
        { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'https to the apps' },
        { CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, Description: 'http, redirected to https' },
      ],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing', Type: 'network' });
    expect(router.domainName).toBe('apps.example.com');
  });

  it('gives the router container the rendered configuration, read-only, reloaded in place, and no other mount', () => {
    // WHEN
    const container = router.container({ image: 'nginx:1.27-alpine', network: 'apps' });
    // THEN
    expect(container.files).toEqual([{ path: '/etc/nginx/conf.d/apps.conf', content: router.nginxConfig }]);
    expect(container.reload).toEqual(['nginx', '-s', 'reload']);
    expect(container.network).toBe('apps');
    expect(container.ports?.map((port) => [port.hostPort, port.allowFrom])).toEqual([[8443, []], [8080, []]]);
  });

  it('keeps a load balancer that is not internet-facing to the VPC\'s own range', () => {
    // GIVEN
    const internal = Template.fromStack(routerStack({ internetFacing: false }).stack);
    // THEN
    internal.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal', Type: 'network' });
    internal.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Router load balancer'),
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ FromPort: 443, CidrIp: { 'Fn::GetAtt': [logicalId(internal, 'Custom::VpcDependency'), 'CidrBlock'] } })]),
    });
  });

  it('puts the load balancer in each subnet of a lookup\'s VPC, all private, when none are given, behind its own security group only', () => {
    // GIVEN the VPC's two subnets, as the lookup's VPC gives them
    const subnets = [0, 1].map((i) => ({ 'Fn::Select': [i, { 'Fn::Split': [',', { 'Fn::GetAtt': [logicalId(template, 'Custom::VpcDependency'), 'SubnetIds'] }] }] }));
    // THEN
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Subnets: subnets,
      SecurityGroups: [{ 'Fn::GetAtt': [logicalId(template, 'AWS::EC2::SecurityGroup', 'LoadBalancerSecurityGroup'), 'GroupId'] }],
    });
  });

  it.each<[string, boolean, ec2.SubnetConfiguration[], string[]]>([
    ['an internet-facing one in the public subnets', true, [
      { name: 'edge', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'apps', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ], ['edgeSubnet1', 'edgeSubnet2']],
    ['an internal one in the first private subnets of each zone', false, [
      { name: 'edge', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'apps', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    ], ['appsSubnet1', 'appsSubnet2']],
    ['an internal one in the isolated subnets of a VPC without private ones', false, [
      { name: 'edge', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ], ['dataSubnet1', 'dataSubnet2']],
    ['an internal one in the public subnets of a VPC without others', false, [{ name: 'edge', subnetType: ec2.SubnetType.PUBLIC }], ['edgeSubnet1', 'edgeSubnet2']],
    ['an internet-facing one in the isolated subnets of a VPC without others', true, [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }], ['dataSubnet1', 'dataSubnet2']],
  ])('puts %s, one per zone, when none are given', (_, internetFacing, subnetConfiguration, expected) => {
    // GIVEN a VPC of two zones with these subnets
    const stack = new Stack(new App(), 'Routing');
    const vpc = new ec2.Vpc(stack, 'Network', { maxAzs: 2, natGateways: subnetConfiguration.some((subnet) => subnet.subnetType === ec2.SubnetType.PRIVATE_WITH_EGRESS) ? 1 : 0, subnetConfiguration });
    const zone = new Route53Dependency(stack, 'Zone', { domainName: 'example.com', privateZone: false });
    const certificate = new CertificateDependency(stack, 'Certificate', { domainName: '*.apps.example.com' });
    // WHEN
    new AppRouter(stack, 'Router', { vpc, zone: zone.toHostedZone(), domainName: 'apps.example.com', certificate: certificate.toCertificate(), apps: [...OPTIONS.apps], internetFacing });
    // THEN
    const balancer = Template.fromStack(stack).findResources('AWS::ElasticLoadBalancingV2::LoadBalancer');
    const subnets = Object.values(balancer)[0].Properties.Subnets.map((subnet: { Ref: string }) => subnet.Ref);
    expect(subnets).toEqual(expected.map((name) => expect.stringMatching(new RegExp(`^Network${name}Subnet[0-9A-F]{8}$`))));
  });

  it('acknowledges, with its reason, the access logs it leaves to the user, and the open ingress only of an internet-facing load balancer', () => {
    // GIVEN
    const acknowledged = (scope: Construct) => scope.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules').map((entry) => entry.data);
    const internal = routerStack({ internetFacing: false }).router;
    // THEN
    expect(acknowledged(router.loadBalancer)).toEqual([
      { 'Annotation::AwsSolutions-ELB2': 'Access logs need a bucket of the user\'s choice; turn them on with loadBalancer.logAccessLogs(bucket).' },
    ]);
    expect(acknowledged(router.loadBalancerSecurityGroup)).toEqual([
      { 'Annotation::AwsSolutions-EC23': 'The load balancer is the public entry of the apps: ports 443 and 80 only, and 80 only redirects the apps\' names to https.' },
    ]);
    expect(acknowledged(internal.loadBalancerSecurityGroup)).toEqual([]);
  });

  it('puts an Auto Scaling group\'s instances behind both target groups and lets the load balancer reach their router ports in the groups given', () => {
    // GIVEN
    const { stack: swarmStack, router: swarmRouter } = routerStack();
    const vpc = swarmRouter.loadBalancer.vpc!;
    const nodes = new ec2.SecurityGroup(swarmStack, 'NodesGroup', { vpc });
    const group = new autoscaling.AutoScalingGroup(swarmStack, 'Nodes', {
      vpc,
      instanceType: new ec2.InstanceType('t3.small'),
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      securityGroup: nodes,
    });
    // WHEN
    swarmRouter.addAutoScalingGroup(group, [nodes]);
    // THEN
    const swarmTemplate = Template.fromStack(swarmStack);
    const targetGroups = ['Https', 'Redirect'].map((name) => ({ Ref: logicalId(swarmTemplate, 'AWS::ElasticLoadBalancingV2::TargetGroup', name) }));
    swarmTemplate.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { TargetGroupARNs: targetGroups });
    const toNodes = Object.values(swarmTemplate.findResources('AWS::EC2::SecurityGroupEgress'))
      .map((r) => r.Properties)
      .filter((rule) => JSON.stringify(rule.DestinationSecurityGroupId).includes('NodesGroup'));
    expect(toNodes).toEqual([8443, 8080].map((port) => ({
      GroupId: { 'Fn::GetAtt': [logicalId(swarmTemplate, 'AWS::EC2::SecurityGroup', 'LoadBalancerSecurityGroup'), 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [logicalId(swarmTemplate, 'AWS::EC2::SecurityGroup', 'NodesGroup'), 'GroupId'] },
      IpProtocol: 'tcp',
      FromPort: port,
      ToPort: port,
      Description: `router port ${port} of the nodes`,
    })));
  });

  it('passes the AWS Solutions checks, with each acknowledgement reasoned', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('names the router when the apps are wrong', () => {
    expect(() => routerStack({ apps: [{ hostName: 'x_y', upstream: 'xy', port: 80 }] })).toThrow(
      'AppRouter Routing/Router: apps[0].hostName: must be one DNS label',
    );
  });

  it('reads the resolver\'s validity from resolverValid', () => {
    expect(routerStack({ resolverValid: Duration.seconds(30) }).router.nginxConfig).toContain('valid=30s');
  });
});

function routerStack(change: Partial<AppRouterProps> = {}): { stack: Stack; router: AppRouter } {
  const stack = new Stack(new App(), 'Routing');
  const network = new VpcDependency(stack, 'Vpc', { vpcName: 'main' });
  const vpc = network.toVpc({ subnetCount: 2 });
  const zone = new Route53Dependency(stack, 'Zone', { domainName: 'example.com', privateZone: false });
  const certificate = new CertificateDependency(stack, 'Certificate', { domainName: '*.apps.example.com' });
  const router = new AppRouter(stack, 'Router', {
    vpc,
    zone: zone.toHostedZone(),
    domainName: 'apps.example.com',
    certificate: certificate.toCertificate(),
    apps: [...OPTIONS.apps],
    ...change,
  });
  const host = new DockerHost(stack, 'Host', { ...network.placement(0), containers: [router.container({ image: 'nginx:1.27-alpine', network: 'apps' })] });
  router.addInstance(host.instance);
  return { stack, router };
}

/** A domain of `length` characters, of labels of at most 63. */
function domainOfLength(length: number): string {
  const labels: string[] = [];
  for (let left = length; left > 0; left -= 64) labels.push('d'.repeat(Math.min(63, left)));
  const domain = labels.join('.');
  if (domain.length !== length) throw new Error(`no domain of ${length} characters ends in a label of 63`);
  return domain;
}

/**
 * The bytes a name of `length` characters takes in a bucket of nginx's
 * server-names hash on a 64-bit machine: a pointer and the name with two
 * bytes, aligned to 8. A bucket ends with a pointer, and nginx rounds its
 * size up to a cache line (64); a name that does not fit stops nginx ("could
 * not build server_names_hash"): nginx 1.22 loads a 253-character name alone
 * with 320, not with 256.
 */
function nginxEntrySize(length: number): number {
  return 8 + Math.ceil((length + 2) / 8) * 8;
}

interface Server {
  /** The arguments of each `listen`, such as `8443 default_server`. */
  readonly listens: readonly string[];
  readonly names: readonly string[];
  /** The block's lines, trimmed. */
  readonly lines: readonly string[];
}

/** The server blocks of a rendered configuration. */
function servers(config: string): Server[] {
  return config.split(/\n(?=server \{)/).filter((block) => block.startsWith('server {')).map((block) => {
    const text = block.slice(0, block.indexOf('\n}') + 2);
    return {
      listens: [...text.matchAll(/^\s+listen ([^;]+);/gm)].map((match) => match[1]),
      names: /^\s+server_name ([^;]+);/m.exec(text)?.[1].split(/\s+/) ?? [],
      lines: text.split('\n').map((line) => line.trim()),
    };
  });
}

/**
 * The lines of the server nginx picks for a request to `port` with
 * `Host: host`: the server listening on `port` with that name, or else the
 * port's default server.
 */
function serverFor(config: string, port: number, host: string): readonly string[] {
  const onPort = servers(config).filter((server) => server.listens.some((listen) => listen.split(' ')[0] === String(port)));
  const server = onPort.find((candidate) => candidate.names.includes(host)) ?? onPort.find((candidate) => candidate.listens.includes(`${port} default_server`));
  if (!server) throw new Error(`no server on port ${port} in:\n${config}`);
  return server.lines;
}

/** The lines of the server on the https port (8443) whose name is `name`. */
function serverBlock(config: string, name: string): readonly string[] {
  const server = servers(config).find((candidate) => candidate.listens.includes('8443') && candidate.names.includes(name));
  if (!server) throw new Error(`no server on 8443 named ${name} in:\n${config}`);
  return server.lines;
}

function logicalId(template: Template, type: string, pathPart = ''): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(pathPart));
  if (ids.length !== 1) throw new Error(`expected one ${type} with ${pathPart} in its id, got ${ids.join(', ')}`);
  return ids[0];
}

describe('containers the router reaches', () => {
  const APP: ContainerDefinition = { name: 'counter', image: 'counter:1', network: 'apps', route: { hostName: 'counter', port: 8000 } };

  it('accepts an app on a network with a route, and a router port open to a security group only', () => {
    expect(() => validateContainers('host', [
      APP,
      { name: 'router', image: 'nginx', network: 'apps', ports: [{ hostPort: 8443, allowFrom: [], allowFromSecurityGroups: ['sg-0abc'] }], files: [{ path: '/etc/nginx/conf.d/apps.conf', content: 'x' }], reload: ['nginx', '-s', 'reload'] },
    ])).not.toThrow();
  });

  it.each([
    [{ ...APP, network: undefined }, 'host: containers[0].route: needs network, the Docker network the router reaches the app on'],
    [{ ...APP, route: { hostName: 'Counter', port: 8000 } }, 'containers[0].route.hostName: must be one DNS label'],
    [{ ...APP, route: { hostName: 'counter', port: 70000 } }, 'containers[0].route.port: must be the whole number from 1 to 65535 the app listens on, got 70000'],
    [{ ...APP, files: [{ path: '/var/run/../run/docker.sock', content: '' }] }, 'containers[0].files[0].path: must be an absolute path in a folder'],
    [{ ...APP, files: [{ path: 'apps.conf', content: '' }] }, 'containers[0].files[0].path: must be an absolute path in a folder'],
    [{ ...APP, reload: ['nginx', '-s', 'reload'] }, 'containers[0].reload: must be a command, and applies only to a container with files'],
    [{ ...APP, ports: [{ hostPort: 8443, allowFrom: [] }] }, 'containers[0].ports[0].allowFrom: must list at least one CIDR range, or allowFromSecurityGroups a security group'],
    [{ ...APP, network: 'my net' }, 'containers[0].network: must be a letter or digit'],
  ] as const)('refuses %j, naming the prop', (container, message) => {
    expect(() => validateContainers('host', [container as ContainerDefinition])).toThrow(message);
  });
});
