import { App, Stack } from 'aws-cdk-lib';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, type DescribeAutoScalingGroupsCommandInput } from '@aws-sdk/client-auto-scaling';
import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  type DescribeStackResourceCommandInput,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { readStack } from '../../cli/stack';
import { ContainerLogging, DockerHost, DockerSwarm, VpcDependency } from '../../lib';
import { resolveIntrinsics } from '../../testkit/cloudformation/intrinsics';

/**
 * The command finds hosts and swarms by what the library synthesizes: the
 * host file and the compose file in the metadata, the logical ids of the
 * swarm's groups and of a host's wait conditions, the containers' logging
 * options. Read from a stack the constructs make, deployed as CloudFormation
 * would resolve it.
 */
const cloudFormation = mockClient(CloudFormationClient);
const autoScaling = mockClient(AutoScalingClient);

it('finds the Docker host, its containers\' log streams and last deploy, and the swarm\'s managers and workers, in a stack the constructs make', async () => {
  // GIVEN a stack with a Docker host and a swarm, as CloudFormation holds it once deployed
  const stack = new Stack(new App(), 'Web', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new VpcDependency(stack, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 2 });
  new DockerHost(stack, 'Host', {
    vpc,
    containers: [
      { name: 'app', image: 'nginx:1.27-alpine' },
      { name: 'cache', image: 'memcached:1.6-alpine', logging: ContainerLogging.jsonFile() },
    ],
  });
  new DockerSwarm(stack, 'Swarm', { vpc, managers: 1, services: [{ name: 'web', image: 'nginx:1.27-alpine' }] });
  const resources = Object.entries<any>(Template.fromStack(stack).toJSON().Resources);
  const physical = (logicalId: string) => `Web-${logicalId}-PHYSICAL`;
  const leaves = {
    ref: (name: string) => (name.startsWith('AWS::') ? { 'AWS::StackName': 'Web', 'AWS::Region': 'eu-west-1' }[name] ?? name : physical(name)),
    getAtt: (logicalId: string, attribute: string) => `${physical(logicalId)}.${attribute}`,
  };
  cloudFormation.reset().on(DescribeStackResourcesCommand).resolves({
    StackResources: resources.map(([id, resource]) => ({ LogicalResourceId: id, PhysicalResourceId: physical(id), ResourceType: resource.Type, ResourceStatus: 'CREATE_COMPLETE', Timestamp: new Date(0) })),
  });
  cloudFormation.on(DescribeStackResourceCommand).callsFake((input: DescribeStackResourceCommandInput) => {
    const [id, resource] = resources.find(([candidate]) => candidate === input.LogicalResourceId)!;
    return { StackResourceDetail: { LogicalResourceId: id, Metadata: resource.Metadata && JSON.stringify(resolveIntrinsics(resource.Metadata, leaves, id)) } };
  });
  cloudFormation.on(DescribeStackEventsCommand).resolves({ StackEvents: [] });
  autoScaling.reset().on(DescribeAutoScalingGroupsCommand).callsFake((input: DescribeAutoScalingGroupsCommandInput) => ({
    AutoScalingGroups: input.AutoScalingGroupNames!.map((name, i) => ({ AutoScalingGroupName: name, Instances: [{ InstanceId: `i-0000000000000000${i}`, LifecycleState: 'InService' }] })),
  }));
  const clients = { region: 'eu-west-1', cloudFormation: new CloudFormationClient({}), autoScaling: new AutoScalingClient({}), ssm: new SSMClient({}), logs: new CloudWatchLogsClient({}) };
  const id = (prefix: string, type: string) => resources.find(([candidate, resource]) => candidate.startsWith(prefix) && resource.Type === type)![0];

  // WHEN
  const found = await readStack(clients, 'Web');

  // THEN
  expect(found.deployments).toEqual([
    {
      kind: 'host',
      name: 'Host',
      nodes: [{ instanceId: physical(id('HostInstance', 'AWS::EC2::Instance')), role: 'host', resource: id('HostInstance', 'AWS::EC2::Instance'), lifecycleState: 'InService' }],
      containers: [
        { name: 'app', image: 'nginx:1.27-alpine', logging: { driver: 'awslogs', options: { 'awslogs-group': physical(id('HostLogs', 'AWS::Logs::LogGroup')), 'awslogs-region': 'eu-west-1', 'awslogs-stream': 'app' } } },
        { name: 'cache', image: 'memcached:1.6-alpine', logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } } },
      ],
      lastDeploy: { resource: id('HostApplied', 'AWS::CloudFormation::WaitCondition'), status: 'CREATE_COMPLETE', reason: undefined, time: '1970-01-01T00:00:00.000Z' },
    },
    {
      kind: 'swarm',
      name: 'Swarm',
      nodes: [
        { instanceId: 'i-00000000000000000', role: 'manager', resource: id('SwarmManager1ASG', 'AWS::AutoScaling::AutoScalingGroup'), lifecycleState: 'InService' },
        { instanceId: 'i-00000000000000001', role: 'worker', resource: id('SwarmWorkersASG', 'AWS::AutoScaling::AutoScalingGroup'), lifecycleState: 'InService' },
      ],
      containers: [{ name: 'web', image: 'nginx:1.27-alpine', logging: undefined }],
      lastDeploy: { resource: id('SwarmManager1ASG', 'AWS::AutoScaling::AutoScalingGroup'), status: 'CREATE_COMPLETE', reason: undefined, time: '1970-01-01T00:00:00.000Z' },
    },
  ]);
  expect(autoScaling.commandCalls(DescribeAutoScalingGroupsCommand)[0].args[0].input).toEqual({ AutoScalingGroupNames: [physical(id('SwarmManager1ASG', 'AWS::AutoScaling::AutoScalingGroup')), physical(id('SwarmWorkersASG', 'AWS::AutoScaling::AutoScalingGroup'))] });
});
