import { App, CfnWaitCondition, CfnWaitConditionHandle, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PortProtocol, type ContainerDefinition } from '../../lib/containers';
import { PropError } from '../../lib/errors';
import {
  cfnHupFiles,
  ChangePush,
  changePrefix,
  healthCheckSettings,
  initFile,
  metadataHopLimit,
  metricsStatement,
  metricsTimerFiles,
  metricsTimerService,
  nodeLaunchTemplateProps,
  nodeSecurityGroups,
  nodeSettings,
  refreshSeconds,
  refreshTimer,
} from '../../lib/nodes';
import { thrownBy } from '../helpers/thrown';

/** What every node construct shares: the files, units, checks and security groups a host's or a swarm's nodes get. */

describe('refresh interval', () => {
  it.each<[string, Duration | undefined, number]>([
    ['a minute by default', undefined, 60],
    ['0 for Duration.seconds(0), the refresh off', Duration.seconds(0), 0],
    ['the shortest, 10 s', Duration.seconds(10), 10],
    ['whole minutes in seconds', Duration.minutes(2), 120],
    ['whole seconds given in milliseconds', Duration.millis(15_000), 15],
  ])('is %s', (_, interval, seconds) => {
    expect(refreshSeconds('DockerSwarm Hosting/Swarm', interval)).toBe(seconds);
  });

  it.each<[string, Duration, string]>([
    ['under 10 s', Duration.seconds(9), '9 seconds'],
    ['a part of a second', Duration.millis(10_500), '10 seconds 500 millis'],
    ['a part of a second under 10 s', Duration.millis(500), '500 millis'],
  ])('refuses %s, naming the prop, the allowed values and the value', (_, interval, shown) => {
    const error = thrownBy(PropError, () => refreshSeconds('DockerSwarm Hosting/Swarm', interval));
    expect(error.message).toBe(
      'DockerSwarm Hosting/Swarm: refreshInterval: must be whole seconds of at least 10, such as Duration.minutes(1), ' +
        `or Duration.seconds(0) to turn the refresh off, got ${shown}`,
    );
  });
});

describe('refresh timer', () => {
  const options = { name: 'node-refresh', description: 'Refreshes the node', command: '/usr/local/bin/refresh --now', after: 'docker.service network-online.target' };

  it('writes a oneshot service and a timer that runs it every interval, and restarts the timer so a new interval applies', () => {
    expect(refreshTimer({ ...options, intervalSeconds: 45 })).toEqual({
      files: [
        [
          '/etc/systemd/system/node-refresh.service',
          {
            content: '[Unit]\nDescription=Refreshes the node\nAfter=docker.service network-online.target\n\n[Service]\nType=oneshot\nExecStart=/usr/local/bin/refresh --now\n',
            mode: '000644',
            owner: 'root',
            group: 'root',
          },
        ],
        [
          '/etc/systemd/system/node-refresh.timer',
          {
            content:
              '[Unit]\nDescription=Refreshes the node, every 45 s\n\n[Timer]\nOnActiveSec=45\nOnUnitActiveSec=45\nAccuracySec=1s\n\n[Install]\nWantedBy=timers.target\n',
            mode: '000644',
            owner: 'root',
            group: 'root',
          },
        ],
      ],
      commands: {
        'node-refresh-timer': { command: 'systemctl daemon-reload && systemctl enable node-refresh.timer && systemctl restart node-refresh.timer' },
      },
    });
  });

  it('with an interval of 0 writes no unit and removes a timer an earlier update installed', () => {
    expect(refreshTimer({ ...options, intervalSeconds: 0 })).toEqual({
      files: [],
      commands: {
        'node-refresh-timer': {
          command:
            'if [ -e /etc/systemd/system/node-refresh.timer ]; then systemctl disable --now node-refresh.timer && ' +
            'rm -f /etc/systemd/system/node-refresh.timer /etc/systemd/system/node-refresh.service && systemctl daemon-reload; fi',
        },
      },
    });
  });
});

