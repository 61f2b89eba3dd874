import type { OverlaidMachine } from './docker/machine';
import { Failure, log } from './scaffold';

/** One value of a put-metric-data call, as the AWS CLI stand-in recorded it. */
export interface MetricDatum {
  readonly MetricName: string;
  readonly Dimensions: ReadonlyArray<{ readonly Name: string; readonly Value: string }>;
  readonly Value: number;
  readonly Unit: string;
}

/**
 * Runs the command of the systemd service `unit` that the machine's cfn-init
 * wrote, as its timer starts it each minute (the run's systemctl is a
 * stand-in, so no timer runs), and returns the metric data of the
 * put-metric-data calls it made, in order. The service must exit 0 and
 * log nothing.
 */
export async function runMetricsService(machine: OverlaidMachine, unit: string): Promise<MetricDatum[][]> {
  const service = machine.writtenFile(`/etc/systemd/system/${unit}.service`)?.content ?? '';
  const command = /^ExecStart=(.+)$/m.exec(service)?.[1];
  if (!command) throw new Failure([`${machine.label}: cfn-init wrote no /etc/systemd/system/${unit}.service with an ExecStart line`]);
  const before = machine.awsCalls().length;
  const result = await machine.runCommand(command);
  if (result.code !== 0 || result.stderr !== '') throw new Failure([`${machine.label}: ${command} exited with ${result.code}: ${result.stderr.trim()}`]);
  return machine
    .awsCalls()
    .slice(before)
    .filter((call) => call.service === 'cloudwatch' && call.action === 'put-metric-data' && (call.options as Record<string, unknown>).namespace === 'DockerNodes')
    .map((call) => call.metricData as MetricDatum[]);
}

/** The value of metric `name` whose dimension `dimension` is `value` in the last put of `puts`; undefined when it sent none. */
export function metricValue(puts: readonly MetricDatum[][], name: string, dimension: string, value: string): number | undefined {
  return puts.at(-1)?.find((datum) => datum.MetricName === name && datum.Dimensions.some((each) => each.Name === dimension && each.Value === value))?.Value;
}

/**
 * The Docker host's publisher, run as its timer runs it, sends
 * ContainerRunning 1 for a running container, and 0 after the container is
 * killed, to the AWS CLI stand-in. Returns the problems and logs one line.
 */
export async function checkHostMetrics(machine: OverlaidMachine, container: string): Promise<string[]> {
  const before = metricValue(await runMetricsService(machine, 'docker-host-metrics'), 'ContainerRunning', 'Container', container);
  await machine.engine.docker(['kill', container]);
  const after = metricValue(await runMetricsService(machine, 'docker-host-metrics'), 'ContainerRunning', 'Container', container);
  log('metrics', `host metrics: ContainerRunning of ${container} ${before} -> ${after} after the kill`);
  return before === 1 && after === 0 ? [] : [`${machine.label}: ContainerRunning of ${container} went ${before} -> ${after} when it was killed, not 1 -> 0`];
}
