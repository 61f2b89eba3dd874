import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { RestartPolicy } from '../../lib/containers';
import { CustomResourcesStack } from '../../lib/custom-resources-stack';
import { CertificateDependency, Route53Dependency, VpcDependency } from '../../lib/dependencies';
import { PropError } from '../../lib/errors';
import { DockerHost, type DockerHostProps } from '../../lib/host';
import { StackMonitoring, type MonitoringOptions } from '../../lib/monitoring';
import { AppRouter } from '../../lib/router/app-router';
import { DockerSwarm, type DockerSwarmProps } from '../../lib/swarm';
import { CONTRACTS } from '../../contracts/registry';
import { thrownBy } from '../helpers/thrown';

/** The stack's own alarm topic, as every alarm's actions name it. */
const TOPIC = { Ref: expect.stringMatching(/^StackMonitoringAlarmTopic[0-9A-F]{8}$/) };
const STACK_NAME = { Ref: 'AWS::StackName' };
const RECOVER = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':automate:', { Ref: 'AWS::Region' }, ':ec2:recover']] };

describe('DockerHost', () => {
  it('alarms on its status checks, CPU, memory, root volume and each container, notifying the stack\'s topic', () => {
    // GIVEN a host with a container that keeps running and one that may exit
    const { stack } = hostStack();
    // WHEN
    const alarms = alarmTable(Template.fromStack(stack));
    // THEN
    const instance = { Ref: 'HostInstance2C59A3BE' };
    const ec2Metric = (name: string, statistic: string, period: number) => ({ namespace: 'AWS/EC2', name, dimensions: { InstanceId: instance }, statistic, period });
    const agentMetric = (name: string) => ({ namespace: 'CWAgent', name, dimensions: { InstanceId: instance }, statistic: 'Maximum', period: 300 });
    const container = (name: string, metric: string, statistic: string, period: number) => ({
      namespace: 'DockerNodes',
      name: metric,
      dimensions: { Stack: STACK_NAME, Host: 'HostInstance2C59A3BE', Container: name },
      statistic,
      period,
    });
    expect(alarms).toEqual({
      HostMonitoringSystemStatusCheckAlarm: alarm(ec2Metric('StatusCheckFailed_System', 'Maximum', 60), '>= 1', 2, 'missing', [RECOVER, TOPIC]),
      HostMonitoringInstanceStatusCheckAlarm: alarm(ec2Metric('StatusCheckFailed_Instance', 'Maximum', 60), '>= 1', 3, 'missing'),
      HostMonitoringCpuAlarm: alarm(ec2Metric('CPUUtilization', 'Average', 300), '> 90', 3, 'missing'),
      HostMonitoringMemoryAlarm: alarm(agentMetric('mem_used_percent'), '> 90', 2, 'missing'),
      HostMonitoringDiskAlarm: alarm(agentMetric('disk_used_percent'), '> 85', 2, 'missing'),
      HostMonitoringContainerwebNotRunningAlarm: alarm(container('web', 'ContainerRunning', 'Minimum', 60), '< 1', 3, 'breaching'),
      HostMonitoringContainerwebRestartsAlarm: alarm(container('web', 'ContainerRestarts', 'Sum', 300), '>= 3', 1, 'notBreaching'),
      HostMonitoringContainermigrateRestartsAlarm: alarm(container('migrate', 'ContainerRestarts', 'Sum', 300), '>= 3', 1, 'notBreaching'),
    });
  });

  it('creates its alarms after the instance, which CloudFormation creates once the host has reported its containers running', () => {
    // GIVEN
    const { stack } = hostStack();
    // THEN
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(8);
    for (const resource of alarms) expect(resource.DependsOn).toContain('HostInstance2C59A3BE');
  });

  it('recovers the instance through EC2 when the system status check fails', () => {
    // GIVEN
    const { stack } = hostStack();
    // THEN
    const [system] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'StatusCheckFailed_System' } }));
    expect(system.Properties.AlarmActions[0]).toEqual(RECOVER);
  });

  it('installs the CloudWatch agent with its cfn-init metadata: the package, a configuration of memory and root volume by instance, and its start', () => {
    // GIVEN
    const { stack } = hostStack();
    // WHEN
    const init = instanceInit(Template.fromStack(stack));
    // THEN
    expect(init.packages).toEqual({ yum: { 'amazon-cloudwatch-agent': [], 'awscli-2': [] } });
    expect(init.files['/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json']).toEqual({
      content: {
        agent: { metrics_collection_interval: 60 },
        metrics: {
          namespace: 'CWAgent',
          append_dimensions: { InstanceId: '${aws:InstanceId}' },
          aggregation_dimensions: [['InstanceId']],
          metrics_collected: {
            mem: { measurement: ['mem_used_percent'] },
            disk: { measurement: ['used_percent'], resources: ['/'], drop_device: true },
          },
        },
      },
      mode: '000644',
      owner: 'root',
      group: 'root',
    });
    expect(init.commands).toEqual({
      'cloudwatch-agent': {
        command:
          '/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json',
      },
      'docker-host-refresh-timer': expect.anything(),
    });
  });

  it('lets the agent put metrics into its own namespace only, beside the host\'s own publisher in DockerNodes', () => {
    // GIVEN
    const { stack } = hostStack();
    // THEN
    expect(putMetricStatements(Template.fromStack(stack))).toEqual([
      { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'DockerNodes' } } },
      { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'CWAgent' } } },
    ]);
  });

  it('keeps the agent and its graphs with alarms off, and has neither with the dashboard off too', () => {
    // GIVEN
    const { stack: noAlarms } = hostStack({ alarms: false });
    const { stack: nothing } = hostStack({ alarms: false, dashboard: false });
    // THEN
    const quiet = Template.fromStack(noAlarms);
    quiet.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    quiet.resourceCountIs('AWS::SNS::Topic', 0);
    quiet.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    expect(instanceInit(quiet).packages).toEqual({ yum: { 'amazon-cloudwatch-agent': [], 'awscli-2': [] } });
    const off = Template.fromStack(nothing);
    for (const type of ['AWS::CloudWatch::Alarm', 'AWS::SNS::Topic', 'AWS::KMS::Key', 'AWS::CloudWatch::Dashboard']) off.resourceCountIs(type, 0);
    expect(instanceInit(off)).toEqual({
      files: expect.not.objectContaining({ '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json': expect.anything() }),
      commands: { 'docker-host-refresh-timer': expect.anything() },
      packages: { yum: { 'awscli-2': [] } },
      services: { systemd: { 'docker-host-metrics.timer': expect.anything() } },
    });
    expect(putMetricStatements(off)).toEqual([
      { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'DockerNodes' } } },
    ]);
  });

  it('notifies the user\'s topic, and creates none', () => {
    // GIVEN a host given a topic of the user's
    const { stack } = hostStack({ alarmTopic: undefined }, (scope) => ({ alarmTopic: new sns.Topic(scope, 'Oncall') }));
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    const oncall = { Ref: expect.stringMatching(/^Oncall/) };
    const rows = Object.values(alarmTable(template));
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(row.okActions).toEqual([oncall]);
      expect(row.actions[row.actions.length - 1]).toEqual(oncall);
    }
  });
});