describe('metric publisher', () => {
  const options = { unit: 'node-metrics', program: '/usr/local/bin/node-metrics', source: 'print("metrics")\n', module: 'RULES = []\n', description: 'Publishes the node metrics' };

  it('writes the publisher (root only), its rules, and a service and timer that run it at second 30 of every minute', () => {
    expect(metricsTimerFiles(options)).toEqual({
      '/usr/local/bin/node-metrics': { content: 'print("metrics")\n', mode: '000700', owner: 'root', group: 'root' },
      '/usr/local/lib/docker-nodes/node_metrics.py': { content: 'RULES = []\n', mode: '000600', owner: 'root', group: 'root' },
      '/etc/systemd/system/node-metrics.service': {
        content: '[Unit]\nDescription=Publishes the node metrics\nAfter=docker.service\n\n[Service]\nType=oneshot\nExecStart=/usr/local/bin/node-metrics\n',
        mode: '000644',
        owner: 'root',
        group: 'root',
      },
      '/etc/systemd/system/node-metrics.timer': {
        content: '[Unit]\nDescription=Runs node-metrics every minute\n\n[Timer]\nOnCalendar=*-*-* *:*:30\nAccuracySec=1s\n\n[Install]\nWantedBy=timers.target\n',
        mode: '000644',
        owner: 'root',
        group: 'root',
      },
    });
  });

  it('has cfn-init enable and start the timer, restarting it when a unit file changes', () => {
    expect(metricsTimerService(options)).toEqual({
      systemd: {
        'node-metrics.timer': {
          enabled: 'true',
          ensureRunning: 'true',
          files: ['/etc/systemd/system/node-metrics.service', '/etc/systemd/system/node-metrics.timer'],
        },
      },
    });
  });

  it('may put metrics in the nodes\' namespace only', () => {
    expect(metricsStatement().toStatementJson()).toEqual({
      Action: 'cloudwatch:PutMetricData',
      Effect: 'Allow',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'DockerNodes' } },
    });
  });
});

describe('cfn-hup', () => {
  it('polls the stack every minute, runs the hook after each update of the resource\'s metadata, and is restarted by systemd', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Hosting');
    // WHEN
    const files = cfnHupFiles({
      hook: 'node-update',
      hookFile: 'node-update.conf',
      resource: 'NodeLaunchTemplate',
      action: '/usr/local/bin/apply',
      description: 'cfn-hup of the node',
      after: 'network-online.target docker.service',
      configMode: '000400',
      unitMode: '000644',
    });
    // THEN
    expect(stack.resolve(files)).toEqual([
      ['/etc/cfn/cfn-hup.conf', { content: { 'Fn::Join': ['', ['[main]\nstack=', { Ref: 'AWS::StackId' }, '\nregion=', { Ref: 'AWS::Region' }, '\ninterval=1\n']] }, mode: '000400', owner: 'root', group: 'root' }],
      [
        '/etc/cfn/hooks.d/node-update.conf',
        {
          content: '[node-update]\ntriggers=post.update\npath=Resources.NodeLaunchTemplate.Metadata.AWS::CloudFormation::Init\naction=/usr/local/bin/apply\nrunas=root\n',
          mode: '000400',
          owner: 'root',
          group: 'root',
        },
      ],
      [
        '/etc/systemd/system/cfn-hup.service',
        {
          content:
            '[Unit]\nDescription=cfn-hup of the node\nAfter=network-online.target docker.service\n\n[Service]\nExecStart=/opt/aws/bin/cfn-hup --no-daemon\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n',
          mode: '000644',
          owner: 'root',
          group: 'root',
        },
      ],
    ]);
  });

  it('writes a file of the metadata readable by root only unless a mode is given', () => {
    expect(initFile('secret')).toEqual({ content: 'secret', mode: '000600', owner: 'root', group: 'root' });
    expect(initFile({ a: 1 }, '000644')).toEqual({ content: { a: 1 }, mode: '000644', owner: 'root', group: 'root' });
  });
});

describe('node settings', () => {
  it('fills in a small Graviton instance with a 20 GiB volume on Amazon Linux\'s device', () => {
    const settings = nodeSettings('DockerHost Hosting/Host', {});
    expect(settings).toEqual({ instanceType: new ec2.InstanceType('t4g.small'), machineImage: undefined, volumeSize: 20, rootDeviceName: '/dev/xvda' });
  });

  it.each([8, 16384])('takes a volume of %d GiB', (volumeSize) => {
    expect(nodeSettings('DockerHost Hosting/Host', { volumeSize }).volumeSize).toBe(volumeSize);
  });

  it.each([7, 16385, 20.5, 0])('refuses a volume of %d GiB, naming the sizes allowed', (volumeSize) => {
    const error = thrownBy(PropError, () => nodeSettings('DockerHost Hosting/Host', { volumeSize }));
    expect(error.message).toBe(`DockerHost Hosting/Host: volumeSize: must be a whole number of GiB from 8 to 16384, got ${volumeSize}`);
  });

  it('keeps the instance metadata to the node unless a container needs the instance role', () => {
    expect([metadataHopLimit(false), metadataHopLimit(true)]).toEqual([1, 2]);
  });

  it('gives a launch template IMDSv2 only, detailed monitoring and an encrypted gp3 root volume', () => {
    // GIVEN
    const settings = nodeSettings('DockerSwarm Hosting/Swarm', { volumeSize: 30, rootDeviceName: '/dev/sda1' });
    const image = ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-12345678' });
    // WHEN
    const props = nodeLaunchTemplateProps(settings, image, new ec2.InstanceType('c7g.large'), 2);
    // THEN
    expect(props).toMatchObject({ instanceType: new ec2.InstanceType('c7g.large'), machineImage: image, requireImdsv2: true, httpPutResponseHopLimit: 2, detailedMonitoring: true });
    expect(props.blockDevices).toEqual([
      { deviceName: '/dev/sda1', volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) },
    ]);
  });
});

