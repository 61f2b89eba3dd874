import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CertificateDependency, Route53Dependency, StackDependency, VpcDependency } from '../../lib/dependencies';
import { ContainerLogging, PortProtocol, PullPolicy, RestartPolicy, type ContainerDefinition } from '../../lib/containers';
import { PropError } from '../../lib/errors';
import { DockerHost, type DockerHostProps } from '../../lib/host';
import { APPLY_SOURCE, ENV_FILE_SOURCE } from '../../lib/host-programs';
import { AppRouter, type AppRouterProps } from '../../lib/router/app-router';
import { itRunning } from '../helpers/host-tools';
import { thrownBy } from '../helpers/thrown';
import { renderHostFile, renderUserData, resolveAll, runApply, runWithStubs } from './user-data';

const SAMPLES = {
  'AWS::StackName': 'memcached-dev',
  'AWS::Region': 'eu-west-1',
  VpcId: 'vpc-0abc1234',
  Environment: 'DB_HOST=db.internal\nDB_PORT=5432\nGREETING=it\'s "$HOME" `id`',
  DbPassword: 'pa$$ w0rd`id`\'"',
};

const CACHE: ContainerDefinition = {
  name: 'alpha',
  logging: ContainerLogging.jsonFile({ maxSize: '5m', maxFiles: 2 }),
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
        secretEnvironment: { DB_PASSWORD: new StackDependency(scope, 'Credentials', { stackName: 'credentials-dev', noEcho: true }).output('DbPassword') },
        healthCheck: { command: ['wget', '-q', '-O', '/dev/null', 'http://localhost/'], interval: Duration.seconds(5), retries: 2, startPeriod: Duration.seconds(20) },
        cpus: 0.5,
        user: '101:101',
        readOnlyRootFilesystem: true,
        volumes: [{ source: 'web-cache', containerPath: '/var/cache/nginx' }, { source: '/srv/static', containerPath: '/usr/share/nginx/html', readOnly: true }],
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

  it('may read its metadata and signal only in its own stack', () => {
    // GIVEN the host above
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Effect: 'Allow', Action: ['cloudformation:DescribeStackResource', 'cloudformation:SignalResource'], Resource: { Ref: 'AWS::StackId' } },
        ]),
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

  it('leaves termination protection off unless it is given, so a new image or instance type can replace the host', () => {
    // GIVEN the host above, given no terminationProtection
    // THEN
    template.hasResourceProperties('AWS::EC2::Instance', { DisableApiTermination: false });
  });

  it('keeps the instance and its user data when a container changes, and waits for the change under a new wait condition', () => {
    // GIVEN
    const before = hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [CACHE] }));
    const after = hostStack((_scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      containers: [{ ...CACHE, image: 'memcached:1.6.30-alpine' }, { ...CACHE, name: 'gamma', ports: [] }],
    }));
    // WHEN
    const [old, changed] = [before, after].map((s) => Template.fromStack(s.stack));
    const instance = (t: Template) => t.toJSON().Resources[t.getResourceId('AWS::EC2::Instance')];
    // THEN
    expect(changed.getResourceId('AWS::EC2::Instance')).toEqual(old.getResourceId('AWS::EC2::Instance'));
    expect(instance(changed).Properties).toEqual(instance(old).Properties);
    expect(instance(changed).Metadata).not.toEqual(instance(old).Metadata);
    const [waitBefore, waitAfter] = [old, changed].map((t) => t.getResourceId('AWS::CloudFormation::WaitCondition'));
    expect(waitAfter).not.toEqual(waitBefore);
    changed.hasResource('AWS::CloudFormation::WaitCondition', {
      Properties: { Handle: { Ref: changed.getResourceId('AWS::CloudFormation::WaitConditionHandle') }, Timeout: '900', Count: 1 },
      DependsOn: Match.arrayWith([changed.getResourceId('AWS::EC2::Instance')]),
    });
  });

  it('has cfn-hup run the apply program when the metadata changes', () => {
    // GIVEN the host above
    // WHEN
    const files = template.toJSON().Resources[instanceLogicalId()].Metadata['AWS::CloudFormation::Init'].config.files;
    // THEN
    expect(files['/etc/cfn/hooks.d/docker-host.conf'].content).toBe(
      `[docker-host]\ntriggers=post.update\npath=Resources.${instanceLogicalId()}.Metadata.AWS::CloudFormation::Init\n` +
        'action=/usr/local/sbin/docker-host-apply --update\nrunas=root\n',
    );
    expect(resolveAll(files['/etc/cfn/cfn-hup.conf'].content, { ...SAMPLES, 'AWS::StackId': 'arn:aws:cloudformation:eu-west-1:123456789012:stack/memcached-dev/1' })).toBe(
      '[main]\nstack=arn:aws:cloudformation:eu-west-1:123456789012:stack/memcached-dev/1\nregion=eu-west-1\ninterval=1\n',
    );
    expect(files['/etc/docker-host/host.json'].mode).toBe('000600');
  });

  it('has cfn-init write cfn-hup\'s configuration for root alone, and its systemd unit, started after the network and Docker', () => {
    // GIVEN the host above
    // WHEN
    const files = template.toJSON().Resources[instanceLogicalId()].Metadata['AWS::CloudFormation::Init'].config.files;
    // THEN
    expect(files['/etc/systemd/system/cfn-hup.service']).toEqual({
      content:
        '[Unit]\nDescription=cfn-hup: applies changes of the CloudFormation metadata\nAfter=network-online.target docker.service\n\n' +
        '[Service]\nExecStart=/opt/aws/bin/cfn-hup --no-daemon\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n',
      mode: '000644',
      owner: 'root',
      group: 'root',
    });
    for (const config of ['/etc/cfn/cfn-hup.conf', '/etc/cfn/hooks.d/docker-host.conf']) {
      expect(files[config]).toEqual({ content: expect.anything(), mode: '000400', owner: 'root', group: 'root' });
    }
  });

  it('names the host in the descriptions of the rule and the role that push each change to it', () => {
    // GIVEN the host above
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', { Description: 'Pushes each change to Docker host Hosting/Host when the stack starts waiting for it' });
    template.hasResourceProperties('AWS::IAM::Role', { Description: 'Runs the change command on Docker host Hosting/Host when the stack starts waiting for a change' });
  });

  it('has a systemd timer run the apply program with --refresh every minute, which cfn-init enables at boot and after each update', () => {
    // GIVEN the host above
    // WHEN
    const init = template.toJSON().Resources[instanceLogicalId()].Metadata['AWS::CloudFormation::Init'].config;
    // THEN
    expect(init.files['/etc/systemd/system/docker-host-refresh.service']).toEqual({
      content:
        '[Unit]\nDescription=Docker host: applies rotated secrets and moved image tags to the containers\nAfter=network-online.target docker.service\n\n' +
        '[Service]\nType=oneshot\nExecStart=/usr/local/sbin/docker-host-apply --refresh\n',
      mode: '000644',
      owner: 'root',
      group: 'root',
    });
    expect(init.files['/etc/systemd/system/docker-host-refresh.timer'].content).toBe(
      '[Unit]\nDescription=Docker host: applies rotated secrets and moved image tags to the containers, every 60 s\n\n' +
        '[Timer]\nOnActiveSec=60\nOnUnitActiveSec=60\nAccuracySec=1s\n\n[Install]\nWantedBy=timers.target\n',
    );
    expect(init.commands).toEqual({
      'cloudwatch-agent': expect.anything(),
      'docker-host-refresh-timer': { command: 'systemctl daemon-reload && systemctl enable docker-host-refresh.timer && systemctl restart docker-host-refresh.timer' },
    });
  });

  it('refreshes at the interval it is given, and with an interval of 0 installs no timer and removes one an earlier deploy installed', () => {
    // GIVEN
    const init = (refreshInterval: Duration) =>
      Template.fromStack(hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [CACHE], refreshInterval })).stack)
        .toJSON().Resources[instanceLogicalId()].Metadata['AWS::CloudFormation::Init'].config;
    // WHEN
    const every5 = init(Duration.minutes(5));
    const off = init(Duration.seconds(0));
    // THEN
    expect(every5.files['/etc/systemd/system/docker-host-refresh.timer'].content).toContain('[Timer]\nOnActiveSec=300\nOnUnitActiveSec=300\n');
    expect(Object.keys(off.files).filter((file) => file.startsWith('/etc/systemd/system/docker-host-refresh'))).toEqual([]);
    expect(off.commands).toEqual({
      'cloudwatch-agent': expect.anything(),
      'docker-host-refresh-timer': {
        command:
          'if [ -e /etc/systemd/system/docker-host-refresh.timer ]; then systemctl disable --now docker-host-refresh.timer && ' +
          'rm -f /etc/systemd/system/docker-host-refresh.timer /etc/systemd/system/docker-host-refresh.service && systemctl daemon-reload; fi',
      },
    });
  });

  it('carries pull "always" in the host file for a container pulled always, and nothing for the others, whose definitions stay as they were', () => {
    // GIVEN
    const hostFile = renderHostFile(
      Template.fromStack(hostStack((_scope, network) => ({
        vpc: network.toVpc({ subnetCount: 1 }),
        containers: [{ ...CACHE, pull: PullPolicy.ALWAYS }, { ...CACHE, name: 'beta', ports: [], pull: PullPolicy.MISSING }, { ...CACHE, name: 'gamma', ports: [] }],
      })).stack).toJSON(),
      SAMPLES,
    );
    // THEN
    expect(hostFile.containers.map((container: Record<string, unknown>) => [container.name, container.pull])).toEqual([['alpha', 'always'], ['beta', undefined], ['gamma', undefined]]);
    expect(Object.keys(hostFile.containers[1])).not.toContain('pull');
  });

  it('ships the apply program and the env-file rules it imports, and waits under a wait condition named after both', () => {
    // GIVEN the host above
    // WHEN
    const files = template.toJSON().Resources[instanceLogicalId()].Metadata['AWS::CloudFormation::Init'].config.files;
    const { waitHandle, applyId, ...hostFile } = files['/etc/docker-host/host.json'].content;
    // THEN
    expect(files['/usr/local/sbin/docker-host-apply']).toEqual({ content: APPLY_SOURCE, mode: '000700', owner: 'root', group: 'root' });
    expect(files['/usr/local/lib/docker-nodes/env_file.py']).toEqual({ content: ENV_FILE_SOURCE, mode: '000600', owner: 'root', group: 'root' });
    expect(applyId).toBe(createHash('sha256').update(JSON.stringify(hostFile)).update(APPLY_SOURCE).update(ENV_FILE_SOURCE).digest('hex').slice(0, 12));
    expect(waitHandle.Ref).toContain(`Applied${applyId}Handle`);
    expect(template.getResourceId('AWS::CloudFormation::WaitCondition')).toContain(`Applied${applyId}`);
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
    const reasons = acknowledgements(host);
    expect(reasons.map(([rule]) => rule).sort()).toEqual(['AwsSolutions-EC29', 'AwsSolutions-IAM5[Resource::*]', 'AwsSolutions-SMG4']);
    expect(reasons.filter(([, reason]) => reason.trim() === '')).toEqual([]);
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

  itRunning('bash')('installs Docker, has cfn-init write the metadata, starts cfn-hup and hands over to the apply program', () => {
    // GIVEN the host's user data with sample deploy-time values
    // WHEN
    const { status, calls } = runWithStubs(script);
    // THEN
    const target = ['--stack', 'memcached-dev', '--resource', instanceLogicalId(), '--region', 'eu-west-1'];
    expect(status).toBe(0);
    expect(calls).toEqual([
      ['dnf', 'install', '-y', 'docker', 'aws-cfn-bootstrap', 'awscli-2'],
      ['systemctl', 'enable', '--now', 'docker'],
      ['cfn-init', '-v', ...target],
      ['systemctl', 'enable', '--now', 'cfn-hup'],
      ['docker-host-apply', '--boot'],
    ]);
  });

  it('is this bash script, line for line: a change to it replaces the host', () => {
    // GIVEN the host's user data with sample deploy-time values
    // THEN
    const target = `--stack 'memcached-dev' --resource '${instanceLogicalId()}' --region 'eu-west-1'`;
    expect(script.split('\n')).toEqual([
      '#!/bin/bash',
      '# Docker host: installs Docker, writes the files of the metadata with cfn-init,',
      '# starts cfn-hup for in-place updates and hands over to the apply program.',
      'set -euo pipefail',
      '',
      'reason="the host could not install its packages or read its metadata"',
      'signal_cloudformation() {',
      '  local status=$?',
      '  if [ "$status" -eq 0 ]; then return 0; fi',
      `  cfn-signal --exit-code "$status" --reason "$reason" ${target} \\`,
      '    || echo "cfn-signal could not report exit status $status" >&2',
      '}',
      'trap signal_cloudformation EXIT',
      'export PATH="$PATH:/opt/aws/bin"',
      'umask 077',
      '',
      'dnf install -y docker aws-cfn-bootstrap awscli-2',
      'systemctl enable --now docker',
      `cfn-init -v ${target}`,
      'systemctl enable --now cfn-hup',
      'status=0',
      '/usr/local/sbin/docker-host-apply --boot || status=$?',
      '# 3: the apply program reported FAILURE itself, with the reason.',
      'if [ "$status" -eq 3 ]; then trap - EXIT; fi',
      'reason="the apply program stopped with exit status $status before it reported; its output is in /var/log/cloud-init-output.log"',
      'if [ "$status" -ne 0 ]; then exit "$status"; fi',
      '',
    ]);
  });

  it('names no container, image or variable, so changing them never changes it', () => {
    // GIVEN the host's user data with sample deploy-time values
    // THEN
    for (const word of ['alpha', 'memcached:', 'nginx', 'DB_HOST', 'CACHE_ENDPOINTS', SAMPLES.DbPassword]) expect(script).not.toContain(word);
  });

  itRunning('bash')('signals failure with a reason when the packages cannot be installed', () => {
    // GIVEN the host's user data, with dnf failing
    // WHEN
    const { status, calls } = runWithStubs(script, { failing: 'dnf' });
    // THEN
    expect(status).toBe(1);
    expect(calls.at(-1)).toEqual([
      'cfn-signal', '--exit-code', '1', '--reason', 'the host could not install its packages or read its metadata',
      '--stack', 'memcached-dev', '--resource', instanceLogicalId(), '--region', 'eu-west-1',
    ]);
  });

  it('installs the AWS CLI only on a host with secrets, and the ECR credential helper only on one pulling from ECR', () => {
    // GIVEN hosts with no secret and no ECR repository, with a secret, with an ECR repository, and with both
    const installLines = ({ secret, fromEcr }: { secret: boolean; fromEcr: boolean }) => {
      const { stack: given } = hostStack((scope, network) => ({
        vpc: network.toVpc({ subnetCount: 1 }),
        containers: [secret ? { ...CACHE, secretEnvironment: { API_KEY: 'k3y' } } : CACHE],
        ecrRepositories: fromEcr ? [ecr.Repository.fromRepositoryName(scope, 'Images', 'team/app')] : undefined,
      }));
      return renderUserData(Template.fromStack(given).toJSON(), SAMPLES).split('\n').filter((line) => line.startsWith('dnf '));
    };
    // WHEN
    const lines = [
      installLines({ secret: false, fromEcr: false }),
      installLines({ secret: true, fromEcr: false }),
      installLines({ secret: false, fromEcr: true }),
      installLines({ secret: true, fromEcr: true }),
    ];
    // THEN
    expect(lines).toEqual([
      ['dnf install -y docker aws-cfn-bootstrap'],
      ['dnf install -y docker aws-cfn-bootstrap awscli-2'],
      ['dnf install -y docker aws-cfn-bootstrap amazon-ecr-credential-helper'],
      ['dnf install -y docker aws-cfn-bootstrap awscli-2 amazon-ecr-credential-helper'],
    ]);
  });

  itRunning('bash')('runs the apply program with umask 077 and the CloudFormation helper scripts on its PATH', () => {
    // GIVEN the host's user data, and an apply program that shows its umask and PATH
    // WHEN
    const { status, stderr } = runWithStubs(script, { apply: 'umask >&2; echo "$PATH" >&2' });
    // THEN
    expect(status).toBe(0);
    const [umask, pathVariable] = stderr.trim().split('\n');
    expect(umask).toBe('0077');
    expect(pathVariable.split(':').at(-1)).toBe('/opt/aws/bin');
  });

  itRunning('bash')('says so on stderr when cfn-signal cannot report the failure', () => {
    // GIVEN the host's user data, an apply program that dies before it reports, and cfn-signal failing
    // WHEN
    const { status, stderr } = runWithStubs(script, { apply: 'exit 1', failing: 'cfn-signal' });
    // THEN
    expect(status).toBe(1);
    expect(stderr).toContain('cfn-signal could not report exit status 1');
  });

  it('exposes the script it renders', () => {
    // GIVEN the host above
    // THEN
    expect(stack.resolve(host.userDataScript)).toEqual(template.toJSON().Resources[instanceLogicalId()].Properties.UserData['Fn::Base64']);
  });
});