describe('the stack\'s topic', () => {
  it('is encrypted with a rotated key CloudWatch may use, takes TLS only and takes alarms of this account only', () => {
    // GIVEN
    const { stack } = hostStack();
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^StackMonitoringAlarmTopicKey'), 'Arn'] } });
    const [policy] = Object.values(template.findResources('AWS::SNS::TopicPolicy'));
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
        },
      }),
    ]);
  });

  it('leaves every construct of the stack without alarms when the stack\'s StackMonitoring says so, unless the construct asks for them', () => {
    // GIVEN a stack whose monitoring turns alarms off, with two hosts, one of which asks for its alarms
    const stack = new Stack(new App(), 'Hosting');
    new StackMonitoring(stack, 'StackMonitoring', { alarms: false });
    new DockerHost(stack, 'Quiet', hostProps(stack));
    new DockerHost(stack, 'Loud', { ...hostProps(stack), monitoring: { alarms: true } });
    // THEN
    const ids = Object.keys(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.filter((id) => !id.startsWith('LoudMonitoring'))).toEqual([]);
  });

  it('refuses a StackMonitoring created after a construct made the stack\'s own, saying to create it first', () => {
    // GIVEN a stack whose host created the stack's monitoring
    const stack = new Stack(new App(), 'Hosting');
    new DockerHost(stack, 'Host', hostProps(stack));
    // WHEN
    const error = thrownBy(PropError, () => new StackMonitoring(stack, 'Mine', { alarms: false }));
    // THEN
    expect(error.message).toBe(
      'StackMonitoring Hosting/StackMonitoring: scope: the stack Hosting has a StackMonitoring already (its constructs create one with the defaults on first use); create yours before the stack\'s constructs, or give each construct its own monitoring prop',
    );
  });
});

