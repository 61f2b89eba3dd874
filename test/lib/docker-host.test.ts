import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StackDependency, VpcDependency } from '../../lib/dependencies';
import { PortProtocol, RestartPolicy, type ContainerDefinition } from '../../lib/containers';
import { DockerHost, type DockerHostProps } from '../../lib/docker-host';
import { renderUserData, runWithStubs } from './user-data';

const SAMPLES = {
  'AWS::StackName': 'memcached-dev',
  'AWS::Region': 'eu-west-1',
  VpcId: 'vpc-0abc1234',
  Environment: 'DB_HOST=db.internal\nDB_PORT=5432\nGREETING=it\'s "$HOME" `id`',
};

const CACHE: ContainerDefinition = {
  name: 'alpha',
  image: 'memcached:1.6-alpine',
  command: ['memcached', '-m', '64'],
  memoryMiB: 96,
  restart: RestartPolicy.UNLESS_STOPPED,
  ports: [{ hostPort: 11211, allowFrom: ['10.0.1.0/24'] }],
};

let stack: Stack;
let template: Template;
let host: DockerHost;
let envFileDirectory: string;

beforeAll(() => {
  envFileDirectory = path.join(mkdtempSync(path.join(tmpdir(), 'docker-host-')), 'env');
  ({ stack, host } = hostStack((scope, network) => ({
    vpc: network.toVpc({ subnetCount: 1 }),
    envFileDirectory,
    containers: [
      CACHE,
      {
        name: 'web',
        image: 'public.ecr.aws/nginx/nginx:1.27-alpine',
        command: ['sh', '-c', "echo 'ready' && exec nginx -g 'daemon off;'"],
        environmentFile: new StackDependency(scope, 'Datastores', { stackName: 'datastores-dev' }).environment,
        environment: { CACHE_ENDPOINTS: 'alpha.cache.internal:11211', VPC: network.vpcId },
        ports: [
          { hostPort: 8080, containerPort: 80, allowFrom: ['10.0.0.0/16', '2001:db8::/32'] },
          { hostPort: 8125, protocol: PortProtocol.UDP, allowFrom: ['10.0.2.0/24'] },
        ],
      },
    ],
  })));
  template = Template.fromStack(stack);
});