describe('apply program', () => {
  let hostFile: Record<string, any>;
  let secrets: Record<string, string>;
  beforeAll(() => {
    ({ hostFile, secrets } = sampleHost());
  });

  itRunning('python3')('starts each container with the docker run flags its definition gives, and signals success', () => {
    // GIVEN the host file cfn-init writes from the metadata
    // WHEN
    const { status, calls } = runApply(hostFile, freshDir(), { args: ['--boot'], secrets });
    // THEN
    expect(status).toBe(0);
    const runs = calls.filter((call) => call[1] === 'run').map(withoutHash);
    expect(runs).toEqual([
      [
        'docker', 'run', '--detach', '--name', 'alpha', '--restart', 'unless-stopped', '--label', 'docker-host.managed=true', '--label', 'docker-host.spec-hash=*',
        '--memory', '96m', '--publish', '11211:11211/tcp', '--log-driver', 'json-file', '--log-opt', 'max-file=2', '--log-opt', 'max-size=5m',
        '--', 'memcached:1.6-alpine', 'memcached', '-m', '64',
      ],
      [
        'docker', 'run', '--detach', '--name', 'web', '--restart', 'always', '--label', 'docker-host.managed=true', '--label', 'docker-host.spec-hash=*',
        '--cpus', '0.5', '--user', '101:101', '--read-only', '--publish', '8080:80/tcp', '--publish', '8125:8125/udp',
        '--volume', 'web-cache:/var/cache/nginx', '--volume', '/srv/static:/usr/share/nginx/html:ro',
        '--log-driver', 'awslogs', '--log-opt', 'awslogs-group=memcached-dev-HostLogs', '--log-opt', 'awslogs-region=eu-west-1', '--log-opt', 'awslogs-stream=web',
        '--health-cmd', 'wget -q -O /dev/null http://localhost/', '--health-interval', '5s', '--health-retries', '2', '--health-start-period', '20s', '--health-timeout', '5s',
        '--env-file', path.join(envFileDirectory, 'web.env'), '--env-file', path.join(envFileDirectory, 'web.secret.env'),
        '--', 'public.ecr.aws/nginx/nginx:1.27-alpine', 'sh', '-c', "echo 'ready' && exec nginx -g 'daemon off;'",
      ],
    ]);
    expect(calls.filter((call) => call[0] === 'aws')).toEqual([
      ['aws', 'secretsmanager', 'get-secret-value', '--region', 'eu-west-1', '--secret-id', secretArn(), '--query', 'SecretString', '--output', 'text'],
    ]);
    expect(calls.filter((call) => call[0] === 'cfn-signal')).toEqual([
      ['cfn-signal', '--exit-code', '0', '--reason', 'every container runs', '--stack', 'memcached-dev', '--resource', instanceLogicalId(), '--region', 'eu-west-1'],
      ['cfn-signal', '--exit-code', '0', '--reason', 'every container runs', '--id', hostFile.applyId, hostFile.waitHandle],
    ]);
  });

  itRunning('python3')('writes the outputs, the extra variables and the secrets to env-files only root can read, byte for byte', () => {
    // GIVEN the host file cfn-init writes from the metadata
    // WHEN
    runApply(hostFile, freshDir(), { secrets });
    // THEN
    const file = path.join(envFileDirectory, 'web.env');
    expect(readFileSync(file, 'utf8')).toBe(
      'DB_HOST=db.internal\nDB_PORT=5432\nGREETING=it\'s "$HOME" `id`\n' +
        'CACHE_ENDPOINTS=alpha.cache.internal:11211\nVPC=vpc-0abc1234\n',
    );
    expect(readFileSync(path.join(envFileDirectory, 'web.secret.env'), 'utf8')).toBe(`DB_PASSWORD=${SAMPLES.DbPassword}\n`);
    for (const written of [file, path.join(envFileDirectory, 'web.secret.env')]) expect(statSync(written).mode & 0o777).toBe(0o600);
    expect(statSync(envFileDirectory).mode & 0o777).toBe(0o700);
  });

  itRunning('python3')('recreates only the containers that changed, starts new ones and removes those no longer listed', () => {
    // GIVEN a host that runs alpha, web and beta
    const dir = freshDir();
    const beta = { ...hostFile.containers[0], name: 'beta', ports: [] };
    runApply({ ...hostFile, containers: [...hostFile.containers, beta] }, dir, { secrets });
    // WHEN alpha gets more memory, gamma is added and beta removed
    const alpha = { ...hostFile.containers[0], memoryMiB: 128 };
    const gamma = { ...hostFile.containers[0], name: 'gamma', ports: [] };
    const { status, calls } = runApply({ ...hostFile, containers: [alpha, hostFile.containers[1], gamma] }, dir, { args: ['--update'], secrets });
    // THEN
    expect(status).toBe(0);
    expect(calls.filter((call) => ['rm', 'run'].includes(call[1])).map((call) => [call[1], call[1] === 'rm' ? call.at(-1) : call[call.indexOf('--name') + 1]])).toEqual([
      ['rm', 'beta'],
      ['rm', 'alpha'],
      ['run', 'alpha'],
      ['run', 'gamma'],
    ]);
    expect(calls[0]).toEqual(['cfn-init', '-v', '--stack', 'memcached-dev', '--resource', instanceLogicalId(), '--region', 'eu-west-1']);
    expect(calls.filter((call) => call[0] === 'cfn-signal').map((call) => call.at(-1))).toEqual([hostFile.waitHandle]);
  });

  itRunning('python3')('signals FAILURE naming the container that stopped and its last log lines, with every value of its env-files and secret hidden', () => {
    // GIVEN a host whose web container exits right after it starts, logging its environment and secret
    // WHEN
    const { status, calls, stderr } = runApply(hostFile, freshDir(), { args: ['--boot'], secrets, crash: ['web'] });
    // THEN
    expect(status).toBe(3);
    const reason =
      'container web is not running (exit code 1); last log lines: starting | ' +
      'fatal: web cannot start; environment: DB_HOST=*** DB_PORT=*** GREETING=*** CACHE_ENDPOINTS=*** VPC=*** DB_PASSWORD=*** | starting';
    expect(calls.filter((call) => call[0] === 'cfn-signal').map((call) => call.slice(1, 5))).toEqual([
      ['--exit-code', '1', '--reason', reason],
      ['--exit-code', '1', '--reason', reason],
    ]);
    for (const value of [SAMPLES.DbPassword, 'db.internal', 'vpc-0abc1234']) expect(stderr).not.toContain(value);
  });

  itRunning('python3')('signals FAILURE to the new wait condition at once when cfn-init cannot apply an update, and touches no container', () => {
    // GIVEN a host that runs its containers, and a new metadata that cfn-init fails to write
    const dir = freshDir();
    runApply(hostFile, dir, { secrets });
    const pending = { ...hostFile, applyId: 'new-apply-id', waitHandle: 'https://wait.example/new-handle' };
    const metadata = { config: { files: { '/etc/docker-host/host.json': { content: pending } } } };
    // WHEN cfn-hup runs the update
    const { status, calls } = runApply(hostFile, dir, { args: ['--update'], secrets, failingInit: { metadata } });
    // THEN
    expect(status).toBe(3);
    expect(calls.filter((call) => call[0] !== 'cfn-init')).toEqual([
      ['cfn-get-metadata', '--stack', 'memcached-dev', '--resource', instanceLogicalId(), '--region', 'eu-west-1', '--key', 'AWS::CloudFormation::Init'],
      ['cfn-signal', '--exit-code', '1', '--reason', 'cfn-init could not apply the new metadata: Error: no space left on device', '--id', 'new-apply-id', 'https://wait.example/new-handle'],
    ]);
  });

  itRunning('python3')('sends no signal when cfn-init fails and the metadata names the wait condition already signalled', () => {
    // GIVEN a new metadata whose wait condition is the host's own (or that cannot be read)
    const metadata = { config: { files: { '/etc/docker-host/host.json': { content: hostFile } } } };
    // WHEN
    const same = runApply(hostFile, freshDir(), { args: ['--update'], secrets, failingInit: { metadata } });
    const unreadable = runApply(hostFile, freshDir(), { args: ['--update'], secrets, failingInit: { metadata: 'not metadata' } });
    // THEN
    expect([same.status, unreadable.status]).toEqual([1, 1]);
    expect([...same.calls, ...unreadable.calls].filter((call) => call[0] === 'cfn-signal')).toEqual([]);
  });

  itRunning('bash', 'python3')('writes a deploy-time value to the env-file byte for byte and runs nothing in it', () => {
    // GIVEN a host whose variable takes another stack's output, and an output built to break out of a shell
    const marker = path.join(freshDir(), 'pwned');
    const hostile = hostStack((scope, network) => {
      const db = new StackDependency(scope, 'Db', { stackName: 'x', excludes: ['Environment'] });
      return { vpc: network.toVpc({ subnetCount: 1 }), containers: [{ ...CACHE, environment: { DB_URL: db.output('DbUrl') } }] };
    });
    const value = `postgres://u:p=w#rd@db/x?a=1 # END_OF_ENV_FILE $(touch ${marker}) \`touch ${marker}\` $HOME \x01\x7f\u00ff\ufffd'"\\`;
    const hostileTemplate = Template.fromStack(hostile.stack).toJSON();
    const values = { ...SAMPLES, DbUrl: value, [logicalIdOf('AWS::Logs::LogGroup', 'HostLogs', hostileTemplate)]: 'logs' };
    const directory = path.join(freshDir(), 'env');
    // WHEN
    const { status } = runApply({ ...renderHostFile(hostileTemplate, values), envFileDirectory: directory, startupGracePeriodSeconds: 0 }, freshDir());
    const { status: bootStatus } = runWithStubs(renderUserData(hostileTemplate, values));
    // THEN
    expect([status, bootStatus]).toEqual([0, 0]);
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(path.join(directory, 'alpha.env'))).toEqual(Buffer.from(`DB_URL=${value}\n`, 'utf8'));
  });

  itRunning('python3')('signals FAILURE naming the variable whose deploy-time value holds a line break, and writes and starts nothing', () => {
    // GIVEN a host whose app takes its database name from a parameter, deployed with a value that would add a variable
    const hostile = hostStack((scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      containers: [CACHE, { ...CACHE, name: 'app', ports: [], environment: { DB_NAME: new CfnParameter(scope, 'DbName').valueAsString, MODE: 'test' } }],
    }));
    const hostileTemplate = Template.fromStack(hostile.stack).toJSON();
    const reason =
      'container app: environment variable DB_NAME holds a line break or NUL, which would add variables to its env-file; give it a value of one line (check the parameter, import or lookup it comes from)';
    for (const value of ['db\nLD_PRELOAD=/tmp/x.so', 'db\rLD_PRELOAD=/tmp/x.so', 'db\u0000']) {
      const values = { ...SAMPLES, DbName: value, [logicalIdOf('AWS::Logs::LogGroup', 'HostLogs', hostileTemplate)]: 'logs' };
      const directory = path.join(freshDir(), 'env');
      // WHEN
      const { status, calls, stderr } = runApply({ ...renderHostFile(hostileTemplate, values), envFileDirectory: directory, startupGracePeriodSeconds: 0 }, freshDir(), {
        args: ['--boot'],
      });
      // THEN
      expect(status).toBe(3);
      expect(stderr).toContain(reason);
      expect(calls.filter((call) => call[0] === 'docker')).toEqual([]);
      expect(calls.filter((call) => call[0] === 'cfn-signal').map((call) => call.slice(1, 5))).toEqual([
        ['--exit-code', '1', '--reason', reason],
        ['--exit-code', '1', '--reason', reason],
      ]);
      expect(existsSync(directory)).toBe(false);
    }
  });

  itRunning('python3')('writes a secret deploy-time value byte for byte, and refuses one with a line break naming the variable but not the value', () => {
    // GIVEN a host whose app takes a secret from a noEcho parameter
    const hostile = hostStack((scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      containers: [{ ...CACHE, secretEnvironment: { API_KEY: new CfnParameter(scope, 'ApiKey', { noEcho: true }).valueAsString, MODE: 'x' } }],
    }));
    const hostileTemplate = Template.fromStack(hostile.stack).toJSON();
    const secret = logicalIdOf('AWS::SecretsManager::Secret', 'HostSecretalpha', hostileTemplate);
    const run = (value: string) => {
      const values = { ...SAMPLES, ApiKey: value, [secret]: secretArn(), [logicalIdOf('AWS::Logs::LogGroup', 'HostLogs', hostileTemplate)]: 'logs' };
      const directory = path.join(freshDir(), 'env');
      const applied = runApply({ ...renderHostFile(hostileTemplate, values), envFileDirectory: directory, startupGracePeriodSeconds: 0 }, freshDir(), {
        args: ['--boot'],
        secrets: { [secretArn()]: resolveAll(hostileTemplate.Resources[secret].Properties.SecretString, values) },
      });
      return { ...applied, directory };
    };
    const value = `k\\e"y\\"}, "MODE": "y $HOME \`id\` #=\u00ff`;
    // WHEN
    const fine = run(value);
    const refused = run('k3y\nLD_PRELOAD=/tmp/x.so');
    // THEN
    expect(fine.status).toBe(0);
    expect(readFileSync(path.join(fine.directory, 'alpha.secret.env'))).toEqual(Buffer.from(`API_KEY=${value}\nMODE=x\n`, 'utf8'));
    const reason =
      'container alpha: secretEnvironment variable API_KEY holds a line break or NUL, which would add variables to its env-file; give it a value of one line (check the parameter, import or lookup it comes from)';
    expect(refused.status).toBe(3);
    expect(refused.calls.filter((call) => call[0] === 'docker')).toEqual([]);
    expect(refused.calls.filter((call) => call[0] === 'cfn-signal').map((call) => call.slice(1, 5))).toEqual([
      ['--exit-code', '1', '--reason', reason],
      ['--exit-code', '1', '--reason', reason],
    ]);
    expect(refused.stderr).not.toContain('k3y');
    expect(existsSync(refused.directory)).toBe(false);
  });
});

