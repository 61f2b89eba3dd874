import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../bin/app';
import { readConfig } from '../../app/config';
import { itRunning } from '../helpers/host-tools';
import { renderHostFile, renderUserData, runApply } from './user-data';

/** The context of the project's cdk.json, as `cdk synth` passes it. */
const CONTEXT = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;

const SAMPLES = {
  'AWS::StackName': 'MemcachedService-dev',
  'AWS::Region': 'eu-west-1',
  Environment: 'AlphaEndpoint=alpha.cache.dev.example.internal:11211\nBetaEndpoint=beta.cache.dev.example.internal:11212',
};

let app: App;
let service: Template;
let appStack: Template;

beforeAll(() => {
  app = buildApp(new App({ context: CONTEXT }));
  service = Template.fromStack(stack('MemcachedService-dev'));
  appStack = Template.fromStack(stack('MemcachedApp-dev'));
});

describe('the app', () => {
  it('has the CustomResources stack, the memcached service, its app and the apps on a wildcard domain for the default environment', () => {
    // GIVEN the app built from cdk.json
    // THEN
    expect(app.node.children.filter(Stack.isStack).map((s) => s.stackName)).toEqual([
      'CustomResources',
      'MemcachedService-dev',
      'MemcachedApp-dev',
      'Paas-dev',
    ]);
  });

  it('synthesizes with the AWS Solutions checks and without any synth-time lookup', () => {
    // GIVEN the app built from cdk.json
    // WHEN
    const assembly = app.synth();
    // THEN
    expect(assembly.manifest.missing).toBeUndefined();
    expect(assembly.stacks.map((s) => s.environment.account)).toEqual(['unknown-account', 'unknown-account', 'unknown-account', 'unknown-account']);
  });

  it('sets every feature flag cdk init of the pinned CLI writes, with its value', () => {
    // GIVEN the flags the CLI recommends for new projects
    const recommended = JSON.parse(
      readFileSync(path.join(__dirname, '..', '..', 'node_modules', 'aws-cdk', 'lib', 'init-templates', '.recommended-feature-flags.json'), 'utf8'),
    ) as Record<string, unknown>;
    // THEN
    expect(Object.keys(recommended).length).toBeGreaterThan(0);
    expect(CONTEXT).toMatchObject(recommended);
  });

  it('fails synthesis when a tenant is open to the whole internet', () => {
    // GIVEN
    const context = structuredClone(CONTEXT);
    context.environments.dev.tenants[1].allowFrom = ['0.0.0.0/0'];
    // WHEN
    const synth = () => buildApp(new App({ context })).synth();
    // THEN
    expect(synth).toThrow(/The Security Group allows for 0.0.0.0\/0 .*\n.*MemcachedService-dev\/Host\/SecurityGroup/);
  });

  it('deploys the app after the service whose outputs it reads', () => {
    // GIVEN the app built from cdk.json
    // THEN
    expect(stack('MemcachedApp-dev').dependencies.map((s) => s.stackName)).toEqual(['MemcachedService-dev']);
  });
});

