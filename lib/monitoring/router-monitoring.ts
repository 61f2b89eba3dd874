import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import { addAlarms, monitoringOf, type AlarmSpec } from './alarms';
import type { MonitoringOptions } from './stack-monitoring';

/** Minutes a target may fail its health check, as while a node is replaced, before the alarm. */
const UNHEALTHY_MINUTES = 3;

/** A target group of the router and what it serves, such as `https` or `the redirect to https`. */
export interface RouterTargetGroup {
  readonly id: string;
  readonly group: elbv2.NetworkTargetGroup;
  readonly port: number;
  readonly serves: string;
}

/** A router's alarms and graphs: each target group's unhealthy targets. */
export function monitorRouter(scope: Construct, path: string, groups: readonly RouterTargetGroup[], options?: MonitoringOptions): void {
  addAlarms(scope, monitoringOf(scope, options), `App router ${path}`, groups.map((group) => unhealthyTargets(path, group)));
}

function unhealthyTargets(path: string, target: RouterTargetGroup): AlarmSpec {
  return {
    id: `${target.id}UnhealthyTargetsAlarm`,
    title: `Unhealthy targets, port ${target.port}`,
    metric: target.group.metrics.unHealthyHostCount({ statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(1) }),
    threshold: 1,
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: UNHEALTHY_MINUTES,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    description:
      `App router ${path}: a node behind the load balancer has failed the TCP health check of port ${target.port} (${target.serves}) for ${UNHEALTHY_MINUTES} minutes. ` +
      'Check that the router container runs on that node and listens on the port (docker ps; docker logs router), and that its security group lets the load balancer in.',
  };
}