describe('user data when the apply program does not report', () => {
  let script: string;
  beforeAll(() => {
    script = renderUserData(template.toJSON(), SAMPLES);
  });
  const target = () => ['--stack', 'memcached-dev', '--resource', instanceLogicalId(), '--region', 'eu-west-1'];

  itRunning('bash')('signals FAILURE with the exit status when the apply program dies before it reports', () => {
    // GIVEN the host's user data, and an apply program that crashes (1) or is killed (137)
    for (const [apply, status] of [['exit 1', 1], ['kill -KILL $$', 137]] as const) {
      // WHEN
      const run = runWithStubs(script, { apply });
      // THEN
      expect(run.status).toBe(status);
      expect(run.calls.filter((call) => call[0] === 'cfn-signal')).toEqual([
        [
          'cfn-signal', '--exit-code', String(status), '--reason',
          `the apply program stopped with exit status ${status} before it reported; its output is in /var/log/cloud-init-output.log`, ...target(),
        ],
      ]);
    }
  });

  itRunning('bash')('adds no signal when the apply program reported FAILURE or SUCCESS itself', () => {
    // GIVEN the host's user data, and an apply program that reported FAILURE (3) or SUCCESS (0)
    for (const status of [3, 0]) {
      // WHEN
      const run = runWithStubs(script, { apply: `exit ${status}` });
      // THEN
      expect(run.status).toBe(status);
      expect(run.calls.filter((call) => call[0] === 'cfn-signal')).toEqual([]);
    }
  });
});