describe('the memcached service', () => {
  it('runs in the VPC found by name, and names its tenants in the private zone of that VPC', () => {
    // GIVEN the service stack of the default environment
    // THEN
    service.hasResourceProperties('Custom::VpcDependency', { VpcName: 'default' });
    service.hasResourceProperties('Custom::Route53Dependency', {
      DomainName: 'cache.dev.example.internal',
      PrivateZone: 'true',
      VpcId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'VpcId'] },
    });
  });

  it.each([
    ['alpha', 11211],
    ['beta', 11212],
  ])('gives tenant %s a DNS record pointing at the host and an endpoint output', (tenant, port) => {
    // GIVEN the service stack of the default environment
    // THEN
    const zone = service.getResourceId('Custom::Route53Dependency');
    const host = service.getResourceId('AWS::EC2::Instance');
    service.hasResourceProperties('AWS::Route53::RecordSet', {
      HostedZoneId: { 'Fn::GetAtt': [zone, 'Id'] },
      Name: { 'Fn::Join': ['', [`${tenant}.`, { 'Fn::GetAtt': [zone, 'Name'] }, '.']] },
      Type: 'A',
      TTL: '60',
      ResourceRecords: [{ 'Fn::GetAtt': [host, 'PrivateIp'] }],
    });
    service.hasOutput(`${tenant.charAt(0).toUpperCase()}${tenant.slice(1)}Endpoint`, {
      Value: { 'Fn::Join': ['', [`${tenant}.`, { 'Fn::GetAtt': [zone, 'Name'] }, `:${port}`]] },
    });
  });

  it('opens each tenant\'s port only to that tenant\'s range', () => {
    // GIVEN the service stack of the default environment
    // THEN
    service.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [
        Match.objectLike({ IpProtocol: 'tcp', FromPort: 11211, ToPort: 11211, CidrIp: '172.31.0.0/20' }),
        Match.objectLike({ IpProtocol: 'tcp', FromPort: 11212, ToPort: 11212, CidrIp: '172.31.16.0/20' }),
      ],
    });
  });

  itRunning('python3')('starts one memcached per tenant with its memory for items and a container limit above it', () => {
    // GIVEN the service's host file with sample deploy-time values
    const hostFile = renderHostFile(service.toJSON(), { ...SAMPLES, [logGroupId(service)]: 'service-logs' });
    // WHEN
    const { status, calls } = runApply({ ...hostFile, envFileDirectory: tmpEnvDir(), startupGracePeriodSeconds: 0 }, tmpEnvDir());
    // THEN
    expect(status).toBe(0);
    expect(calls.filter((call) => call[1] === 'run').map(withoutLabels)).toEqual([
      dockerRun('memcached-alpha', '96m', '11211:11211/tcp', 'service-logs', 'memcached', '-m', '64'),
      dockerRun('memcached-beta', '160m', '11212:11211/tcp', 'service-logs', 'memcached', '-m', '128'),
    ]);
  });
});

describe('the memcached app stack', () => {
  itRunning('python3')('reads the service stack\'s outputs and gives them to the app container as its env-file', () => {
    // GIVEN the app stack of the default environment
    appStack.hasResourceProperties('Custom::StackDependency', { StackName: 'MemcachedService-dev' });
    const envDir = tmpEnvDir();
    const hostFile = renderHostFile(appStack.toJSON(), { ...SAMPLES, 'AWS::StackName': 'MemcachedApp-dev', [logGroupId(appStack)]: 'app-logs' });
    // WHEN
    const { calls } = runApply({ ...hostFile, envFileDirectory: envDir, startupGracePeriodSeconds: 0 }, tmpEnvDir());
    // THEN
    expect(readFileSync(path.join(envDir, 'app.env'), 'utf8')).toBe(`${SAMPLES.Environment}\nAPP_ENV=dev\n`);
    expect(calls.filter((call) => call[1] === 'run').map(withoutLabels)).toEqual([
      [
        'docker', 'run', '--detach', '--name', 'app', '--restart', 'always', '--memory', '256m', '--publish', '8080:80/tcp',
        '--log-driver', 'awslogs', '--log-opt', 'awslogs-group=app-logs', '--log-opt', 'awslogs-region=eu-west-1', '--log-opt', 'awslogs-stream=app',
        '--env-file', path.join(envDir, 'app.env'), '--', 'public.ecr.aws/nginx/nginx:1.27-alpine',
      ],
    ]);
  });
});

describe('fresh lookups per pipeline run', () => {
  it('feeds -c lookupRefresh to every lookup, and the same answers give the same host', () => {
    // GIVEN two pipeline runs with different build ids
    const [first, second] = ['build-1', 'build-2'].map((id) =>
      Template.fromStack(buildApp(new App({ context: { ...CONTEXT, lookupRefresh: id } })).node.findChild('MemcachedService-dev') as Stack).toJSON(),
    );
    // WHEN
    const refreshes = (json: Record<string, any>) =>
      Object.values<any>(json.Resources).filter((r) => r.Type.startsWith('Custom::')).map((r) => r.Properties.Refresh);
    const withoutRefresh = (json: Record<string, any>) =>
      JSON.parse(JSON.stringify(json, (key, value) => (key === 'Refresh' ? undefined : value)));
    const answers = { ...SAMPLES, [logGroupId(Template.fromJSON(first))]: 'service-logs' };
    // THEN every lookup runs again on each deploy
    expect(new Set(refreshes(first))).toEqual(new Set(['build-1']));
    expect(new Set(refreshes(second))).toEqual(new Set(['build-2']));
    expect(refreshes(first).length).toBe(3);
    // and nothing else differs, so with the same answers the host resolves to the same properties and metadata
    expect(withoutRefresh(second)).toEqual(withoutRefresh(first));
    expect(renderHostFile(second, answers)).toEqual(renderHostFile(first, answers));
    expect(renderUserData(second, answers)).toEqual(renderUserData(first, answers));
  });
});

