import { FilterLogEventsCommand, type FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import type { Clients } from './clients';
import { awsErrorName, CliError } from './errors';
import { findContainer } from './find-container';
import type { Io } from './io';
import { failureMessage, readNodes } from './node-status';
import { runOnInstances, shellQuote } from './run-command';
import { readStack, type Deployment } from './stack';

/** How often `logs --follow` asks for new events. */
const FOLLOW_MS = 2000;

const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since 10m`: a whole number with s, m, h or d, in milliseconds; an error naming the value otherwise. */
export function parseSince(value: string): number {
  const match = /^([1-9][0-9]*)([smhd])$/.exec(value);
  if (!match) throw new CliError(`--since must be a whole number with s, m, h or d, such as 30s, 10m, 2h or 7d, got "${value}"`, 2);
  return Number(match[1]) * UNITS[match[2]];
}

/**
 * `logs <stack> <container> [--follow] [--since 10m]`: the container's
 * events from CloudWatch Logs, in the log group and stream its logging
 * options in the stack's metadata name; with --follow, new events every
 * two seconds until stopped. A swarm service, which logs on its nodes, is
 * read with `docker service logs` on a manager.
 */
export async function logs(clients: Clients, io: Io, options: { stackName: string; container: string; follow: boolean; sinceMs: number }): Promise<number> {
  const stack = await readStack(clients, options.stackName);
  const { deployment, container } = findContainer(stack, options.container);
  const group = container.logging?.options['awslogs-group'];
  const stream = container.logging?.options['awslogs-stream'];
  if (deployment.kind === 'swarm') return serviceLogs(clients, io, { deployment, service: container.name, follow: options.follow, sinceMs: options.sinceMs });
  if (container.logging?.driver !== 'awslogs' || group === undefined || stream === undefined) {
    throw new CliError(
      `container ${container.name} logs with ${container.logging?.driver ?? "the engine's default"}, on its host, not to CloudWatch Logs: read it on the host with \`docker logs ${container.name}\` in a Session Manager session`,
    );
  }
  let startTime = io.now() - options.sinceMs;
  const seen = new Set<string>();
  for (;;) {
    const latest = await printEvents(clients, io, { group, stream, startTime, seen });
    if (!options.follow || io.signal.aborted) return 0;
    // Events of the newest millisecond may still arrive: ask from it again, and skip those already printed.
    if (latest !== undefined) startTime = latest;
    await io.sleep(FOLLOW_MS);
    if (io.signal.aborted) return 0;
  }
}

/** Prints every event of the stream from `startTime` on, page by page; resolves the newest event's time. */
async function printEvents(clients: Clients, io: Io, query: { group: string; stream: string; startTime: number; seen: Set<string> }): Promise<number | undefined> {
  let nextToken: string | undefined;
  let latest: number | undefined;
  do {
    let page: FilterLogEventsCommandOutput;
    try {
      page = await clients.logs.send(
        new FilterLogEventsCommand({ logGroupName: query.group, logStreamNames: [query.stream], startTime: query.startTime, nextToken }),
      );
    } catch (error) {
      if (awsErrorName(error) === 'ResourceNotFoundException') {
        throw new CliError(
          `log group ${query.group} or its stream ${query.stream} does not exist in ${clients.region} yet: Docker creates the stream when the container first starts; \`status\` shows whether it has`,
        );
      }
      throw error;
    }
    for (const event of page.events ?? []) {
      const key = event.eventId ?? `${event.timestamp}:${event.message}`;
      if (query.seen.has(key)) continue;
      query.seen.add(key);
      io.out(`${new Date(event.timestamp ?? 0).toISOString()} ${(event.message ?? '').replace(/\n$/, '')}\n`);
      latest = Math.max(latest ?? 0, event.timestamp ?? 0);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return latest;
}

/**
 * A swarm service's logs, which stay on its nodes (a service cannot log
 * with awslogs): `docker service logs` through Run Command on a manager,
 * which gathers them from every node. Its name in the swarm,
 * `<stack>_<service>`, comes from the manager's `docker service ls`.
 */
async function serviceLogs(clients: Clients, io: Io, options: { deployment: Deployment; service: string; follow: boolean; sinceMs: number }): Promise<number> {
  if (options.follow) {
    throw new CliError(`--follow reads CloudWatch Logs, and swarm service ${options.service} logs on its nodes: leave out --follow to read its logs through a manager`, 2);
  }
  const manager = options.deployment.nodes.find((node) => node.role === 'manager' && node.lifecycleState === 'InService');
  if (!manager) throw new CliError(`swarm ${options.deployment.name} has no manager in service to read service ${options.service}'s logs from: \`status\` shows its nodes`);
  const { statuses, failures } = await readNodes(clients, io, [manager]);
  if (failures.length > 0) throw new CliError(failureMessage(failures[0]));
  const [status] = [...statuses.values()];
  const name = status.services.map((service) => service.name).find((candidate) => candidate.endsWith(`_${options.service}`));
  if (name === undefined || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new CliError(`the swarm runs no service ${options.service} yet (its managers list ${status.services.map((service) => service.name).join(', ') || 'none'}): \`status\` shows the last deploy`);
  }
  const script = `docker service logs --timestamps --no-trunc --since ${Math.round(options.sinceMs / 1000)}s ${shellQuote(name)}`;
  const [result] = await runOnInstances(clients, io, { instanceIds: [manager.instanceId], script, comment: 'docker-host-dependencies logs', timeoutSeconds: 120 });
  io.out(result.stdout);
  io.err(result.stderr);
  return result.exitCode;
}