describe('apply program failures', () => {
  let hostFile: Record<string, any>;
  let secrets: Record<string, string>;
  beforeAll(() => {
    ({ hostFile, secrets } = sampleHost());
  });

  /** The reasons the run sent with cfn-signal, each with its exit code. */
  const signals = (calls: string[][]) => calls.filter((call) => call[0] === 'cfn-signal').map((call) => call.slice(1, 5));

  itRunning('python3')('names Docker\'s own error when docker run fails, not its help hint', () => {
    // GIVEN a host whose web container logs with awslogs, a driver that cannot start here
    // WHEN
    const { status, calls } = runApply(hostFile, freshDir(), { args: ['--boot'], secrets, failingLogDriver: 'awslogs' });
    // THEN
    expect(status).toBe(3);
    const reason =
      'docker run --detach failed: docker: Error response from daemon: failed to create task for container: failed to initialize logging driver: ' +
      'failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, https response error StatusCode: 400, ' +
      'RequestID: 8f2b6c1e-5d4a-4b7e-9c3f-2a1d0e9b8c7d, ResourceNotFoundException: The specified log group does not exist.';
    expect(signals(calls)).toEqual([
      ['--exit-code', '1', '--reason', reason],
      ['--exit-code', '1', '--reason', reason],
    ]);
  });

  itRunning('python3')('refuses an image that is not a Docker image reference, naming the container, before running anything', () => {
    // GIVEN a host file whose alpha image would be read as docker options, or holds a space or a line break
    const cases: [string, string][] = [
      ['--privileged', '"--privileged"'],
      ['-v/:/host', '"-v/:/host"'],
      ['memcached --privileged', '"memcached --privileged"'],
      ['Memcached:1.6', '"Memcached:1.6"'],
      [`memcached:${'1'.repeat(129)}`, `"memcached:${'1'.repeat(129)}"`],
      ['memcached\n--privileged', 'of 22 characters with control characters'],
      ['memcached\u202e', 'of 10 characters with control characters'],
    ];
    for (const [image, shown] of cases) {
      const directory = path.join(freshDir(), 'env');
      const hostile = { ...hostFile, envFileDirectory: directory, containers: [{ ...hostFile.containers[0], image }, hostFile.containers[1]] };
      // WHEN
      const { status, calls } = runApply(hostile, freshDir(), { args: ['--boot'], secrets });
      // THEN
      const reason = `container "alpha": image ${shown} is not a Docker image reference (registry/name:tag or name@sha256:digest)`;
      expect(status).toBe(3);
      expect(calls.filter((call) => call[0] !== 'cfn-signal')).toEqual([]);
      expect(signals(calls)).toEqual([
        ['--exit-code', '1', '--reason', reason],
        ['--exit-code', '1', '--reason', reason],
      ]);
      expect(existsSync(directory)).toBe(false);
    }
  });

  itRunning('python3')('runs an image of a registry, a port, a path, a tag or a digest, with nothing after the options read as one', () => {
    // GIVEN images of each form a reference takes
    const images = [
      'memcached',
      'localhost:5000/team/app_x__y.z-w:v1.2_rc-3',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:' + 'ab'.repeat(32),
      'ghcr.io/org/app:1.0@sha256:' + 'CD'.repeat(32),
    ];
    // WHEN
    const { status, calls } = runApply(
      { ...hostFile, containers: images.map((image, i) => ({ ...hostFile.containers[0], name: `app${i}`, image, ports: [] })) },
      freshDir(),
    );
    // THEN
    expect(status).toBe(0);
    expect(calls.filter((call) => call[1] === 'run').map((call) => call.slice(call.indexOf('--'), call.indexOf('--') + 2))).toEqual(images.map((image) => ['--', image]));
  });

  itRunning('python3')('signals FAILURE naming the container and the variable when its secret holds a number, an object or a list where text belongs, never the value', () => {
    // GIVEN a web secret of the wrong shape
    const cases: [unknown, string][] = [
      [{ file: null, environment: { DB_PASSWORD: 5432 } }, 'secretEnvironment variable DB_PASSWORD is a number, not text'],
      [{ file: null, environment: { DB_PASSWORD: { value: 'pa55' } } }, 'secretEnvironment variable DB_PASSWORD is an object, not text'],
      [{ file: null, environment: { DB_PASSWORD: ['pa55'] } }, 'secretEnvironment variable DB_PASSWORD is a list, not text'],
      [{ file: 7, environment: {} }, 'secretEnvironmentFile is a number, not text'],
      [{ file: null, environment: ['DB_PASSWORD=pa55'] }, 'secretEnvironment is a list, not an object of variables'],
    ];
    for (const [secret, problem] of cases) {
      const directory = path.join(freshDir(), 'env');
      // WHEN
      const { status, calls, stderr } = runApply({ ...hostFile, envFileDirectory: directory }, freshDir(), {
        args: ['--boot'],
        secrets: { [secretArn()]: JSON.stringify(secret) },
      });
      // THEN
      const reason = `container "web": ${problem}; deploy the stack again so secret ${secretArn()} holds what the stack writes`;
      expect(status).toBe(3);
      expect(signals(calls)).toEqual([
        ['--exit-code', '1', '--reason', reason],
        ['--exit-code', '1', '--reason', reason],
      ]);
      expect(calls.filter((call) => call[0] === 'docker')).toEqual([]);
      expect(stderr).not.toMatch(/5432|pa55/);
      expect(existsSync(directory)).toBe(false);
    }
  });

  itRunning('python3')('signals FAILURE naming the variable whose value holds a lone UTF-16 surrogate, in the secret or the host file', () => {
    // GIVEN a web secret, then a web environment, whose value holds half of a UTF-16 pair
    const inSecret = { secrets: { [secretArn()]: '{"file":null,"environment":{"DB_PASSWORD":"pa55\\ud800"}}' }, host: hostFile };
    const web = { ...hostFile.containers[1], environment: { ...hostFile.containers[1].environment, VPC: 'vpc-\udc00' } };
    const inHostFile = { secrets, host: { ...hostFile, containers: [hostFile.containers[0], web] } };
    const reasons = [
      'container "web": secretEnvironment variable DB_PASSWORD holds a lone UTF-16 surrogate, which is not text; check the parameter, import or lookup it comes from',
      'container "web": environment variable VPC holds a lone UTF-16 surrogate, which is not text; check the parameter, import or lookup it comes from',
    ];
    [inSecret, inHostFile].forEach(({ secrets: answers, host }, i) => {
      const directory = path.join(freshDir(), 'env');
      // WHEN
      const { status, calls } = runApply({ ...host, envFileDirectory: directory }, freshDir(), { args: ['--boot'], secrets: answers });
      // THEN
      expect(status).toBe(3);
      expect(signals(calls)).toEqual([
        ['--exit-code', '1', '--reason', reasons[i]],
        ['--exit-code', '1', '--reason', reasons[i]],
      ]);
      expect(existsSync(directory)).toBe(false);
    });
  });

  itRunning('python3')('signals FAILURE naming the type of an unexpected error and where it was raised, not its text', () => {
    // GIVEN a host file whose alpha container lacks its restart policy
    const { restart: _restart, ...alpha } = hostFile.containers[0];
    // WHEN
    const { status, calls, stderr } = runApply({ ...hostFile, containers: [alpha, hostFile.containers[1]] }, freshDir(), { args: ['--boot'], secrets });
    // THEN
    const reason = 'docker-host-apply stopped on an unexpected KeyError in docker_args; its log is /var/log/cfn-hup.log, or at boot /var/log/cloud-init-output.log';
    expect(status).toBe(3);
    expect(signals(calls)).toEqual([
      ['--exit-code', '1', '--reason', reason],
      ['--exit-code', '1', '--reason', reason],
    ]);
    expect(stderr).toMatch(/^docker-host-apply: unexpected KeyError in docker_args, line \d+$/m);
    expect(stderr).not.toContain('Traceback');
  });
});