describe('environments', () => {
  it('builds the environment picked with -c env=prod, in its region, with its own images', () => {
    // GIVEN
    const prod = buildApp(new App({ context: { ...CONTEXT, env: 'prod' } }));
    // WHEN
    const serviceStack = prod.node.findChild('MemcachedService-prod') as Stack;
    const template = Template.fromStack(serviceStack);
    // THEN
    expect(serviceStack.region).toBe('eu-west-1');
    template.hasResourceProperties('Custom::VpcDependency', { VpcName: 'main' });
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 'm7g.large',
      DisableApiTermination: true,
      SubnetId: { 'Fn::Select': [1, { 'Fn::Split': [',', { 'Fn::GetAtt': [template.getResourceId('Custom::VpcDependency'), 'SubnetIds'] }] }] },
    });
    expect(JSON.stringify(template.toJSON())).toContain('memcached:1.6.38-alpine');
  });

  it('runs the tenants as services on the workers of a swarm with -c env=swarm, one host nowhere', () => {
    // GIVEN
    const swarm = buildApp(new App({ context: { ...CONTEXT, env: 'swarm' } }));
    // WHEN
    const template = Template.fromStack(swarm.node.findChild('MemcachedService-swarm') as Stack);
    // THEN
    template.resourceCountIs('AWS::EC2::Instance', 0);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2);
    const [files] = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup', { Metadata: Match.anyValue() })).map(
      (group) => group.Metadata['AWS::CloudFormation::Init'].config.files,
    );
    const services = files['/etc/docker-swarm/stack.yml'].content.services;
    expect(Object.keys(services)).toEqual(['memcached-alpha', 'memcached-beta']);
    expect(services['memcached-beta']).toMatchObject({
      command: ['memcached', '-m', '128'],
      ports: [{ target: 11211, published: 11212 }],
      deploy: { placement: { constraints: ['node.role == worker', 'engine.labels.tier == cache'] }, resources: { limits: { memory: '160M' } } },
    });
  });

  it('lets -c memcachedImage and -c appImage point the containers at other images', () => {
    // GIVEN
    const local = buildApp(
      new App({ context: { ...CONTEXT, memcachedImage: 'localhost/memcached:test', appImage: 'localhost/app:test' } }),
    );
    // WHEN
    const [serviceJson, appJson] = ['MemcachedService-dev', 'MemcachedApp-dev'].map((id) =>
      JSON.stringify(Template.fromStack(local.node.findChild(id) as Stack).toJSON()),
    );
    // THEN
    expect(serviceJson).toContain('"image":"localhost/memcached:test","command":["memcached","-m","64"]');
    expect(serviceJson).not.toContain('memcached:1.6-alpine');
    expect(appJson).toContain('localhost/app:test');
  });

  it('names the functions like the Sony Mobile originals with -c legacyFunctionNames=true', () => {
    // GIVEN
    const legacy = buildApp(new App({ context: { ...CONTEXT, legacyFunctionNames: 'true' } }));
    // THEN
    Template.fromStack(legacy.node.findChild('CustomResources') as Stack).hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'route53Dependency',
    });
  });

  it('reads numbers and booleans given as strings on the command line', () => {
    // GIVEN
    const context = structuredClone(CONTEXT);
    Object.assign(context.environments.dev, { volumeSize: '30', terminationProtection: 'TRUE', subnetIndex: '2' });
    // WHEN
    const config = readConfig(new App({ context }).node).environment;
    // THEN
    expect(config).toMatchObject({ volumeSize: 30, terminationProtection: true, subnetIndex: 2 });
  });

  it('gives an environment\'s swarm 3 managers, 1 to 2 workers and the routing mesh unless its swarm block says otherwise', () => {
    // GIVEN a production environment with an empty swarm block
    const environments = { prod: { ...CONTEXT.environments.prod, swarm: {} } };
    // WHEN
    const config = readConfig(new App({ context: { ...CONTEXT, env: 'prod', environments } }).node).environment;
    // THEN
    expect(config.swarm).toEqual({ managers: 3, minWorkers: 1, desiredWorkers: 2, maxWorkers: 2, publishMode: 'ingress' });
  });

  it('reads environments given as JSON text on the command line', () => {
    // GIVEN
    const environments = JSON.stringify({ ci: { ...CONTEXT.environments.dev, vpcName: 'ci-vpc' } });
    // WHEN
    const config = readConfig(new App({ context: { ...CONTEXT, env: 'ci', environments } }).node).environment;
    // THEN
    expect(config).toMatchObject({ name: 'ci', vpcName: 'ci-vpc', memcachedImage: 'memcached:1.6-alpine' });
  });

  it.each<[string, (context: any) => void, RegExp]>([
    ['environments that are no JSON', (c) => (c.environments = '{dev:'), /context environments must be a JSON object, got "\{dev:"/],
    ['an environment that is not there', (c) => (c.env = 'stage'), /context env is "stage", but environments has only dev, prod, swarm; add that block to cdk.json or pick another with -c env=NAME/],
    ['no VPC name', (c) => delete c.environments.dev.vpcName, /context environments.dev.vpcName is missing/],
    ['no tenants', (c) => (c.environments.dev.tenants = []), /context environments.dev.tenants must list at least one tenant/],
    ['a tenant name that is no DNS label', (c) => (c.environments.dev.tenants[0].name = 'Alpha_1'), /context environments.dev.tenants\[0\].name must be a DNS label/],
    ['two tenants of one name', (c) => (c.environments.dev.tenants[1].name = 'alpha'), /context environments.dev.tenants: two tenants have the name alpha/],
    ['two tenants on one port', (c) => (c.environments.dev.tenants[1].port = 11211), /two tenants have the port 11211/],
    ['a privileged tenant port', (c) => (c.environments.dev.tenants[0].port = 80), /context environments.dev.tenants\[0\].port must be a whole number from 1024 to 65535, got 80/],
    ['memory as words', (c) => (c.environments.dev.tenants[0].memoryMiB = 'lots'), /tenants\[0\].memoryMiB must be a whole number from 8 to 1048576, got "lots"/],
    ['a tenant open to nobody', (c) => (c.environments.dev.tenants[0].allowFrom = []), /tenants\[0\].allowFrom must list at least one CIDR range/],
    ['a range that is no CIDR', (c) => (c.environments.dev.tenants[0].allowFrom = ['office']), /tenants\[0\].allowFrom\[0\] must be a CIDR range such as 10.0.1.0\/24, got "office"/],
    ['a range with octets and a prefix out of range', (c) => (c.environments.dev.tenants[0].allowFrom = ['999.1.1.1/99']), /tenants\[0\].allowFrom\[0\] must be a CIDR range such as 10.0.1.0\/24, got "999.1.1.1\/99"/],
    ['the app on a tenant\'s port', (c) => (c.environments.dev.app.port = 11212), /context environments.dev.app.port 11212 is already the port of a tenant/],
    ['an account id that is not one', (c) => (c.environments.dev.account = 'dev-account'), /environments.dev.account must be a 12-digit account id, got "dev-account"/],
    ['a boolean as a word', (c) => (c.legacyFunctionNames = 'yes'), /context legacyFunctionNames must be true or false, got "yes"/],
    ['an image with a space', (c) => (c.memcachedImage = 'memcached latest'), /context memcachedImage must be an image name without spaces, got "memcached latest"/],
    ['tenants that are no list', (c) => (c.environments.dev.tenants = 'alpha'), /context environments.dev.tenants must be a list, got "alpha"/],
  ])('refuses %s with a message naming the context key', (_case, change, message) => {
    // GIVEN
    const context = structuredClone(CONTEXT);
    change(context);
    // THEN
    expect(() => readConfig(new App({ context }).node)).toThrow(message);
  });
});

function stack(id: string): Stack {
  return app.node.findChild(id) as Stack;
}

function dockerRun(name: string, memory: string, publish: string, logGroup: string, ...command: string[]): string[] {
  return [
    'docker', 'run', '--detach', '--name', name, '--restart', 'always', '--memory', memory, '--publish', publish,
    '--log-driver', 'awslogs', '--log-opt', `awslogs-group=${logGroup}`, '--log-opt', 'awslogs-region=eu-west-1', '--log-opt', `awslogs-stream=${name}`,
    '--', 'memcached:1.6-alpine', ...command,
  ];
}

/** A docker run call without the labels the apply program adds to find its containers again. */
function withoutLabels(call: string[]): string[] {
  return call.filter((arg, i) => arg !== '--label' && call[i - 1] !== '--label');
}

function logGroupId(template: Template): string {
  return Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.startsWith('HostLogs')) ?? 'no log group';
}

function tmpEnvDir(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'memcached-app-')), 'env');
}
