import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../bin/app';
import type { PaasSwarmStack } from '../../app/paas-swarm-stack';
import { renderIntrinsic } from './user-data';

/** The context of the project's cdk.json, as `cdk synth -c env=swarm` passes it. */
const CONTEXT = { ...JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context, env: 'swarm' };
const SAMPLES = { 'AWS::StackName': 'Paas-swarm', 'AWS::Region': 'eu-west-1', 'AWS::StackId': 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Paas-swarm/1' };

let stack: PaasSwarmStack;
let template: Template;

beforeAll(() => {
  stack = paasSwarm(CONTEXT);
  template = Template.fromStack(stack);
});

describe('apps on a wildcard domain on the swarm, from cdk.json', () => {
  it('runs each app as a service on the workers, on the overlay network, with no port published', () => {
    // GIVEN
    const services = compose().services;
    // THEN
    expect(Object.keys(services)).toEqual(['redis-counter', 'postgres-counter', 'www', 'router']);
    expect(compose().networks).toEqual({ apps: { driver: 'overlay' } });
    for (const name of ['redis-counter', 'postgres-counter', 'www']) {
      expect(services[name].ports).toBeUndefined();
      expect(services[name].networks).toEqual(['apps']);
      expect(services[name].deploy.placement).toEqual({ constraints: ['node.role == worker'] });
    }
  });

  it('routes each app by its name to the running tasks of its service, without IPVS', () => {
    // GIVEN
    const config = workerFiles()['/etc/docker-swarm/files/router/etc/nginx/conf.d/apps.conf'].content;
    // THEN
    expect([...config.matchAll(/server_name (\S+);\n\s+location \/ \{\n\s+set \$app_upstream (\S+);\n\s+proxy_pass http:\/\/\$app_upstream:(\d+);/g)].map((m) => m.slice(1))).toEqual([
      ['redis-counter.apps.swarm.example.com', 'tasks.paas_redis-counter', '8000'],
      ['postgres-counter.apps.swarm.example.com', 'tasks.paas_postgres-counter', '8000'],
      ['www.apps.swarm.example.com', 'tasks.paas_www', '80'],
    ]);
    for (const service of Object.values<any>(compose().services)) expect(service.deploy.endpoint_mode).toBe('dnsrr');
  });

  it('runs the router on every worker, on the router ports of the node, its configuration mounted read-only and no Docker socket', () => {
    // GIVEN
    const router = compose().services.router;
    // THEN
    expect(router.deploy).toMatchObject({ mode: 'global', placement: { constraints: ['node.role == worker'] } });
    expect(router.ports).toEqual([
      { target: 8443, published: 8443, protocol: 'tcp', mode: 'host' },
      { target: 8080, published: 8080, protocol: 'tcp', mode: 'host' },
    ]);
    expect(router.volumes).toEqual([{ type: 'bind', source: '/etc/docker-swarm/files/router/etc/nginx/conf.d', target: '/etc/nginx/conf.d', read_only: true }]);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/docker\.sock/);
  });

  it('puts the workers\' Auto Scaling group behind both listeners of the load balancer', () => {
    // GIVEN
    const targetGroups = Object.keys(template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    // THEN
    expect(targetGroups).toHaveLength(2);
    const [workers] = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup', { Properties: { TargetGroupARNs: Match.anyValue() } }));
    expect(workers.Properties.TargetGroupARNs).toEqual(targetGroups.map((id) => ({ Ref: id })));
    expect(workers.Properties.LaunchTemplate.LaunchTemplateId.Ref).toMatch(/^SwarmWorkersLaunchTemplate/);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2);
  });

  it('opens the router ports of the nodes to the load balancer\'s security group only, and no other port to anyone outside the swarm', () => {
    // GIVEN
    const [nodes] = Object.values(template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Docker swarm nodes') } }));
    const loadBalancer = template.getResourceId('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Router load balancer') } });
    // THEN
    expect(nodes.Properties.SecurityGroupIngress).toEqual([8443, 8080].map((port) => ({
      Description: `router ${port}/tcp from a security group`,
      FromPort: port,
      ToPort: port,
      IpProtocol: 'tcp',
      SourceSecurityGroupId: { 'Fn::GetAtt': [loadBalancer, 'GroupId'] },
    })));
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')).map((rule) => rule.Properties);
    expect(egress.map((rule) => [rule.FromPort, rule.GroupId, rule.DestinationSecurityGroupId])).toEqual(
      [8443, 8080].map((port) => [port, { 'Fn::GetAtt': [loadBalancer, 'GroupId'] }, { 'Fn::GetAtt': [template.getResourceId('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^Docker swarm nodes') } }), 'GroupId'] }]),
    );
  });

  it('reloads nginx on every node after a stack update that changes the apps, and redeploys from the managers', () => {
    // GIVEN
    const hooks = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup')).map((group) =>
      renderIntrinsic(group.Metadata['AWS::CloudFormation::Init'].config.files['/etc/cfn/hooks.d/docker-swarm.conf'].content, SAMPLES),
    );
    // THEN
    expect(hooks.map((hook) => /^action=.* --resource (\S+) .*? && (.*)$/m.exec(hook)?.slice(1).join(': '))).toEqual([
      expect.stringMatching(
        /^SwarmManager1ASG\w+: \/usr\/local\/sbin\/docker-swarm-env \/etc\/docker-swarm\/env.json \/etc\/docker-swarm\/env && \/usr\/local\/sbin\/docker-swarm-deploy && \/usr\/local\/sbin\/docker-swarm-reload$/,
      ),
      expect.stringMatching(/^SwarmWorkersASG\w+: \/usr\/local\/sbin\/docker-swarm-reload$/),
    ]);
    expect(workerUserData()).toContain("reload paas_router /etc/docker-swarm/files/router nginx -s reload || status=1");
  });

  it('writes the router\'s files on a worker before it joins the swarm, so its task finds them', () => {
    // GIVEN
    const script = workerUserData();
    // THEN
    expect(script).toMatch(/^cfn-init -v --stack 'Paas-swarm' --resource 'SwarmWorkersASG\w+' --region 'eu-west-1'$/m);
    expect(script.indexOf('cfn-init -v')).toBeLessThan(script.indexOf('  join_swarm worker'));
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^SwarmWorkerRole') }],
      PolicyDocument: { Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'cloudformation:DescribeStackResource', Resource: { Ref: 'AWS::StackId' } }]) },
    });
  });

  it('adds an app with one entry in cdk.json: a service and a route, and nothing else of the router changes', () => {
    // GIVEN
    const context = structuredClone(CONTEXT);
    context.environments.swarm.paas.apps.push({ hostName: 'blog', image: 'blog:2', port: 3000 });
    // WHEN
    const grown = paasSwarm(context);
    // THEN
    const services = (grown.swarm.compose as any).services;
    expect(services.blog).toMatchObject({ image: 'blog:2', networks: ['apps'], deploy: { placement: { constraints: ['node.role == worker'] } } });
    expect(grown.router.nginxConfig).toContain('server_name blog.apps.swarm.example.com;');
    expect(grown.router.nginxConfig).toContain('set $app_upstream tasks.paas_blog;');
    expect(services.router).toEqual(compose().services.router);
  });

  it('passes the AWS Solutions checks, with each acknowledgement reasoned', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

function paasSwarm(context: Record<string, unknown>): PaasSwarmStack {
  return buildApp(new App({ context })).node.findChild('Paas-swarm') as PaasSwarmStack;
}

function compose(): Record<string, any> {
  return stack.swarm.compose as Record<string, any>;
}

function workerFiles(): Record<string, any> {
  const [workers] = Object.entries(template.findResources('AWS::AutoScaling::AutoScalingGroup')).filter(([id]) => id.startsWith('SwarmWorkers'));
  return workers[1].Metadata['AWS::CloudFormation::Init'].config.files;
}

function workerUserData(): string {
  const [launchTemplate] = Object.entries((template.toJSON() as { Resources: Record<string, any> }).Resources).filter(
    ([id, resource]) => resource.Type === 'AWS::EC2::LaunchTemplate' && id.startsWith('SwarmWorkersLaunchTemplate'),
  );
  return Buffer.from(renderIntrinsic(launchTemplate[1].Properties.LaunchTemplateData.UserData, SAMPLES), 'base64').toString('utf8');
}