describe('secrets', () => {
  it('keeps the value of a noEcho lookup out of user data, metadata and outputs: its GetAtt feeds only the secret', () => {
    // GIVEN the host above, whose web container has a secret from a noEcho lookup
    // WHEN
    const uses = usesOf(template.toJSON(), { 'Fn::GetAtt': [logicalIdOf('Custom::StackDependency', 'Credentials'), 'DbPassword'] });
    // THEN
    expect(uses.map((use) => use.split('.').slice(0, 4).join('.'))).toEqual([`Resources.${secretId()}.Properties.SecretString`]);
  });

  it('describes each container\'s secret, under a logical id made of the letters and digits of the container\'s name', () => {
    // GIVEN a host whose container web-app_1 has secret variables
    const json = Template.fromStack(hostStack((_scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      containers: [{ ...CACHE, name: 'web-app_1', secretEnvironment: { API_KEY: 'k3y' } }],
    })).stack).toJSON();
    // WHEN
    const secret = json.Resources[logicalIdOf('AWS::SecretsManager::Secret', 'HostSecretwebapp1', json)];
    // THEN
    expect(secret.Properties.Description).toBe('Secret variables of container web-app_1 on Docker host Hosting/Host');
  });

  it('lets the host read exactly its secrets and write logs only to its own log group', () => {
    // GIVEN the host above
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [logicalIdOf('AWS::Logs::LogGroup', 'HostLogs'), 'Arn'] },
          },
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: secretId() } },
        ]),
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});

