import { FilterLogEventsCommand, type FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import type { Clients } from './clients';
import { awsErrorName, CliError } from './errors';
import { findContainer } from './find-container';
import type { Io } from './io';
import { readStack } from './stack';

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
 * two seconds until stopped.
 */
export async function logs(clients: Clients, io: Io, options: { stackName: string; container: string; follow: boolean; sinceMs: number }): Promise<number> {
  const stack = await readStack(clients, options.stackName);
  const { deployment, container } = findContainer(stack, options.container);
  const group = container.logging?.options['awslogs-group'];
  const stream = container.logging?.options['awslogs-stream'];
  if (container.logging?.driver !== 'awslogs' || group === undefined || stream === undefined) {
    const driver = container.logging?.driver ?? "the engine's default (json-file)";
    const where =
      deployment.kind === 'swarm'
        ? `read it on a manager with \`docker service logs <stack>_${container.name}\`, or run \`exec ${options.stackName} ${container.name} -- …\``
        : `read it on the host with \`docker logs ${container.name}\` in a Session Manager session`;
    throw new CliError(`${deployment.kind === 'swarm' ? 'service' : 'container'} ${container.name} logs with ${driver}, on its node, not to CloudWatch Logs: ${where}`);
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