describe('health check settings', () => {
  it('fills in Docker\'s defaults but a 30 s interval', () => {
    expect(healthCheckSettings({ command: ['CMD', 'true'] })).toEqual({ command: ['CMD', 'true'], intervalSeconds: 30, retries: 3, startPeriodSeconds: 0, timeoutSeconds: 5 });
  });

  it('keeps what the props give', () => {
    const settings = healthCheckSettings({
      command: ['CMD-SHELL', 'curl -f localhost'],
      interval: Duration.seconds(7),
      retries: 5,
      startPeriod: Duration.minutes(1),
      timeout: Duration.seconds(2),
    });
    expect(settings).toEqual({ command: ['CMD-SHELL', 'curl -f localhost'], intervalSeconds: 7, retries: 5, startPeriodSeconds: 60, timeoutSeconds: 2 });
  });
});

describe('change push', () => {
  function waitCondition(stack: Stack): CfnWaitCondition {
    return new CfnWaitCondition(stack, 'WaitChangeabc123', { handle: new CfnWaitConditionHandle(stack, 'Handle').ref, timeout: '600' });
  }

  it.each<[string, object]>([
    ['neither an instance nor groups', {}],
    ['both an instance and groups', { instanceId: 'i-0123456789abcdef0', autoScalingGroupNames: ['managers'] }],
  ])('refuses %s', (_, target) => {
    const stack = new Stack(new App(), 'Hosting');
    const create = () => new ChangePush(stack, 'Push', { waitCondition: waitCondition(stack), changeId: 'abc123', target, command: 'apply', nodes: 'the host' });
    expect(() => create()).toThrow(new Error('ChangePush: give either target.instanceId or target.autoScalingGroupNames'));
  });

  it.each<[string, { account: string; region: string } | undefined]>([
    ['in a stack of any account', undefined],
    ['in a stack of one account and region', { account: '123456789012', region: 'eu-west-1' }],
  ])('to groups %s, passes the AWS Solutions checks, the tag-held instance wildcard acknowledged for a reason', (_, env) => {
    // GIVEN
    const stack = new Stack(new App(), 'Hosting', { env });
    // WHEN
    new ChangePush(stack, 'Push', { waitCondition: waitCondition(stack), changeId: 'abc123', target: { autoScalingGroupNames: ['managers', 'workers'] }, command: 'apply', nodes: "the swarm's nodes" });
    // THEN
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
    const reasons = stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === 'aws:cdk:acknowledged-rules')
      .flatMap((entry) => Object.values(entry.data as Record<string, string>));
    expect(reasons).toEqual([
      "The groups' instances come and go: Run Command may reach only those tagged with one of the groups' names (ssm:resourceTag/aws:autoscaling:groupName).",
    ]);
  });

  it('describes its role and rule by the nodes they push to', () => {
    const stack = new Stack(new App(), 'Hosting');
    new ChangePush(stack, 'Push', { waitCondition: waitCondition(stack), changeId: 'abc123', target: { instanceId: 'i-0123456789abcdef0' }, command: 'apply', nodes: 'the host' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { Description: 'Runs the change command on the host when the stack starts waiting for a change' });
    template.hasResourceProperties('AWS::Events::Rule', { Description: 'Pushes each change to the host when the stack starts waiting for it' });
  });

  it('matches the whole id of a wait condition whose id starts with the digest', () => {
    expect(changePrefix('abc123Wait', 'abc123')).toBe('abc123Wait');
    expect(changePrefix('HostWaitabc123', 'abc123')).toBe('HostWait');
    expect(changePrefix('HostWaitabc', 'abc123')).toBe('HostWaitabc');
  });
});