describe('logs', () => {
  const hostTemplate = (props: Partial<DockerHostProps>) =>
    Template.fromStack(hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [CACHE], ...props })).stack).toJSON();

  it('keeps the containers\' logs 30 days by default, or as long as it is given', () => {
    // GIVEN a host given no logRetention, and one given a week
    // WHEN
    const [unset, given] = [{}, { logRetention: logs.RetentionDays.ONE_WEEK }].map((props) => {
      const json = hostTemplate(props);
      return json.Resources[logicalIdOf('AWS::Logs::LogGroup', 'HostLogs', json)].Properties.RetentionInDays;
    });
    // THEN
    expect([unset, given]).toEqual([30, 7]);
  });

  it('lets the host write logs, to its own log group, only when a container logs with awslogs', () => {
    // GIVEN a host whose only container logs to json-file, and one whose only container logs with awslogs (the default)
    const [jsonFile, awsLogs] = [CACHE, { ...CACHE, logging: undefined }].map((container) => hostTemplate({ containers: [container] }));
    // WHEN
    const logStatements = (json: Record<string, any>) =>
      hostRoleStatements(json).filter((statement) => [statement.Action].flat().some((action: string) => action.startsWith('logs:')));
    // THEN
    expect(logStatements(jsonFile)).toEqual([]);
    expect(logStatements(awsLogs)).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logicalIdOf('AWS::Logs::LogGroup', 'HostLogs', awsLogs), 'Arn'] } },
    ]);
  });
});

describe('props', () => {
  it.each<[string, ContainerDefinition[], RegExp]>([
    ['no containers', [], /containers: must list at least one container/],
    ['a container name with a space', [{ ...CACHE, name: 'my cache' }], /containers\[0\]\.name: must be a letter or digit, then letters, digits/],
    ['two containers of one name', [CACHE, { ...CACHE, ports: [] }], /containers\[1\]\.name: "alpha" is already the name of another container/],
    ['an image name with a space', [{ ...CACHE, image: 'memcached latest' }], /containers\[0\]\.image: container "alpha": image "memcached latest" is not a Docker image reference/],
    ['less memory than Docker allows', [{ ...CACHE, memoryMiB: 4 }], /containers\[0\]\.memoryMiB: must be a whole number of MiB from 6/],
    ['an unknown restart policy', [{ ...CACHE, restart: 'never' as never }], /containers\[0\]\.restart: must be always, unless-stopped or on-failure, got "never"/],
    ['port 0', [{ ...CACHE, ports: [{ hostPort: 0, allowFrom: ['10.0.0.0/8'] }] }], /containers\[0\]\.ports\[0\]\.hostPort: must be a whole number from 1 to 65535, got 0/],
    ['a container port out of range', [{ ...CACHE, ports: [{ hostPort: 80, containerPort: 70000, allowFrom: ['10.0.0.0/8'] }] }], /ports\[0\]\.containerPort: must be a whole number from 1 to 65535, got 70000/],
    ['port 22', [{ ...CACHE, ports: [{ hostPort: 22, allowFrom: ['10.0.0.0/8'] }] }], /ports\[0\]\.hostPort: 22 is refused: the host has no SSH/],
    ['a port published twice', [CACHE, { ...CACHE, name: 'beta' }], /containers\[1\]\.ports\[0\]\.hostPort: 11211\/tcp is already published by container alpha/],
    ['a port open to nobody', [{ ...CACHE, ports: [{ hostPort: 11211, allowFrom: [] }] }], /ports\[0\]\.allowFrom: must list at least one CIDR range/],
    ['a range that is not a CIDR', [{ ...CACHE, ports: [{ hostPort: 11211, allowFrom: ['10.0.0.300/24'] }] }], /allowFrom: must hold CIDR ranges such as 10.0.1.0\/24, got "10.0.0.300\/24"/],
    ['an env-file line without =', [{ ...CACHE, environmentFile: 'A=1\nnonsense' }], /containers\[0\]\.environmentFile: must hold KEY=value lines, got "nonsense"/],
    ['a variable name with a hyphen', [{ ...CACHE, environment: { 'DB-HOST': 'x' } }], /environment: name "DB-HOST" must be letters, digits and "_"/],
    ['a variable with a line break', [{ ...CACHE, environment: { GREETING: 'a\nb' } }], /environment\.GREETING: must not contain a line break, which an env-file cannot hold/],
    ['an unknown pull policy', [{ ...CACHE, pull: 'never' as never }], /containers\[0\]\.pull: must be PullPolicy\.MISSING or PullPolicy\.ALWAYS \("missing" or "always"\), got "never"/],
  ])('refuses %s with a message naming the prop', (_case, containers, message) => {
    // GIVEN
    const create = () => hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers }));
    // THEN
    expect(create).toThrow(message);
  });

  it.each<[string, Partial<DockerHostProps>, RegExp]>([
    ['a root volume smaller than the image', { volumeSize: 4 }, /volumeSize: must be a whole number of GiB from 8 to 16384, got 4/],
    ['a relative env-file directory', { envFileDirectory: 'env' }, /envFileDirectory: must be an absolute path/],
    ['an egress range that is not a CIDR', { egressCidrs: ['s3.amazonaws.com'] }, /egressCidrs: must hold CIDR ranges such as 10.0.0.0\/16, got "s3.amazonaws.com"/],
    ['an env-file directory with a space', { envFileDirectory: '/etc/docker host' }, /envFileDirectory: must be an absolute path .*got "\/etc\/docker host"/],
    ['a refresh every 5 s', { refreshInterval: Duration.seconds(5) }, /refreshInterval: must be whole seconds of at least 10, such as Duration\.minutes\(1\), or Duration\.seconds\(0\) to turn the refresh off, got 5 seconds/],
    ['a refresh of a part of a second', { refreshInterval: Duration.millis(10500) }, /refreshInterval: must be whole seconds of at least 10, .*got 10 seconds 500 millis/],
  ])('refuses %s', (_case, props, message) => {
    // GIVEN
    const create = () =>
      hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [CACHE], ...props }));
    // THEN
    expect(create).toThrow(message);
  });
});