describe('instance', () => {
  it('requires IMDSv2 with a hop limit of 1, so containers cannot reach the instance role', () => {
    // GIVEN the host above, none of whose containers needs the instance role
    // THEN
    template.hasResourceProperties('AWS::EC2::Instance', {
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
    });
  });

  it('raises the hop limit to 2 when a container needs the instance role', () => {
    // GIVEN
    const withRole = hostStack((_scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      containers: [CACHE, { ...CACHE, name: 'uploader', ports: [], needsInstanceRole: true }],
    }));
    // THEN
    Template.fromStack(withRole.stack).hasResourceProperties('AWS::EC2::Instance', {
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 },
    });
  });

  it('has an encrypted gp3 root volume of 20 GiB', () => {
    // GIVEN the host above
    // THEN
    template.hasResourceProperties('AWS::EC2::Instance', {
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 20 } }],
    });
  });

  it('waits 15 minutes for the host to signal that its containers started', () => {
    // GIVEN the host above
    // THEN
    template.hasResource('AWS::EC2::Instance', { CreationPolicy: { ResourceSignal: { Timeout: 'PT15M' } } });
  });

  it('has no key pair and is reached through Session Manager, without reading any parameter', () => {
    // GIVEN the host above
    // THEN
    template.hasResourceProperties('AWS::EC2::Instance', { KeyName: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: [
              'ssm:UpdateInstanceInformation',
              'ssmmessages:CreateControlChannel',
              'ssmmessages:CreateDataChannel',
              'ssmmessages:OpenControlChannel',
              'ssmmessages:OpenDataChannel',
            ],
            Resource: '*',
          },
        ]),
      },
    });
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.flatMap((statement: { Action: string | string[] }) => statement.Action),
    );
    expect(actions.filter((action) => /^ssm:Get|^ssm:\*|^ssm:List|^ssm:Describe/.test(action))).toEqual([]);
  });

  it('may signal only its own stack', () => {
    // GIVEN the host above
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Effect: 'Allow', Action: 'cloudformation:SignalResource', Resource: { Ref: 'AWS::StackId' } }]),
      },
    });
  });

  it('runs the newest Amazon Linux 2023 for the instance type\'s architecture, looked up at deploy time', () => {
    // GIVEN
    const x86 = hostStack((_scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      instanceType: new ec2.InstanceType('t3.micro'),
      containers: [CACHE],
    }));
    // THEN
    template.hasResourceProperties('Custom::ImageDependency', {
      ImageName: 'al2023-ami-2023.*-kernel-*-arm64',
      Owners: 'amazon',
      Architecture: 'arm64',
    });
    template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't4g.small',
      ImageId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HostImage'), 'ImageId'] },
    });
    Template.fromStack(x86.stack).hasResourceProperties('Custom::ImageDependency', {
      ImageName: 'al2023-ami-2023.*-kernel-*-x86_64',
      Architecture: 'x86_64',
    });
  });

  it('takes the image, volume size, signal timeout and termination protection it is given', () => {
    // GIVEN
    const given = hostStack((_scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-0123456789abcdef0' }),
      volumeSize: 50,
      signalTimeout: Duration.minutes(30),
      terminationProtection: true,
      containers: [CACHE],
    }));
    // THEN
    const givenTemplate = Template.fromStack(given.stack);
    givenTemplate.resourceCountIs('Custom::ImageDependency', 0);
    givenTemplate.hasResource('AWS::EC2::Instance', {
      Properties: Match.objectLike({
        DisableApiTermination: true,
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: 50 }) })],
      }),
      CreationPolicy: { ResourceSignal: { Timeout: 'PT30M' } },
    });
  });

  it('is replaced when a container changes, so the new user data runs', () => {
    // GIVEN
    const before = hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [CACHE] }));
    const after = hostStack((_scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      containers: [{ ...CACHE, image: 'memcached:1.6.30-alpine' }],
    }));
    // WHEN
    const [idBefore, idAfter] = [before, after].map((s) => Template.fromStack(s.stack).getResourceId('AWS::EC2::Instance'));
    // THEN
    expect(idBefore).not.toEqual(idAfter);
  });

  it('passes the AWS Solutions checks with every finding acknowledged for a reason', () => {
    // GIVEN the host above, and one with termination protection
    const protectedHost = hostStack((_scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      terminationProtection: true,
      containers: [CACHE],
    }));
    // WHEN
    const violations = [stack, protectedHost.stack].flatMap((s) => new AwsSolutionsChecks().validateScope(s).violations);
    // THEN
    expect(violations).toEqual([]);
    expect(acknowledgedRules(protectedHost.stack)).not.toContain('AwsSolutions-EC29');
    expect(acknowledgedRules(stack)).toContain('AwsSolutions-EC29');
  });

  it('lets the AWS Solutions checks flag a port open to the whole internet', () => {
    // GIVEN
    const open = hostStack((_scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      containers: [{ ...CACHE, ports: [{ hostPort: 11211, allowFrom: ['0.0.0.0/0'] }] }],
    }));
    // WHEN
    const violations = new AwsSolutionsChecks().validateScope(open.stack).violations;
    // THEN
    expect(violations.map((violation) => violation.ruleName)).toEqual(['AwsSolutions-EC23']);
  });
});

