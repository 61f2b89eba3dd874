import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { addAlarms, monitoringOf, type AlarmSpec } from './alarms';
import type { MonitoringOptions } from './stack-monitoring';

/** A lookup function's alarms and graphs: its errors and its throttles. */
export function monitorLookup(scope: Construct, resourceType: string, fn: lambda.Function, options?: MonitoringOptions): void {
  const every5Minutes = { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) };
  const alarm = (id: string, title: string, metric: cloudwatch.IMetric, description: string): AlarmSpec => ({
    id,
    title,
    metric,
    threshold: 1,
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    description,
  });
  addAlarms(scope, monitoringOf(scope, options), `${resourceType} lookups`, [
    alarm(
      'ErrorsAlarm',
      `${resourceType}: errors`,
      fn.metricErrors(every5Minutes),
      `The ${resourceType} function failed or timed out on an event, which it did not answer: the stack waits for the resource until its timeout. ` +
        'Its log group holds the event\'s error and stack trace; a lookup that finds nothing answers FAILED and does not count.',
    ),
    alarm(
      'ThrottlesAlarm',
      `${resourceType}: throttles`,
      fn.metricThrottles(every5Minutes),
      `The ${resourceType} function was throttled: more lookups ran at once than its reserved concurrency allows, and they wait in Lambda\'s queue. ` +
        'Raise reservedConcurrentExecutions (or the context value lookupConcurrency) if deploys wait for lookups.',
    ),
  ]);
}