describe('prop errors', () => {
  it.each<[string, Partial<DockerHostProps>, string, string]>([
    ['a container', { containers: [{ ...CACHE, memoryMiB: 4 }] }, 'containers[0].memoryMiB', "must be a whole number of MiB from 6 (Docker's least), got 4"],
    ['a port', { containers: [{ ...CACHE, ports: [{ hostPort: 22, allowFrom: ['10.0.0.0/8'] }] }] }, 'containers[0].ports[0].hostPort', '22 is refused: the host has no SSH, and port 22 is not for containers either'],
    ['a variable', { containers: [{ ...CACHE, environment: { GREETING: 'a\nb' } }] }, 'containers[0].environment.GREETING', 'must not contain a line break, which an env-file cannot hold'],
    ['a health check', { containers: [{ ...CACHE, healthCheck: { command: ['true'], retries: 0 } }] }, 'containers[0].healthCheck.retries', 'must be a whole number of at least 1, got 0'],
    ['the node', { volumeSize: 4 }, 'volumeSize', 'must be a whole number of GiB from 8 to 16384, got 4'],
    ['the security group', { egressCidrs: ['s3.amazonaws.com'] }, 'egressCidrs', 'must hold CIDR ranges such as 10.0.0.0/16, got "s3.amazonaws.com"'],
    ['the router\'s DNS cache', { routerResolverValid: Duration.millis(1500) }, 'routerResolverValid', "must be a whole number of seconds from 1, the router's resolverValid, got 1.5"],
    ['a router\'s DNS cache of half a second', { routerResolverValid: Duration.millis(500) }, 'routerResolverValid', "must be a whole number of seconds from 1, the router's resolverValid, got 0.5"],
    ['a router\'s DNS cache of 0 s', { routerResolverValid: Duration.seconds(0) }, 'routerResolverValid', "must be a whole number of seconds from 1, the router's resolverValid, got 0"],
  ])('names the host, the prop and what is allowed for %s', (_case, props, prop, problem) => {
    // GIVEN
    const create = () => hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [CACHE], ...props }));
    // WHEN
    const error = thrownBy(PropError, create);
    // THEN
    expect(error.message).toBe(`DockerHost Hosting/Host: ${prop}: ${problem}`);
    expect(error).toMatchObject({ name: 'PropError', owner: 'DockerHost Hosting/Host', prop });
  });
});

/** The host file cfn-init writes from the host above, with sample values, and the web container's secret as Secrets Manager answers it. */
function sampleHost(): { hostFile: Record<string, any>; secrets: Record<string, string> } {
  const values = { ...SAMPLES, [logicalIdOf('AWS::Logs::LogGroup', 'HostLogs')]: 'memcached-dev-HostLogs', [secretId()]: secretArn() };
  return {
    hostFile: { ...renderHostFile(template.toJSON(), values), envFileDirectory, startupGracePeriodSeconds: 0 },
    secrets: { [secretArn()]: resolveAll(template.toJSON().Resources[secretId()].Properties.SecretString, SAMPLES) },
  };
}

describe('image references', () => {
  const refusal = (image: string) =>
    `DockerHost Hosting/Host: containers[0].image: container "alpha": image "${image}" is not a Docker image reference (registry/name:tag or name@sha256:digest); ` +
    'give one of at most 255 characters, such as memcached:1.6 or public.ecr.aws/docker/library/nginx:1.27';
  const withImage = (image: string) => () => hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [{ ...CACHE, image }] }));

  it.each([
    ['an option of docker run', '--privileged'],
    ['an option with a value', '--volume=/:/host'],
    ['a short option', '-v'],
    ['an upper-case repository', 'Memcached:1.6'],
    ['an empty tag', 'memcached:'],
    ['a digest too short to be one', 'memcached@sha256:abc'],
    ['a reference longer than 255 characters', `registry.example.com/${'a'.repeat(231)}:1.6`],
  ])('refuses %s, naming the container and the image', (_case, image) => {
    expect(withImage(image)).toThrow(refusal(image));
  });

  it.each([
    'public.ecr.aws/docker/library/nginx:1.27',
    'public.ecr.aws/nginx/nginx:1.27-alpine',
    'memcached:1.6',
    'memcached',
    `registry.example.com/${'a'.repeat(230)}:1.6`,
    'localhost:5000/team/app_v2:1.0.0-rc.1',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42',
    `memcached:1.6@sha256:${'0123456789abcdef'.repeat(4)}`,
    `memcached@sha256:${'0123456789abcdef'.repeat(4)}`,
  ])('accepts %s', (image) => {
    expect(withImage(image)).not.toThrow();
  });

  it('accepts every image of the example app\'s cdk.json', () => {
    // GIVEN every string under a key naming an image in cdk.json
    const images: string[] = [];
    const collect = (value: unknown, key = ''): void => {
      if (typeof value === 'string' && /image$/i.test(key)) images.push(value);
      else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) collect(v, Array.isArray(value) ? key : k);
    };
    collect(JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context);
    // THEN
    expect(images).toEqual(expect.arrayContaining(['memcached:1.6-alpine', 'public.ecr.aws/nginx/nginx:1.27-alpine', 'counter:1']));
    for (const image of images) expect(withImage(image)).not.toThrow();
  });

  it('leaves a deploy-time image to the host, which checks it before running anything', () => {
    expect(() =>
      hostStack((scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [{ ...CACHE, image: new CfnParameter(scope, 'Image').valueAsString }] })),
    ).not.toThrow();
  });

  it('refuses an option as the router\'s image', () => {
    // GIVEN
    const { scope, network, router } = routingStack();
    // WHEN
    const create = () => new DockerHost(scope, 'Host', { ...network.placement(0), containers: [router.container({ image: '--privileged', network: 'apps' })] });
    // THEN
    expect(create).toThrow('DockerHost Routing/Host: containers[0].image: container "router": image "--privileged" is not a Docker image reference');
  });
});

describe('update order', () => {
  const hostFileOf = (stack: Stack) => {
    const t = Template.fromStack(stack).toJSON();
    const instance = Object.values<any>(t.Resources).find((resource) => resource.Type === 'AWS::EC2::Instance');
    return instance.Metadata['AWS::CloudFormation::Init'].config.files['/etc/docker-host/host.json'].content;
  };
  const ordersOf = (stack: Stack) => Object.fromEntries(hostFileOf(stack).containers.map((container: any) => [container.name, container.updateOrder]));

  it('replaces start-first only containers reached by name: on a network, publishing no host port, mounting no volume', () => {
    // GIVEN an app with a route, a worker on the network, a router publishing its ports, a database with a volume, and a container on no network
    const app = { name: 'counter', image: 'counter:1', network: 'apps', route: { hostName: 'counter', port: 8000 } };
    const { stack } = hostStack((_scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      containers: [
        app,
        { name: 'worker', image: 'counter:1', network: 'apps' },
        { name: 'router', image: 'nginx:1.27', network: 'apps', ports: [{ hostPort: 8443, allowFrom: ['10.0.0.0/16'] }] },
        { name: 'db', image: 'postgres:16', network: 'apps', volumes: [{ source: 'db-data', containerPath: '/var/lib/postgresql/data' }] },
        { ...CACHE, name: 'cache', ports: [] },
      ],
    }));
    // WHEN
    const orders = ordersOf(stack);
    // THEN
    expect(orders).toEqual({ counter: 'start-first', worker: 'start-first', router: 'stop-first', db: 'stop-first', cache: 'stop-first' });
  });

  it('tells the host how long the router keeps an address: its resolverValid, 5 s by default', () => {
    // GIVEN a router that asks Docker's DNS every 7 s, a host given its resolverValid, and a host given none
    const { scope, network, router } = routingStack({ resolverValid: Duration.seconds(7) });
    new DockerHost(scope, 'Host', { ...network.placement(0), containers: [CACHE], routerResolverValid: router.resolverValid });
    const { stack: plain } = hostStack((_scope, vpc) => ({ vpc: vpc.toVpc({ subnetCount: 1 }), containers: [CACHE] }));
    // WHEN
    const [given, unset] = [scope, plain].map((each) => hostFileOf(each).resolverValidSeconds);
    // THEN
    expect(router.nginxConfig).toContain('resolver 127.0.0.11 valid=7s ipv6=off;');
    expect([given, unset]).toEqual([7, 5]);
  });

  it('takes a router\'s resolverValid of 1 s, the least the router takes', () => {
    // GIVEN
    const { stack } = hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [CACHE], routerResolverValid: Duration.seconds(1) }));
    // THEN
    expect(hostFileOf(stack).resolverValidSeconds).toBe(1);
  });
});