describe('DockerSwarm', () => {
  it('alarms on nodes not Ready and on each service running fewer tasks than it wants, after its groups are up', () => {
    // GIVEN
    const { stack } = swarmStack();
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    const tasks = (service: string) => ({
      expression: 'desired - running',
      desired: { namespace: 'DockerNodes', name: 'DesiredTasks', dimensions: { Stack: STACK_NAME, Service: service }, statistic: 'Maximum', period: 60 },
      running: { namespace: 'DockerNodes', name: 'RunningTasks', dimensions: { Stack: STACK_NAME, Service: service }, statistic: 'Minimum', period: 60 },
    });
    expect(alarmTable(template)).toEqual({
      SwarmMonitoringNodesDownAlarm: alarm(
        { namespace: 'DockerNodes', name: 'NodesDown', dimensions: { Stack: STACK_NAME, Swarm: 'cache' }, statistic: 'Maximum', period: 60 },
        '>= 1',
        3,
        'breaching',
      ),
      SwarmMonitoringServicealphaTasksAlarm: alarm(tasks('cache_alpha'), '>= 1', 5, 'notBreaching'),
      SwarmMonitoringServicebetaTasksAlarm: alarm(tasks('cache_beta'), '>= 1', 5, 'notBreaching'),
    });
    const groups = Object.keys(template.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(groups).toHaveLength(2);
    for (const resource of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) expect(resource.DependsOn).toEqual(expect.arrayContaining(groups));
  });

  it('has no alarms with alarms off', () => {
    // GIVEN
    const { stack } = swarmStack({ monitoring: { alarms: false } });
    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});

describe('worker scaling', () => {
  it('keeps the workers at 70 % CPU by target tracking, between their fewest and most', () => {
    // GIVEN workers from 1 to 4
    const { stack } = swarmStack({ workers: { minCapacity: 1, desiredCapacity: 2, maxCapacity: 4 } });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::AutoScaling::ScalingPolicy', 1);
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      AutoScalingGroupName: { Ref: Match.stringLikeRegexp('^SwarmWorkers') },
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 70 },
    });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { AutoScalingGroupName: Match.absent(), MinSize: '1', MaxSize: '4', DesiredCapacity: '2' });
  });

  it('takes the target from targetCpuUtilization', () => {
    // GIVEN
    const { stack } = swarmStack({ workers: { minCapacity: 1, maxCapacity: 4, targetCpuUtilization: 55 } });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::AutoScaling::ScalingPolicy', { TargetTrackingConfiguration: Match.objectLike({ TargetValue: 55 }) });
  });

  it('does not scale with cpuScaling false, nor when the group has one size', () => {
    // GIVEN
    const { stack: off } = swarmStack({ workers: { minCapacity: 1, maxCapacity: 4, cpuScaling: false } });
    const { stack: fixed } = swarmStack({ workers: { minCapacity: 2, desiredCapacity: 2, maxCapacity: 2 } });
    // THEN
    Template.fromStack(off).resourceCountIs('AWS::AutoScaling::ScalingPolicy', 0);
    Template.fromStack(fixed).resourceCountIs('AWS::AutoScaling::ScalingPolicy', 0);
  });

  it.each([
    [{ minCapacity: 1, maxCapacity: 4, targetCpuUtilization: 0 }, 'workers.targetCpuUtilization: must be a percentage above 0 and at most 100, such as 70, got 0'],
    [{ minCapacity: 1, maxCapacity: 4, targetCpuUtilization: 120 }, 'workers.targetCpuUtilization: must be a percentage above 0 and at most 100, such as 70, got 120'],
    [{ minCapacity: 1, maxCapacity: 4, cpuScaling: false, targetCpuUtilization: 60 }, 'workers.targetCpuUtilization: has no effect with cpuScaling false; drop one of them'],
    [
      { minCapacity: 2, desiredCapacity: 2, maxCapacity: 2, cpuScaling: true },
      'workers.cpuScaling: the workers cannot scale with minCapacity equal to maxCapacity (2); raise maxCapacity or leave cpuScaling and targetCpuUtilization out',
    ],
  ])('refuses workers %j, naming the prop', (workers, message) => {
    // WHEN
    const error = thrownBy(PropError, () => swarmStack({ workers }));
    // THEN
    expect(error.message).toBe(`DockerSwarm Swarming/Swarm: ${message}`);
  });
});