describe('security group', () => {
  it('opens each published port only to the ranges allowed for it', () => {
    // GIVEN the host above
    // THEN
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'VpcId'] },
      SecurityGroupIngress: [
        ingress('tcp', 11211, { CidrIp: '10.0.1.0/24' }, 'alpha 11211/tcp from 10.0.1.0/24'),
        ingress('tcp', 8080, { CidrIp: '10.0.0.0/16' }, 'web 8080/tcp from 10.0.0.0/16'),
        ingress('tcp', 8080, { CidrIpv6: '2001:db8::/32' }, 'web 8080/tcp from 2001:db8::/32'),
        ingress('udp', 8125, { CidrIp: '10.0.2.0/24' }, 'web 8125/udp from 10.0.2.0/24'),
      ],
    });
  });

  it('allows all outbound traffic by default', () => {
    // GIVEN the host above
    // THEN
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1', Description: 'Allow all outbound traffic by default' }],
    });
  });

  it('narrows outbound traffic to HTTPS to the egress ranges it is given', () => {
    // GIVEN
    const narrow = hostStack((_scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      egressCidrs: ['10.0.0.0/16', '52.94.0.0/22'],
      containers: [CACHE],
    }));
    // THEN
    Template.fromStack(narrow.stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [
        { CidrIp: '10.0.0.0/16', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS to 10.0.0.0/16' },
        { CidrIp: '52.94.0.0/22', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'HTTPS to 52.94.0.0/22' },
      ],
    });
  });

  it('never opens port 22', () => {
    // GIVEN the host above
    // WHEN
    const rules = Object.values(template.findResources('AWS::EC2::SecurityGroup')).flatMap(
      (group) => group.Properties.SecurityGroupIngress ?? [],
    );
    // THEN
    expect(rules.filter((rule: { FromPort: number; ToPort: number }) => rule.FromPort <= 22 && rule.ToPort >= 22)).toEqual([]);
  });
});

