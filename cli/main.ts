import { parseArgs } from 'node:util';
import { createClients, type Clients } from './clients';
import { CliError, explainAwsError, UsageError } from './errors';
import { exec } from './exec';
import type { Io } from './io';
import { logs, parseSince } from './logs';
import { status } from './status';

/** The program's name, as `npx` runs it. */
const PROGRAM = 'docker-host-dependencies';

const COMMON_OPTIONS = `Options of every command:
  --region REGION    the stack's region (default: AWS_REGION, or the profile's region)
  --profile NAME     a profile of ~/.aws/config (default: AWS_PROFILE, or the default credentials chain)
  -h, --help         print this help
`;

const USAGES: Readonly<Record<string, string>> = {
  status: `Usage: ${PROGRAM} status <stack> [--json]

Shows each Docker host and swarm node of the stack, each container or service
with its state, health, restarts and image (read on the nodes with docker
through Run Command), and the result of the last deploy.

  --json             print the same as JSON
`,
  logs: `Usage: ${PROGRAM} logs <stack> <container> [--follow] [--since 10m]

Prints the container's logs from CloudWatch Logs, from the log group and
stream its logging options name; a swarm service's, with docker service logs
on a manager (without --follow).

  -f, --follow       keep printing new events until Ctrl-C
  --since DURATION   from how long ago: a number with s, m, h or d (default: 10m)
`,
  exec: `Usage: ${PROGRAM} exec <stack> <container> -- <command> [argument...]

Runs the command in the container with docker exec, through Run Command on the
node that runs it; prints its output and exits with its exit status. Without a
command, prints the Session Manager command that opens a shell there.
`,
};

const USAGE = `Usage: ${PROGRAM} <command> [options]

The everyday commands for the Docker hosts and swarms of a stack:
  status <stack> [--json]                         containers, their state and health, the last deploy
  logs <stack> <container> [--follow] [--since]   a container's or service's logs
  exec <stack> <container> -- <command...>        run a command in a container

Run \`${PROGRAM} <command> --help\` for a command's options.

${COMMON_OPTIONS}`;

const OPTIONS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  follow: { type: 'boolean', short: 'f' },
  since: { type: 'string' },
} as const;

/** Which options each command takes besides --region, --profile and --help. */
const COMMAND_OPTIONS: Readonly<Record<string, readonly string[]>> = { status: ['json'], logs: ['follow', 'since'], exec: [] };
const POSITIONALS: Readonly<Record<string, readonly string[]>> = { status: ['stack'], logs: ['stack', 'container'], exec: ['stack', 'container'] };

/** What a command line asks for: a command with its arguments, or help. */
interface Parsed {
  readonly command?: string;
  readonly help: boolean;
  readonly positionals: readonly string[];
  /** For exec: the words after `--`. */
  readonly rest: readonly string[];
  readonly values: { region?: string; profile?: string; json?: boolean; follow?: boolean; since?: string };
}

/**
 * Runs the command line `argv` (without `node` and the program) and
 * resolves the exit status: 0 done, 1 failed (with what to do on stderr),
 * 2 a bad command line (with the usage), or the status of exec's command.
 */
export async function main(argv: readonly string[], io: Io, clientsFor: (region: string | undefined, profile: string | undefined) => Promise<Clients> = createClients): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    const command = argv.find((word) => Object.hasOwn(USAGES, word));
    io.err(`${PROGRAM}: ${(error as Error).message}\n\n${command ? commandUsage(command) : USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.out(parsed.command ? commandUsage(parsed.command) : USAGE);
    return 0;
  }
  let region: string | undefined = parsed.values.region;
  try {
    const clients = await clientsFor(parsed.values.region, parsed.values.profile);
    region = clients.region;
    const [stackName, container] = parsed.positionals;
    switch (parsed.command) {
      case 'status':
        return await status(clients, io, stackName, parsed.values.json ?? false);
      case 'logs':
        return await logs(clients, io, { stackName, container, follow: parsed.values.follow ?? false, sinceMs: parseSince(parsed.values.since ?? '10m') });
      default:
        return await exec(clients, io, { stackName, container, command: parsed.rest });
    }
  } catch (caught) {
    const error = explainAwsError(caught, region ?? 'the region');
    if (error instanceof CliError) {
      io.err(`${PROGRAM}: ${error.message}\n${error.exitCode === 2 && parsed.command ? `\n${commandUsage(parsed.command)}` : ''}`);
      return error.exitCode;
    }
    const name = error instanceof Error ? error.name : 'Error';
    io.err(`${PROGRAM}: ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]): Parsed {
  const dashes = argv.indexOf('--');
  const words = dashes === -1 ? [...argv] : argv.slice(0, dashes);
  const rest = dashes === -1 ? [] : argv.slice(dashes + 1);
  const { values, positionals } = parseArgs({ args: words, options: OPTIONS, allowPositionals: true, strict: true });
  const [command, ...args] = positionals;
  if (command === undefined) {
    if (values.help) return { help: true, positionals: [], rest: [], values };
    throw new UsageError('a command is missing');
  }
  if (!Object.hasOwn(USAGES, command)) throw new UsageError(`unknown command "${command}"; the commands are status, logs, exec`);
  if (values.help) return { command, help: true, positionals: [], rest: [], values };
  for (const option of ['json', 'follow', 'since'] as const) {
    if (values[option] !== undefined && !COMMAND_OPTIONS[command].includes(option)) throw new UsageError(`${command} takes no --${option}`);
  }
  const expected = POSITIONALS[command];
  if (args.length < expected.length) throw new UsageError(`${command} needs ${expected.map((name) => `<${name}>`).join(' ')}; ${expected[args.length]} is missing`);
  if (args.length > expected.length) {
    throw new UsageError(`${command} takes ${expected.map((name) => `<${name}>`).join(' ')}, got also "${args[expected.length]}"${command === 'exec' ? '; put the command after --' : ''}`);
  }
  if (command !== 'exec' && dashes !== -1) throw new UsageError(`${command} takes no words after --`);
  if (command === 'exec' && dashes !== -1 && rest.length === 0) throw new UsageError('exec needs a command after --; leave out -- for the Session Manager command of an interactive shell');
  return { command, help: false, positionals: args, rest, values };
}

function commandUsage(command: string): string {
  return `${USAGES[command]}\n${COMMON_OPTIONS}`;
}