describe('AppRouter', () => {
  it('alarms on each target group\'s unhealthy targets', () => {
    // GIVEN
    const { stack } = routerStack();
    // THEN
    // the load balancer's full name, net/<name>/<id>, from the ARN of the group's listener
    const loadBalancer = (listener: string) => {
      const part = (i: number) => ({ 'Fn::Select': [i, { 'Fn::Split': ['/', { Ref: expect.stringMatching(new RegExp(`^RouterLoadBalancer${listener}Listener[0-9A-F]{8}$`)) }] }] });
      return { 'Fn::Join': ['', [part(1), '/', part(2), '/', part(3)]] };
    };
    const metric = (group: string, listener: string) => ({
      namespace: 'AWS/NetworkELB',
      name: 'UnHealthyHostCount',
      dimensions: {
        LoadBalancer: loadBalancer(listener),
        TargetGroup: { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^Router${group}TargetGroup[0-9A-F]{8}$`)), 'TargetGroupFullName'] },
      },
      statistic: 'Maximum',
      period: 60,
    });
    expect(alarmTable(Template.fromStack(stack), 'Router')).toEqual({
      RouterMonitoringHttpsUnhealthyTargetsAlarm: alarm(metric('Https', 'Https'), '>= 1', 3, 'notBreaching'),
      RouterMonitoringRedirectUnhealthyTargetsAlarm: alarm(metric('Redirect', 'Http'), '>= 1', 3, 'notBreaching'),
    });
  });

  it('has no alarms with alarms off', () => {
    // GIVEN
    const { stack } = routerStack({ alarms: false });
    // THEN
    expect(alarmTable(Template.fromStack(stack), 'Router')).toEqual({});
  });
});

describe('lookup functions', () => {
  it('alarm on each function\'s errors and throttles', () => {
    // GIVEN a stack with a VPC lookup
    const stack = new Stack(new App(), 'Lookups');
    new VpcDependency(stack, 'Vpc', { vpcName: 'main' });
    // THEN
    const metric = (name: string) => ({
      namespace: 'AWS/Lambda',
      name,
      dimensions: { FunctionName: { Ref: expect.stringMatching(/^VpcDependencyFunction[0-9A-F]{8}$/) } },
      statistic: 'Sum',
      period: 300,
    });
    expect(alarmTable(Template.fromStack(stack))).toEqual({
      VpcDependencyFunctionMonitoringErrorsAlarm: alarm(metric('Errors'), '>= 1', 1, 'notBreaching'),
      VpcDependencyFunctionMonitoringThrottlesAlarm: alarm(metric('Throttles'), '>= 1', 1, 'notBreaching'),
    });
  });

  it('in the CustomResources stack: two alarms per function, none with alarms off', () => {
    // GIVEN
    const on = new CustomResourcesStack(new App(), 'CustomResources');
    const off = new CustomResourcesStack(new App(), 'CustomResources', { monitoring: { alarms: false } });
    // THEN
    expect(Object.keys(alarmTable(Template.fromStack(on))).sort()).toEqual(
      CONTRACTS.flatMap((type) => [`${type.id}FunctionMonitoringErrorsAlarm`, `${type.id}FunctionMonitoringThrottlesAlarm`]).sort(),
    );
    Template.fromStack(off).resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });
});

describe('the dashboard', () => {
  it('is one per stack, a titled section per construct with a graph of each alarm\'s metric and its threshold', () => {
    // GIVEN a stack with a host, a swarm and a router
    const stack = new Stack(new App(), 'Everything');
    const vpc = placementVpc(stack);
    const host = new DockerHost(stack, 'Host', hostProps(stack));
    new DockerSwarm(stack, 'Swarm', { vpc, machineImage: ec2.MachineImage.latestAmazonLinux2023(), stackName: 'cache', services: [{ name: 'alpha', image: 'memcached:1.6-alpine' }] });
    const router = addRouter(stack, vpc);
    router.addInstance(host.instance);
    // WHEN
    const template = Template.fromStack(stack);
    // THEN
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const widgets = dashboardWidgets(template);
    expect(widgets.filter((widget) => widget.type === 'text').map((widget) => widget.properties.markdown)).toEqual([
      '## Docker host Everything/Host',
      '## Docker swarm Everything/Swarm',
      '## Custom::Route53Dependency lookups',
      '## Custom::CertificateDependency lookups',
      '## App router Everything/Router',
    ]);
    const graphs = widgets.filter((widget) => widget.type === 'metric');
    expect(graphs).toHaveLength(Object.keys(alarmTable(template)).length);
    expect(graphs.length).toBeGreaterThan(0);
    expect(graphs.map((graph) => graph.properties.title)).toEqual(expect.arrayContaining(['System status check failed', 'Memory use (%)', 'web: running', 'Nodes not Ready', 'cache_alpha: tasks missing', 'Unhealthy targets, port 8443']));
    const memory = graphs.find((graph) => graph.properties.title === 'Memory use (%)');
    expect(memory.properties.annotations).toEqual({ horizontal: [{ value: 90, label: 'alarm > 90', yAxis: 'left' }] });
  });
});

describe('every alarm', () => {
  it('says in its description which construct broke, within CloudWatch\'s 1,024 characters, and the stacks pass cdk-nag', () => {
    // GIVEN a host with a lookup, a swarm and a router, each in a stack of its own
    // (cdk-nag's EC26 cannot check an instance in a stack that also holds a launch template)
    const { stack: hosting } = hostStack();
    new VpcDependency(hosting, 'Network', { vpcName: 'main' });
    const stacks = [hosting, swarmStack().stack, routerStack().stack];
    // THEN
    const descriptions = stacks.flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map((resource) => resource.Properties.AlarmDescription as string),
    );
    expect(descriptions).toHaveLength(8 + 2 + 3 + 2 + 2 * 2);
    for (const description of descriptions) {
      expect(description.length).toBeLessThanOrEqual(1024);
      expect(description).toMatch(/^(Docker host Hosting\/Host|Container \w+ on Docker host Hosting\/Host|Docker swarm Swarming\/Swarm|App router Routing\/Router|The Custom::\w+Dependency function)/);
    }
    expect(stacks.flatMap((stack) => new AwsSolutionsChecks().validateScope(stack).violations)).toEqual([]);
  });
});

/** An alarm's row: its metric, the comparison and threshold, periods, missing data and actions. */
function alarm(metric: Record<string, unknown>, condition: string, evaluationPeriods: number, missingData: string, actions: unknown[] = [TOPIC]) {
  return { metric, condition, evaluationPeriods, datapointsToAlarm: evaluationPeriods, missingData, actions, okActions: [TOPIC] };
}

const SIGNS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '>=',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

/** The template's alarms by logical id without its hash, those whose id starts with `prefix`. */
function alarmTable(template: Template, prefix = ''): Record<string, any> {
  const dimensions = (list: Array<{ Name: string; Value: unknown }>) => Object.fromEntries(list.map((dimension) => [dimension.Name, dimension.Value]));
  const stat = (metricStat: any) => ({
    namespace: metricStat.Metric.Namespace,
    name: metricStat.Metric.MetricName,
    dimensions: dimensions(metricStat.Metric.Dimensions),
    statistic: metricStat.Stat,
    period: metricStat.Period,
  });
  const metricOf = (p: any) => {
    if (p.Metrics === undefined) return { namespace: p.Namespace, name: p.MetricName, dimensions: dimensions(p.Dimensions), statistic: p.Statistic, period: p.Period };
    const expression = p.Metrics.find((m: any) => m.Expression !== undefined);
    return {
      expression: expression.Expression,
      ...Object.fromEntries(p.Metrics.filter((m: any) => m.MetricStat !== undefined).map((m: any) => [m.Id, stat(m.MetricStat)])),
    };
  };
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
      .filter(([id]) => id.startsWith(prefix))
      .map(([id, { Properties: p }]) => [
        id.replace(/[0-9A-F]{8}$/, ''),
        {
          metric: metricOf(p),
          condition: `${SIGNS[p.ComparisonOperator]} ${p.Threshold}`,
          evaluationPeriods: p.EvaluationPeriods,
          datapointsToAlarm: p.DatapointsToAlarm,
          missingData: p.TreatMissingData,
          actions: p.AlarmActions,
          okActions: p.OKActions,
        },
      ]),
  );
}

function placementVpc(scope: Stack, id = 'Vpc'): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(scope, id, {
    vpcId: 'vpc-0abc1234',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    privateSubnetIds: ['subnet-0abc0001', 'subnet-0abc0002', 'subnet-0abc0003'],
    privateSubnetRouteTableIds: ['rtb-0abc0001', 'rtb-0abc0002', 'rtb-0abc0003'],
    publicSubnetIds: ['subnet-0abc0004', 'subnet-0abc0005', 'subnet-0abc0006'],
    publicSubnetRouteTableIds: ['rtb-0abc0004', 'rtb-0abc0005', 'rtb-0abc0006'],
  });
}

/** A host's props without lookups, so its alarms are the stack's only ones: a web container and a migration that may exit. */
function hostProps(scope: Stack): DockerHostProps {
  const vpc = (scope.node.tryFindChild('Vpc') as ec2.IVpc | undefined) ?? placementVpc(scope);
  return {
    vpc,
    vpcSubnets: { subnets: [vpc.privateSubnets[0]] },
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    containers: [
      { name: 'web', image: 'nginx:1.27-alpine' },
      { name: 'migrate', image: 'flyway/flyway:10', restart: RestartPolicy.ON_FAILURE },
    ],
  };
}

function hostStack(monitoring?: MonitoringOptions, extra: (scope: Stack) => MonitoringOptions = () => ({})): { stack: Stack; host: DockerHost } {
  const stack = new Stack(new App(), 'Hosting');
  const host = new DockerHost(stack, 'Host', { ...hostProps(stack), monitoring: { ...monitoring, ...extra(stack) } });
  return { stack, host };
}

function swarmStack(change: Partial<DockerSwarmProps> = {}): { stack: Stack; swarm: DockerSwarm } {
  const stack = new Stack(new App(), 'Swarming');
  const swarm = new DockerSwarm(stack, 'Swarm', {
    vpc: placementVpc(stack),
    managers: 1,
    machineImage: ec2.MachineImage.latestAmazonLinux2023(),
    stackName: 'cache',
    services: [
      { name: 'alpha', image: 'memcached:1.6-alpine', replicas: 2 },
      { name: 'beta', image: 'memcached:1.6-alpine', globalMode: true },
    ],
    ...change,
  });
  return { stack, swarm };
}

function addRouter(stack: Stack, vpc: ec2.IVpc, monitoring?: MonitoringOptions): AppRouter {
  return new AppRouter(stack, 'Router', {
    vpc,
    zone: new Route53Dependency(stack, 'Zone', { domainName: 'example.com', privateZone: false }).toHostedZone(),
    domainName: 'apps.example.com',
    certificate: new CertificateDependency(stack, 'Certificate', { domainName: '*.apps.example.com' }).toCertificate(),
    apps: [{ hostName: 'counter', upstream: 'counter', port: 8000 }],
    monitoring,
  });
}

function routerStack(monitoring?: MonitoringOptions): { stack: Stack; router: AppRouter } {
  const stack = new Stack(new App(), 'Routing');
  return { stack, router: addRouter(stack, placementVpc(stack), monitoring) };
}

function instanceInit(template: Template): Record<string, any> {
  const [instance] = Object.values(template.findResources('AWS::EC2::Instance'));
  return instance.Metadata['AWS::CloudFormation::Init'].config;
}

function putMetricStatements(template: Template): unknown[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .filter((statement: any) => [statement.Action].flat().includes('cloudwatch:PutMetricData'));
}

function dashboardWidgets(template: Template): any[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = dashboard.Properties.DashboardBody;
  const text = typeof body === 'string' ? body : body['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return JSON.parse(text).widgets;
}