describe('user data', () => {
  let script: string;
  beforeAll(() => {
    script = renderUserData(template.toJSON(), SAMPLES);
  });

  it('installs Docker, starts each container as given and signals success', () => {
    // GIVEN the host's user data with sample deploy-time values
    // WHEN
    const { status, calls } = runWithStubs(script);
    // THEN
    expect(status).toBe(0);
    expect(calls).toEqual([
      ['dnf', 'install', '-y', 'docker', 'aws-cfn-bootstrap'],
      ['systemctl', 'enable', '--now', 'docker'],
      [
        'docker', 'run', '--detach', '--name', 'alpha', '--restart', 'unless-stopped', '--memory', '96m',
        '--publish', '11211:11211/tcp', 'memcached:1.6-alpine', 'memcached', '-m', '64',
      ],
      [
        'docker', 'run', '--detach', '--name', 'web', '--restart', 'always',
        '--publish', '8080:80/tcp', '--publish', '8125:8125/udp', '--env-file', path.join(envFileDirectory, 'web.env'),
        'public.ecr.aws/nginx/nginx:1.27-alpine', 'sh', '-c', "echo 'ready' && exec nginx -g 'daemon off;'",
      ],
      ['cfn-signal', '--exit-code', '0', '--stack', 'memcached-dev', '--resource', instanceLogicalId(), '--region', 'eu-west-1'],
    ]);
  });

  it('writes the stack outputs and the extra variables to an env-file only root can read', () => {
    // GIVEN the host's user data, run
    runWithStubs(script);
    // WHEN
    const file = path.join(envFileDirectory, 'web.env');
    // THEN
    expect(readFileSync(file, 'utf8')).toBe(
      'DB_HOST=db.internal\nDB_PORT=5432\nGREETING=it\'s "$HOME" `id`\n' +
        'CACHE_ENDPOINTS=alpha.cache.internal:11211\nVPC=vpc-0abc1234\n',
    );
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(envFileDirectory).mode & 0o777).toBe(0o700);
  });

  it('signals failure to CloudFormation when a container does not start', () => {
    // GIVEN the host's user data, with docker failing
    // WHEN
    const { status, calls } = runWithStubs(script, { failing: 'docker' });
    // THEN
    expect(status).toBe(1);
    expect(calls.map((call) => call[0])).toEqual(['dnf', 'systemctl', 'docker', 'cfn-signal']);
    expect(calls[3]).toEqual(['cfn-signal', '--exit-code', '1', '--stack', 'memcached-dev', '--resource', instanceLogicalId(), '--region', 'eu-west-1']);
  });

  it('passes an image and command known only at deploy time to docker as they are, quotes and $ included', () => {
    // GIVEN a host whose container's image and command come from another stack's outputs
    const deployTime = hostStack((scope, network) => {
      const settings = new StackDependency(scope, 'Settings', { stackName: 'settings-dev' });
      return {
        vpc: network.toVpc({ subnetCount: 1 }),
        containers: [{ ...CACHE, image: settings.output('Image'), command: ['sh', '-c', settings.output('Start')] }],
      };
    });
    const values = { ...SAMPLES, Image: "registry.internal/it's:$TAG", Start: "echo '$HOME' `id`; exit 3" };
    const deployTimeScript = renderUserData(Template.fromStack(deployTime.stack).toJSON(), values);
    // WHEN
    const { status, calls } = runWithStubs(deployTimeScript);
    // THEN
    expect(status).toBe(0);
    expect(calls[2]).toEqual([
      'docker', 'run', '--detach', '--name', 'alpha', '--restart', 'unless-stopped', '--memory', '96m',
      '--publish', '11211:11211/tcp', "registry.internal/it's:$TAG", 'sh', '-c', "echo '$HOME' `id`; exit 3",
    ]);
  });

  it('writes a deploy-time value to the env-file byte for byte and runs nothing in it, heredoc breakers included', () => {
    // GIVEN a host whose env-file takes another stack's output, and an output built to break out of a heredoc
    const marker = path.join(mkdtempSync(path.join(tmpdir(), 'docker-host-pwned-')), 'pwned');
    const hostileDirectory = path.join(mkdtempSync(path.join(tmpdir(), 'docker-host-')), 'env');
    const hostile = hostStack((scope, network) => {
      const db = new StackDependency(scope, 'Db', { stackName: 'x', excludes: ['Environment'] });
      return {
        vpc: network.toVpc({ subnetCount: 1 }),
        envFileDirectory: hostileDirectory,
        containers: [{ ...CACHE, environment: { DB_URL: db.output('DbUrl') } }],
      };
    });
    const value =
      `postgres://db\nEND_OF_ENV_FILE\ntouch ${marker}\ncat >/dev/null <<'END_OF_ENV_FILE'\n` +
      `$(touch ${marker}) \`touch ${marker}\` \x01\x7f\u00ff\ufffd'"\\`;
    const hostileScript = renderUserData(Template.fromStack(hostile.stack).toJSON(), { ...SAMPLES, DbUrl: value });
    // WHEN
    const { status, calls } = runWithStubs(hostileScript);
    // THEN
    expect(status).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(calls.map((call) => call[0])).toEqual(['dnf', 'systemctl', 'docker', 'cfn-signal']);
    expect(readFileSync(path.join(hostileDirectory, 'alpha.env'))).toEqual(Buffer.from(`DB_URL=${value}\n`, 'utf8'));
  });

  it('exposes the script it renders', () => {
    // GIVEN the host above
    // THEN
    expect(stack.resolve(host.userDataScript)).toEqual(template.toJSON().Resources[instanceLogicalId()].Properties.UserData['Fn::Base64']);
  });
});

