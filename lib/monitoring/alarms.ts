import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct, type IDependable } from 'constructs';
import { StackMonitoring, type MonitoringOptions } from './stack-monitoring';

/** One alarm of a construct, and its graph on the dashboard. */
export interface AlarmSpec {
  /** The alarm's id under the construct's `Monitoring` scope. */
  readonly id: string;
  /** The graph's title on the dashboard. */
  readonly title: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparison: cloudwatch.ComparisonOperator;
  /** Periods that must all breach, one after the other. */
  readonly evaluationPeriods: number;
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** What broke and what to do, in one or two sentences. */
  readonly description: string;
  /** Actions the alarm takes before notifying the topic, such as EC2's recover. */
  readonly actions?: readonly cloudwatch.IAlarmAction[];
}

/** What a construct's monitoring comes to, its props and the stack's defaults together. */
export interface Monitoring {
  readonly alarms: boolean;
  readonly dashboard: boolean;
  readonly stack: StackMonitoring;
  readonly alarmTopic?: MonitoringOptions['alarmTopic'];
}

/** The construct's `monitoring` props over the stack's defaults. */
export function monitoringOf(scope: Construct, options: MonitoringOptions = {}): Monitoring {
  const stack = StackMonitoring.of(scope);
  return { alarms: options.alarms ?? stack.alarms, dashboard: options.dashboard ?? stack.dashboards, stack, alarmTopic: options.alarmTopic };
}

/**
 * The construct's alarms, under a scope `Monitoring` of its own, each
 * notifying the topic when it goes into ALARM and back to OK and created
 * after `after` (the resources whose metrics it watches, once they report),
 * and a section of the stack's dashboard with each alarm's metric and
 * threshold.
 */
export function addAlarms(scope: Construct, monitoring: Monitoring, section: string, specs: readonly AlarmSpec[], after: readonly IDependable[] = []): cloudwatch.Alarm[] {
  if (monitoring.dashboard && specs.length > 0) monitoring.stack.addSection(section, specs.map(graph));
  if (!monitoring.alarms || specs.length === 0) return [];
  const parent = (scope.node.tryFindChild('Monitoring') as Construct | undefined) ?? new Construct(scope, 'Monitoring');
  const notify = new actions.SnsAction(monitoring.alarmTopic ?? monitoring.stack.alarmTopic);
  return specs.map((spec) => {
    const alarm = new cloudwatch.Alarm(parent, spec.id, {
      metric: spec.metric,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.evaluationPeriods,
      treatMissingData: spec.treatMissingData,
      alarmDescription: spec.description,
    });
    alarm.addAlarmAction(...(spec.actions ?? []), notify);
    alarm.addOkAction(notify);
    for (const dependency of after) alarm.node.addDependency(dependency);
    return alarm;
  });
}

/** An alarm's metric as a graph with its threshold. */
function graph(spec: AlarmSpec): cloudwatch.IWidget {
  return new cloudwatch.GraphWidget({
    title: spec.title,
    left: [spec.metric],
    leftAnnotations: [{ value: spec.threshold, label: `alarm ${COMPARISON_SIGNS[spec.comparison]} ${spec.threshold}` }],
    width: 6,
    height: 6,
  });
}

const COMPARISON_SIGNS: Record<string, string> = {
  [cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD]: '>=',
  [cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD]: '>',
  [cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD]: '<',
  [cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD]: '<=',
};
