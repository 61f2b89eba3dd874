import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { RestartPolicy, type ContainerDefinition } from '../containers';
import { initFile } from '../nodes';
import { addAlarms, monitoringOf, type AlarmSpec } from './alarms';
import { DOCKER_NODES_NAMESPACE } from './docker-nodes-metrics';
import type { MonitoringOptions } from './stack-monitoring';

/** The CloudWatch agent's namespace, the only one the host's role may put metrics into for it. */
export const AGENT_NAMESPACE = 'CWAgent';
/** Where cfn-init writes the agent's configuration. */
export const AGENT_CONFIG = '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json';
/** The command that loads the configuration and (re)starts the agent. */
export const AGENT_START = `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${AGENT_CONFIG}`;

/** Restarts of a container in five minutes that the restart alarm allows. */
const RESTARTS = 3;
/** Percent of CPU, memory or root volume use above which the host is short of it. */
const CPU_PERCENT = 90;
const MEMORY_PERCENT = 90;
const DISK_PERCENT = 85;

/** What a Docker host's monitoring watches. */
export interface HostMonitoringTarget {
  readonly instance: ec2.Instance;
  readonly containers: readonly ContainerDefinition[];
  /** The host's path, for the alarm descriptions. */
  readonly path: string;
}

/**
 * The CloudWatch agent's configuration: the memory and the root volume's use
 * every minute, aggregated by instance so each metric's one dimension is
 * `InstanceId`, known at synth time.
 */
export function agentConfig(): Record<string, unknown> {
  return {
    agent: { metrics_collection_interval: 60 },
    metrics: {
      namespace: AGENT_NAMESPACE,
      append_dimensions: { InstanceId: '${aws:InstanceId}' },
      aggregation_dimensions: [['InstanceId']],
      metrics_collected: {
        mem: { measurement: ['mem_used_percent'] },
        disk: { measurement: ['used_percent'], resources: ['/'], drop_device: true },
      },
    },
  };
}

/**
 * Installs the CloudWatch agent through the instance's own cfn-init
 * metadata (its package, its configuration, its start), and lets the
 * instance put metrics into the agent's namespace only.
 */
function installAgent(instance: ec2.Instance): void {
  const cfnInstance = instance.instance;
  const init = cfnInstance.getMetadata('AWS::CloudFormation::Init') as { config: Record<string, Record<string, unknown> | undefined> };
  const config = init.config;
  cfnInstance.addMetadata('AWS::CloudFormation::Init', {
    ...init,
    config: {
      ...config,
      packages: { ...config.packages, yum: { ...(config.packages?.yum as object | undefined), 'amazon-cloudwatch-agent': [] } },
      files: { ...config.files, [AGENT_CONFIG]: initFile(agentConfig(), '000644') },
      commands: { ...config.commands, 'cloudwatch-agent': { command: AGENT_START } },
    },
  });
  instance.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': AGENT_NAMESPACE } },
    }),
  );
}

/**
 * A Docker host's alarms and graphs: EC2's status checks (the system check
 * recovers the instance), CPU, memory and root volume, and each container's
 * `ContainerRunning` and `ContainerRestarts`.
 */
export function monitorHost(scope: Construct, target: HostMonitoringTarget, options?: MonitoringOptions): void {
  const monitoring = monitoringOf(scope, options);
  if (!monitoring.alarms && !monitoring.dashboard) return;
  installAgent(target.instance);
  addAlarms(scope, monitoring, `Docker host ${target.path}`, [...hostAlarms(target), ...target.containers.flatMap((container) => containerAlarms(target, container))], [target.instance]);
}