describe('props', () => {
  it.each<[string, ContainerDefinition[], RegExp]>([
    ['no containers', [], /containers must list at least one container/],
    ['a container name with a space', [{ ...CACHE, name: 'my cache' }], /containers\[0\]\.name must be a letter or digit, then letters, digits/],
    ['two containers of one name', [CACHE, { ...CACHE, ports: [] }], /containers\[1\]\.name "alpha" is already the name of another container/],
    ['an image name with a space', [{ ...CACHE, image: 'memcached latest' }], /containers\[0\]\.image must be an image name without spaces/],
    ['less memory than Docker allows', [{ ...CACHE, memoryMiB: 4 }], /containers\[0\]\.memoryMiB must be a whole number of MiB from 6/],
    ['an unknown restart policy', [{ ...CACHE, restart: 'never' as never }], /containers\[0\]\.restart must be always, unless-stopped or on-failure, got "never"/],
    ['port 0', [{ ...CACHE, ports: [{ hostPort: 0, allowFrom: ['10.0.0.0/8'] }] }], /containers\[0\]\.ports\[0\]\.hostPort must be a whole number from 1 to 65535, got 0/],
    ['a container port out of range', [{ ...CACHE, ports: [{ hostPort: 80, containerPort: 70000, allowFrom: ['10.0.0.0/8'] }] }], /ports\[0\]\.containerPort must be a whole number from 1 to 65535, got 70000/],
    ['port 22', [{ ...CACHE, ports: [{ hostPort: 22, allowFrom: ['10.0.0.0/8'] }] }], /ports\[0\]\.hostPort 22 is refused: the host has no SSH/],
    ['a port published twice', [CACHE, { ...CACHE, name: 'beta' }], /containers\[1\]\.ports\[0\]\.hostPort 11211\/tcp is already published by container alpha/],
    ['a port open to nobody', [{ ...CACHE, ports: [{ hostPort: 11211, allowFrom: [] }] }], /ports\[0\]\.allowFrom must list at least one CIDR range/],
    ['a range that is not a CIDR', [{ ...CACHE, ports: [{ hostPort: 11211, allowFrom: ['10.0.0.300/24'] }] }], /allowFrom must hold CIDR ranges such as 10.0.1.0\/24, got "10.0.0.300\/24"/],
    ['an env-file line without =', [{ ...CACHE, environmentFile: 'A=1\nnonsense' }], /containers\[0\]\.environmentFile must hold KEY=value lines, got "nonsense"/],
    ['a variable name with a hyphen', [{ ...CACHE, environment: { 'DB-HOST': 'x' } }], /environment name "DB-HOST" must be letters, digits and "_"/],
    ['a variable with a line break', [{ ...CACHE, environment: { GREETING: 'a\nb' } }], /environment GREETING must not contain a line break, which an env-file cannot hold/],
  ])('refuses %s with a message naming the prop', (_case, containers, message) => {
    // GIVEN
    const create = () => hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers }));
    // THEN
    expect(create).toThrow(message);
  });

  it.each<[string, Partial<DockerHostProps>, RegExp]>([
    ['a root volume smaller than the image', { volumeSize: 4 }, /volumeSize must be a whole number of GiB from 8 to 16384, got 4/],
    ['a relative env-file directory', { envFileDirectory: 'env' }, /envFileDirectory must be an absolute path/],
    ['an egress range that is not a CIDR', { egressCidrs: ['s3.amazonaws.com'] }, /egressCidrs must hold CIDR ranges such as 10.0.0.0\/16, got "s3.amazonaws.com"/],
    ['an env-file directory with a space', { envFileDirectory: '/etc/docker host' }, /envFileDirectory must be an absolute path .*got "\/etc\/docker host"/],
  ])('refuses %s', (_case, props, message) => {
    // GIVEN
    const create = () =>
      hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [CACHE], ...props }));
    // THEN
    expect(create).toThrow(message);
  });
});

/** A stack with a VPC lookup and one Docker host made of the props `props` returns. */
function hostStack(props: (scope: Stack, network: VpcDependency) => DockerHostProps): { stack: Stack; host: DockerHost } {
  const scope = new Stack(new App(), 'Hosting');
  const network = new VpcDependency(scope, 'Vpc', { vpcName: 'main' });
  return { stack: scope, host: new DockerHost(scope, 'Host', props(scope, network)) };
}

function instanceLogicalId(): string {
  return template.getResourceId('AWS::EC2::Instance');
}

function ingress(protocol: string, port: number, source: Record<string, string>, description: string) {
  return { IpProtocol: protocol, FromPort: port, ToPort: port, Description: description, ...source };
}

function acknowledgedRules(scope: Stack): string[] {
  return scope.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
    .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
    .map((id) => id.replace(/^annotation::/i, ''));
}
