import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct, IDependable } from 'constructs';
import { swarmServiceName } from '../swarm/compose';
import { addAlarms, monitoringOf, type AlarmSpec } from './alarms';
import { DOCKER_NODES_NAMESPACE } from './docker-nodes-metrics';
import type { MonitoringOptions } from './stack-monitoring';

/** Minutes a service may run fewer tasks than it wants, as during a rolling update, before its alarm. */
const TASKS_MINUTES = 5;
/** Minutes a node may be down, as while one replaces another, before the alarm. */
const NODES_MINUTES = 3;

/** What a swarm's monitoring watches. */
export interface SwarmMonitoringTarget {
  /** The `docker stack deploy` stack name. */
  readonly stackNamespace: string;
  /** The services' names in the compose file. */
  readonly serviceNames: readonly string[];
  /** The swarm's path, for the alarm descriptions. */
  readonly path: string;
  /** The node groups, whose metrics exist once they have started. */
  readonly groups: readonly IDependable[];
}

/** A swarm's alarms and graphs: nodes not Ready, and each service's running tasks below desired. */
export function monitorSwarm(scope: Construct, target: SwarmMonitoringTarget, options?: MonitoringOptions): void {
  const monitoring = monitoringOf(scope, options);
  addAlarms(scope, monitoring, `Docker swarm ${target.path}`, [nodesDown(target), ...target.serviceNames.map((name) => tasksBelowDesired(target, name))], target.groups);
}

function nodesDown(target: SwarmMonitoringTarget): AlarmSpec {
  return {
    id: 'NodesDownAlarm',
    title: 'Nodes not Ready',
    metric: new cloudwatch.Metric({
      namespace: DOCKER_NODES_NAMESPACE,
      metricName: 'NodesDown',
      dimensionsMap: { Stack: Aws.STACK_NAME, Swarm: target.stackNamespace },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
    }),
    threshold: 1,
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: NODES_MINUTES,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    description:
      `Docker swarm ${target.path}: a node has not been Ready for ${NODES_MINUTES} minutes, or no manager reports (the swarm has no leader). ` +
      'On a manager, docker node ls shows which; Auto Scaling replaces an instance that fails its EC2 health check, a node that left the swarm needs docker node rm.',
  };
}

function tasksBelowDesired(target: SwarmMonitoringTarget, serviceName: string): AlarmSpec {
  const service = swarmServiceName(target.stackNamespace, serviceName);
  const metric = (metricName: string, statistic: string) =>
    new cloudwatch.Metric({
      namespace: DOCKER_NODES_NAMESPACE,
      metricName,
      dimensionsMap: { Stack: Aws.STACK_NAME, Service: service },
      statistic,
      period: Duration.minutes(1),
    });
  return {
    id: `Service${serviceName.replace(/[^A-Za-z0-9]/g, '')}TasksAlarm`,
    title: `${service}: tasks missing`,
    metric: new cloudwatch.MathExpression({
      expression: 'desired - running',
      usingMetrics: { desired: metric('DesiredTasks', cloudwatch.Stats.MAXIMUM), running: metric('RunningTasks', cloudwatch.Stats.MINIMUM) },
      label: `${service} tasks missing`,
      period: Duration.minutes(1),
    }),
    threshold: 1,
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: TASKS_MINUTES,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    description:
      `Docker swarm ${target.path}: service ${service} has run fewer tasks than it wants for ${TASKS_MINUTES} minutes. ` +
      `On a manager, docker service ps ${service} --no-trunc says why (no node fits its constraints or memory, the image does not pull, the task exits).`,
  };
}