describe('env-file directory', () => {
  const withDirectory = (envFileDirectory: string) => () =>
    hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [CACHE], envFileDirectory }));
  const FIX = 'give a folder of its own, such as /etc/docker-host or /var/lib/docker-host';

  it.each(['/', '/etc', '/var', '/tmp', '/bin', '/boot', '/dev', '/lib', '/lib64', '/proc', '/root', '/run', '/sbin', '/sys', '/usr', '/home', '/var/lib', '/usr/local'])(
    'refuses the system folder %s, which the host would make root\'s alone',
    (directory) => {
      expect(withDirectory(directory)).toThrow(
        `DockerHost Hosting/Host: envFileDirectory: "${directory}" is a system folder, which the host would make root's alone (mode 0700); ${FIX}`,
      );
    },
  );

  it.each(['/etc/..', '/etc/docker-host/../ssh', '/etc/./docker-host', '/etc//docker-host', '/etc/docker-host/', 'etc/docker-host', '..'])(
    'refuses %s, which is not a normalized absolute path',
    (directory) => {
      expect(withDirectory(directory)).toThrow(
        `DockerHost Hosting/Host: envFileDirectory: must be an absolute path of letters, digits, ".", "_", "-" and "/", normalized ` +
          `(no "." or ".." segment, no "//", no "/" at the end), such as /etc/docker-host or /var/lib/docker-host, got "${directory}"`,
      );
    },
  );

  it.each([['/proc/docker-host', '/proc'], ['/sys/fs/docker-host', '/sys'], ['/dev/shm/docker-host', '/dev']])('refuses %s, inside a file system of the kernel', (directory, kernel) => {
    expect(withDirectory(directory)).toThrow(`DockerHost Hosting/Host: envFileDirectory: "${directory}" is inside ${kernel}, a file system of the kernel; ${FIX}`);
  });

  it.each(['/etc/docker-host', '/etc/docker-host.d', '/var/lib/docker-host', '/var/lib/x', '/opt/app/env', '/run/docker-host', '/docker-host'])('accepts a folder of its own, %s', (directory) => {
    // WHEN
    const { stack } = withDirectory(directory)();
    // THEN the host's apply program is given that folder
    expect(renderHostFile(Template.fromStack(stack).toJSON(), SAMPLES).envFileDirectory).toBe(directory);
  });
});

describe('environment values', () => {
  it.each(['environment', 'secretEnvironment'] as const)('refuses a NUL in %s, naming the container and the variable but not the value', (prop) => {
    // GIVEN
    const create = () =>
      hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [{ ...CACHE, [prop]: { TOKEN: 'secret-part\0rest' } }] }));
    // THEN
    expect(create).toThrow(`DockerHost Hosting/Host: containers[0].${prop}.TOKEN: must not contain a NUL character, which an env-file cannot hold`);
    expect(thrownBy(Error, create).message).not.toContain('secret-part');
  });
});

describe('private ECR repositories', () => {
  it('writes no Docker credential configuration on a host that pulls from no ECR repository', () => {
    // GIVEN the host above, given no ecrRepositories
    // WHEN
    const files = template.toJSON().Resources[instanceLogicalId()].Metadata['AWS::CloudFormation::Init'].config.files;
    // THEN
    expect(Object.keys(files).filter((file) => file.startsWith('/root/.docker/'))).toEqual([]);
  });

  it('names the ECR credential helper for the registry of each repository, whether created in the stack or imported', () => {
    // GIVEN a host pulling from a repository of its stack and one imported by name
    const { stack } = hostStack((scope, network) => ({
      vpc: network.toVpc({ subnetCount: 1 }),
      containers: [CACHE],
      ecrRepositories: [new ecr.Repository(scope, 'Images'), ecr.Repository.fromRepositoryName(scope, 'Shared', 'team/app')],
    }));
    // WHEN
    const template = Template.fromStack(stack).toJSON();
    const instance = Object.values<any>(template.Resources).find((resource) => resource.Type === 'AWS::EC2::Instance');
    const config = instance.Metadata['AWS::CloudFormation::Init'].config.files['/root/.docker/config.json'];
    const text = resolveAll(config.content, {
      ...SAMPLES,
      'AWS::AccountId': '123456789012',
      'AWS::URLSuffix': 'amazonaws.com',
      Arn: 'arn:aws:ecr:eu-west-1:210987654321:repository/images',
      [Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::ECR::Repository')!]: 'images',
    });
    // THEN
    expect(JSON.parse(text)).toEqual({
      credHelpers: { '210987654321.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login', '123456789012.dkr.ecr.eu-west-1.amazonaws.com': 'ecr-login' },
    });
    expect(config.mode).toBe('000600');
  });
});

describe('host file', () => {
  it('gives the apply program a container of only a name and an image with no command, port or file, always restarted and logging with awslogs', () => {
    // GIVEN
    const json = Template.fromStack(hostStack((_scope, network) => ({ vpc: network.toVpc({ subnetCount: 1 }), containers: [{ name: 'app', image: 'app:1' }] })).stack).toJSON();
    // WHEN
    const hostFile = renderHostFile(json, { ...SAMPLES, [logicalIdOf('AWS::Logs::LogGroup', 'HostLogs', json)]: 'memcached-dev-HostLogs' });
    // THEN
    expect(hostFile.containers).toStrictEqual([
      {
        name: 'app',
        image: 'app:1',
        command: [],
        restart: 'always',
        ports: [],
        volumes: [],
        logging: { driver: 'awslogs', options: { 'awslogs-group': 'memcached-dev-HostLogs', 'awslogs-region': 'eu-west-1', 'awslogs-stream': 'app' } },
        files: [],
        updateOrder: 'stop-first',
      },
    ]);
  });
});

/** A stack with a VPC lookup and one Docker host made of the props `props` returns. */
/** A stack with a VPC and a router on apps.example.com, routing no app yet, with the router props given. */
function routingStack(props: Partial<AppRouterProps> = {}): { scope: Stack; network: VpcDependency; router: AppRouter } {
  const scope = new Stack(new App(), 'Routing');
  const network = new VpcDependency(scope, 'Vpc', { vpcName: 'main' });
  const router = new AppRouter(scope, 'Router', {
    vpc: network.toVpc({ subnetCount: 2 }),
    zone: new Route53Dependency(scope, 'Zone', { domainName: 'example.com', privateZone: false }).toHostedZone(),
    domainName: 'apps.example.com',
    certificate: new CertificateDependency(scope, 'Certificate', { domainName: '*.apps.example.com' }).toCertificate(),
    apps: [],
    ...props,
  });
  return { scope, network, router };
}

function hostStack(props: (scope: Stack, network: VpcDependency) => DockerHostProps): { stack: Stack; host: DockerHost } {
  const scope = new Stack(new App(), 'Hosting');
  const network = new VpcDependency(scope, 'Vpc', { vpcName: 'main' });
  return { stack: scope, host: new DockerHost(scope, 'Host', props(scope, network)) };
}

function logicalIdOf(type: string, prefix: string, json: Record<string, any> = template.toJSON()): string {
  const ids = Object.entries<any>(json.Resources).filter(([id, r]) => r.Type === type && id.startsWith(prefix)).map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0];
}

function secretId(): string {
  return logicalIdOf('AWS::SecretsManager::Secret', 'HostSecretweb');
}

function secretArn(): string {
  return 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:web-AbCdEf';
}

/** A docker run call with the spec hash label's value replaced by `*`. */
function withoutHash(call: string[]): string[] {
  return call.map((arg) => arg.replace(/^(docker-host\.spec-hash=).*$/, '$1*'));
}

function freshDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'docker-host-apply-'));
}

/** The paths in a JSON value where `needle` occurs. */
function usesOf(value: unknown, needle: unknown, at = ''): string[] {
  if (JSON.stringify(value) === JSON.stringify(needle)) return [at];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => usesOf(item, needle, at === '' ? key : `${at}.${key}`));
}

function instanceLogicalId(): string {
  return template.getResourceId('AWS::EC2::Instance');
}

function ingress(protocol: string, port: number, source: Record<string, string>, description: string) {
  return { IpProtocol: protocol, FromPort: port, ToPort: port, Description: description, ...source };
}

/** The statements of the policies of the host's instance role. */
function hostRoleStatements(json: Record<string, any>): Record<string, any>[] {
  return Object.values<any>(json.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' && resource.Properties.Roles.some((role: { Ref: string }) => role.Ref.startsWith('HostInstanceInstanceRole')))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** The rules acknowledged on `host` and the constructs in it, each with its reason. */
function acknowledgements(host: DockerHost): [string, string][] {
  return host.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
    .map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason]);
}

function acknowledgedRules(scope: Stack): string[] {
  return scope.node
    .findAll()
    .flatMap((construct) => construct.node.metadata)
    .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
    .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
    .map((id) => id.replace(/^annotation::/i, ''));
}