describe('node security groups', () => {
  function scope(): { stack: Stack; vpc: ec2.IVpc } {
    const stack = new Stack(new App(), 'Hosting');
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-12345678'] });
    return { stack, vpc };
  }

  /** A container publishing one port to `cidrs`. */
  function publishing(name: string, cidrs: string[], groups?: string[]): ContainerDefinition {
    return { name, image: `${name}:1`, ports: [{ hostPort: 8080, allowFrom: cidrs, allowFromSecurityGroups: groups }] };
  }

  function groups(stack: Stack): Record<string, any> {
    return Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup');
  }

  it('opens each published port to each range and group, TCP unless UDP, IPv6 for a range with a colon', () => {
    // GIVEN
    const { stack, vpc } = scope();
    const containers: ContainerDefinition[] = [
      { name: 'dns', image: 'dns:1', ports: [{ hostPort: 53, protocol: PortProtocol.UDP, allowFrom: ['10.0.0.0/16', 'fd00::/8'] }] },
      publishing('web', [], ['sg-0123456789abcdef0']),
    ];
    // WHEN
    nodeSecurityGroups(stack, 'DockerHost Hosting/Host', { vpc, description: 'The host', containers, containersProp: 'containers' });
    // THEN
    expect(Object.keys(groups(stack))).toEqual([expect.stringMatching(/^SecurityGroup[0-9A-F]{8}$/)]);
    const [group] = Object.values(groups(stack));
    expect(group.Properties.GroupDescription).toBe('The host');
    expect(group.Properties.SecurityGroupEgress).toEqual([{ CidrIp: '0.0.0.0/0', Description: 'Allow all outbound traffic by default', IpProtocol: '-1' }]);
    expect(group.Properties.SecurityGroupIngress).toEqual([
      { CidrIp: '10.0.0.0/16', Description: 'dns 53/udp from 10.0.0.0/16', FromPort: 53, IpProtocol: 'udp', ToPort: 53 },
      { CidrIpv6: 'fd00::/8', Description: 'dns 53/udp from fd00::/8', FromPort: 53, IpProtocol: 'udp', ToPort: 53 },
      { SourceSecurityGroupId: 'sg-0123456789abcdef0', Description: 'web 8080/tcp from a security group', FromPort: 8080, IpProtocol: 'tcp', ToPort: 8080 },
    ]);
  });

  it('opens the ports between nodes to the group itself', () => {
    const { stack, vpc } = scope();
    nodeSecurityGroups(stack, 'DockerSwarm Hosting/Swarm', { vpc, description: 'The swarm', containers: [], containersProp: 'services', betweenNodes: [[ec2.Port.tcp(2377), 'Swarm management']] });
    const [id] = Object.keys(groups(stack));
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [id, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [id, 'GroupId'] },
      Description: 'Swarm management between nodes',
      FromPort: 2377,
      ToPort: 2377,
      IpProtocol: 'tcp',
    });
  });

  it('with egress ranges allows only HTTPS to each, IPv4 and IPv6, from the first group', () => {
    const { stack, vpc } = scope();
    nodeSecurityGroups(stack, 'DockerHost Hosting/Host', { vpc, description: 'The host', containers: [], containersProp: 'containers', egressCidrs: ['10.1.0.0/16', '2001:db8::/32'] });
    const [group] = Object.values(groups(stack));
    expect(group.Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '10.1.0.0/16', Description: 'HTTPS to 10.1.0.0/16', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      { CidrIpv6: '2001:db8::/32', Description: 'HTTPS to 2001:db8::/32', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
  });

  it('refuses an egress range that is not a CIDR range', () => {
    const { stack, vpc } = scope();
    const error = thrownBy(PropError, () =>
      nodeSecurityGroups(stack, 'DockerHost Hosting/Host', { vpc, description: 'The host', containers: [], containersProp: 'containers', egressCidrs: ['10.1.0.0/16', '10.2.0.0'] }),
    );
    expect(error.message).toBe('DockerHost Hosting/Host: egressCidrs: must hold CIDR ranges such as 10.0.0.0/16, got "10.2.0.0"');
  });

  it('takes 60 egress ranges of each IP version and refuses 61 of one', () => {
    const ipv4 = Array.from({ length: 60 }, (_, i) => `10.${i}.0.0/16`);
    const ipv6 = Array.from({ length: 61 }, (_, i) => `2001:db8:${i.toString(16)}::/48`);
    const { stack, vpc } = scope();
    const options = { vpc, description: 'The host', containers: [], containersProp: 'containers' as const };
    expect(nodeSecurityGroups(stack, 'DockerHost Hosting/Host', { ...options, egressCidrs: [...ipv4, ...ipv6.slice(1)] })).toHaveLength(1);
    const error = thrownBy(PropError, () => nodeSecurityGroups(scope().stack, 'DockerHost Hosting/Host', { ...options, egressCidrs: [...ipv4.slice(1), ...ipv6] }));
    expect(error.message).toBe(
      'DockerHost Hosting/Host: egressCidrs: needs 61 outbound rules of one IP version, more than the 60 a security group holds ' +
        '(the default quota of a VPC: 60 outbound rules per IP version per security group); give wider ranges',
    );
  });

  it.each<[string, string[], string[], number[]]>([
    ['60 IPv4 and 60 IPv6 ranges fill one group, the versions counted apart', [...range4(60), ...range6(60)], [], [120]],
    ['59 ranges and a security group fill one group', range4(59), ['sg-0123456789abcdef0'], [60]],
    ['60 ranges and a security group need a second group', range4(60), ['sg-0123456789abcdef0'], [60, 1]],
    ['60 IPv6 ranges and a security group need a second group', range6(60), ['sg-0123456789abcdef0'], [60, 1]],
  ])('%s', (_, cidrs, sources, sizes) => {
    // GIVEN
    const { stack, vpc } = scope();
    const containers = [publishing('app', cidrs, sources)];
    // WHEN
    const made = nodeSecurityGroups(stack, 'DockerHost Hosting/Host', { vpc, description: 'The host', containers, containersProp: 'containers' });
    // THEN
    expect(made.map((group) => group.node.id)).toEqual(['SecurityGroup', 'SecurityGroup2'].slice(0, sizes.length));
    expect(Object.values(groups(stack)).map((group) => group.Properties.SecurityGroupIngress.length)).toEqual(sizes);
  });

  it('describes the groups past the first, which allow no outbound traffic of their own', () => {
    const { stack, vpc } = scope();
    nodeSecurityGroups(stack, 'DockerHost Hosting/Host', { vpc, description: 'The host', containers: [publishing('app', range4(121))], containersProp: 'containers' });
    expect(Object.values(groups(stack)).map((group) => [group.Properties.GroupDescription, group.Properties.SecurityGroupEgress])).toEqual([
      ['The host', [{ CidrIp: '0.0.0.0/0', Description: 'Allow all outbound traffic by default', IpProtocol: '-1' }]],
      ['The host (more inbound rules, past the quota of the first group)', [{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }]],
      ['The host (more inbound rules, past the quota of the first group)', [{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }]],
    ]);
  });

  it('with egress ranges, allows HTTPS to them from the first group alone', () => {
    const { stack, vpc } = scope();
    const options = { vpc, description: 'The host', containers: [publishing('app', range4(61))], containersProp: 'containers' as const, egressCidrs: ['10.1.0.0/16'] };
    nodeSecurityGroups(stack, 'DockerHost Hosting/Host', options);
    expect(Object.values(groups(stack)).map((group) => group.Properties.SecurityGroupEgress)).toEqual([
      [{ CidrIp: '10.1.0.0/16', Description: 'HTTPS to 10.1.0.0/16', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 }],
      [{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', FromPort: 252, IpProtocol: 'icmp', ToPort: 86 }],
    ]);
  });

  it('fills five groups, the most one network interface takes', () => {
    const { stack, vpc } = scope();
    const made = nodeSecurityGroups(stack, 'DockerHost Hosting/Host', { vpc, description: 'The host', containers: [publishing('app', range4(300))], containersProp: 'containers' });
    expect(made.map((group) => group.node.id)).toEqual(['SecurityGroup', 'SecurityGroup2', 'SecurityGroup3', 'SecurityGroup4', 'SecurityGroup5']);
  });

  it('refuses more rules than five groups hold, counting each IP version and naming the prop', () => {
    const { stack, vpc } = scope();
    const containers = [publishing('app', [...range4(250), ...range6(60)], ['sg-0123456789abcdef0'])];
    const error = thrownBy(PropError, () => nodeSecurityGroups(stack, 'DockerSwarm Hosting/Swarm', { vpc, description: 'The swarm', containers, containersProp: 'services' }));
    expect(error.message).toBe(
      'DockerSwarm Hosting/Swarm: services: the published ports need 251 IPv4 and 61 IPv6 inbound rules (one per port and allowed range or security group), ' +
        'more than 5 security groups of 60 rules each hold, the default quotas of a VPC (60 inbound rules per IP version per security group, ' +
        '5 security groups per network interface); allow wider ranges or a security group instead of many ranges, or publish fewer ports',
    );
  });
});

function range4(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `10.${Math.floor(i / 256)}.${i % 256}.0/24`);
}

function range6(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `2001:db8:${i.toString(16)}::/48`);
}