function hostAlarms(target: HostMonitoringTarget): AlarmSpec[] {
  const instanceId = target.instance.instanceId;
  const ec2Metric = (metricName: string, statistic: string, period: Duration) =>
    new cloudwatch.Metric({ namespace: 'AWS/EC2', metricName, dimensionsMap: { InstanceId: instanceId }, statistic, period });
  const agentMetric = (metricName: string) =>
    new cloudwatch.Metric({ namespace: AGENT_NAMESPACE, metricName, dimensionsMap: { InstanceId: instanceId }, statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) });
  const host = `Docker host ${target.path}`;
  return [
    {
      id: 'SystemStatusCheckAlarm',
      title: 'System status check failed',
      metric: ec2Metric('StatusCheckFailed_System', cloudwatch.Stats.MAXIMUM, Duration.minutes(1)),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      description:
        `${host}: the AWS hardware or network under the instance failed its system status check. ` +
        'EC2 recovers the instance onto other hardware with the same id, volume and private address; if the alarm stays on, stop and start the instance.',
      actions: [new actions.Ec2Action(actions.Ec2InstanceAction.RECOVER)],
    },
    {
      id: 'InstanceStatusCheckAlarm',
      title: 'Instance status check failed',
      metric: ec2Metric('StatusCheckFailed_Instance', cloudwatch.Stats.MAXIMUM, Duration.minutes(1)),
      threshold: 1,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      description:
        `${host}: the instance's operating system does not answer EC2's status check (out of memory, kernel, network configuration). ` +
        'Read its console output (ec2 get-console-output), then reboot it.',
    },
    {
      id: 'CpuAlarm',
      title: 'CPU use (%)',
      metric: ec2Metric('CPUUtilization', cloudwatch.Stats.AVERAGE, Duration.minutes(5)),
      threshold: CPU_PERCENT,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      description:
        `${host}: CPU use has been above ${CPU_PERCENT} % for 15 minutes, so its containers answer slowly. ` +
        'Find the busy container (docker stats), then give it cpus or the host a larger instanceType.',
    },
    {
      id: 'MemoryAlarm',
      title: 'Memory use (%)',
      metric: agentMetric('mem_used_percent'),
      threshold: MEMORY_PERCENT,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      description:
        `${host}: memory use has been above ${MEMORY_PERCENT} % for 10 minutes; the kernel will soon kill containers. ` +
        'Lower the containers\' memoryMiB or give the host a larger instanceType.',
    },
    {
      id: 'DiskAlarm',
      title: 'Root volume use (%)',
      metric: agentMetric('disk_used_percent'),
      threshold: DISK_PERCENT,
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
      description:
        `${host}: the root volume is more than ${DISK_PERCENT} % full; Docker stops when it fills. ` +
        'Remove unused images (docker image prune -a) or raise volumeSize.',
    },
  ];
}

/**
 * A container's alarms: not running (only for a container that is meant to
 * keep running: restart `always` or `unless-stopped`) and restarting
 * repeatedly.
 */
function containerAlarms(target: HostMonitoringTarget, container: ContainerDefinition): AlarmSpec[] {
  const id = container.name.replace(/[^A-Za-z0-9]/g, '');
  const dimensionsMap = {
    Stack: Aws.STACK_NAME,
    Host: target.instance.instance.logicalId,
    Container: container.name,
  };
  const metric = (metricName: string, statistic: string, period: Duration) =>
    new cloudwatch.Metric({ namespace: DOCKER_NODES_NAMESPACE, metricName, dimensionsMap, statistic, period });
  const restart = container.restart ?? RestartPolicy.ALWAYS;
  const where = `Container ${container.name} on Docker host ${target.path}`;
  const running: AlarmSpec = {
    id: `Container${id}NotRunningAlarm`,
    title: `${container.name}: running`,
    metric: metric('ContainerRunning', cloudwatch.Stats.MINIMUM, Duration.minutes(1)),
    threshold: 1,
    comparison: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 3,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    description:
      `${where} has not been running for 3 minutes, or the host stopped reporting. ` +
      `Read its last logs and exit code (docker logs ${container.name}; docker inspect ${container.name}) and fix its image, command or environment.`,
  };
  const restarts: AlarmSpec = {
    id: `Container${id}RestartsAlarm`,
    title: `${container.name}: restarts`,
    metric: metric('ContainerRestarts', cloudwatch.Stats.SUM, Duration.minutes(5)),
    threshold: RESTARTS,
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    description:
      `${where} restarted ${RESTARTS} or more times in 5 minutes: it keeps crashing. ` +
      `Read why in its logs (docker logs ${container.name}), such as a missing variable, an unreachable dependency or too little memoryMiB.`,
  };
  return restart === RestartPolicy.ALWAYS || restart === RestartPolicy.UNLESS_STOPPED ? [running, restarts] : [restarts];
}
