import * as iam from 'aws-cdk-lib/aws-iam';
import { initFile, type InitFile } from './cfn-hup';

/** The CloudWatch namespace of the metrics the nodes publish. */
export const METRICS_NAMESPACE = 'DockerNodes';

/**
 * Where cfn-init writes the metric rules, lib/nodes/node_metrics.py, on a
 * Docker host and on a swarm's managers: both publishers import them from
 * this folder (`NODE_LIBRARY` in each).
 */
export const METRICS_MODULE = '/usr/local/lib/docker-nodes/node_metrics.py';

/** A node's metric publisher and the systemd timer that runs it. */
export interface MetricsTimerOptions {
  /** The name of the systemd service and timer, such as `docker-host-metrics`. */
  readonly unit: string;
  /** Where cfn-init writes the publisher. */
  readonly program: string;
  /** The publisher's text. */
  readonly source: string;
  /** The text of the metric rules the publisher imports. */
  readonly module: string;
  /** What the service publishes, for its `Description`. */
  readonly description: string;
}

/**
 * The files of a node's `AWS::CloudFormation::Init` metadata that make the
 * node publish its metrics every minute: the publisher, the metric rules it
 * imports, a oneshot systemd service that runs it and a timer that starts
 * the service at second 30 of every minute (a sample lands in the middle of
 * its minute), by path.
 */
export function metricsTimerFiles(options: MetricsTimerOptions): Record<string, InitFile> {
  return {
    [options.program]: initFile(options.source, '000700'),
    [METRICS_MODULE]: initFile(options.module),
    [`/etc/systemd/system/${options.unit}.service`]: initFile(
      `[Unit]\nDescription=${options.description}\nAfter=docker.service\n\n[Service]\nType=oneshot\nExecStart=${options.program}\n`,
      '000644',
    ),
    [`/etc/systemd/system/${options.unit}.timer`]: initFile(
      `[Unit]\nDescription=Runs ${options.unit} every minute\n\n[Timer]\nOnCalendar=*-*-* *:*:30\nAccuracySec=1s\n\n[Install]\nWantedBy=timers.target\n`,
      '000644',
    ),
  };
}

/**
 * The metadata's `services` entry that has cfn-init enable and start the
 * publisher's timer, at boot and after each update, reloading systemd and
 * restarting the timer when its unit files change.
 */
export function metricsTimerService(options: MetricsTimerOptions): Record<string, unknown> {
  return {
    systemd: {
      [`${options.unit}.timer`]: {
        enabled: 'true',
        ensureRunning: 'true',
        files: [`/etc/systemd/system/${options.unit}.service`, `/etc/systemd/system/${options.unit}.timer`],
      },
    },
  };
}

/**
 * What a publishing node's role needs: `cloudwatch:PutMetricData`, which
 * names no resource, held to the nodes' own namespace by its condition key.
 */
export function metricsStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['cloudwatch:PutMetricData'],
    resources: ['*'],
    conditions: { StringEquals: { 'cloudwatch:namespace': METRICS_NAMESPACE } },
  });
}
