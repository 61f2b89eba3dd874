import type { Clients } from './clients';
import { CliError } from './errors';
import type { Io } from './io';
import { runOnInstances, shellQuote } from './run-command';
import type { StackNode } from './stack';

/** One JSON line per container of the node, every container, stopped ones too. */
const CONTAINER_FORMAT =
  '{"kind":"container","id":{{json .Id}},"name":{{json .Name}},"image":{{json .Config.Image}},"state":{{json .State.Status}},' +
  '"health":{{if .State.Health}}{{json .State.Health.Status}}{{else}}null{{end}},"restarts":{{.RestartCount}},"created":{{json .Created}},' +
  '"service":{{json (index .Config.Labels "com.docker.swarm.service.name")}},"namespace":{{json (index .Config.Labels "com.docker.stack.namespace")}}}';

/** One JSON line per swarm service, on a manager. */
const SERVICE_FORMAT = '{"kind":"service","name":{{json .Name}},"mode":{{json .Mode}},"replicas":{{json .Replicas}},"image":{{json .Image}}}';

/**
 * The fixed command `status` and `exec` run on each node: `docker inspect`
 * of every container, and on a swarm manager `docker service ls`; it fails
 * with docker's status and error when the engine does not answer. Nothing
 * the user types reaches it.
 */
export const STATUS_SCRIPT = [
  'docker info > /dev/null || exit',
  `docker ps --all --quiet --no-trunc | xargs --no-run-if-empty docker inspect --format ${shellQuote(CONTAINER_FORMAT)}`,
  `if [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = true ]; then docker service ls --format ${shellQuote(SERVICE_FORMAT)}; fi`,
].join('\n');

/** A container on a node, as `docker inspect` shows it. */
export interface NodeContainer {
  readonly id: string;
  /** Without Docker's leading `/`. */
  readonly name: string;
  readonly image: string;
  readonly state: string;
  readonly health: string | null;
  readonly restarts: number;
  readonly created: string;
  /** For a swarm task: its service's name in the swarm, `<stack>_<service>`, and the stack. */
  readonly service: string;
  readonly namespace: string;
}

/** A swarm service as a manager's `docker service ls` shows it. */
export interface NodeService {
  readonly name: string;
  readonly mode: string;
  readonly replicas: string;
  readonly image: string;
}

/** What one node runs. */
export interface NodeStatus {
  readonly instanceId: string;
  readonly containers: readonly NodeContainer[];
  readonly services: readonly NodeService[];
}

/** A node whose Docker engine did not answer the status command: its exit status and error. */
export interface NodeFailure {
  readonly instanceId: string;
  readonly exitCode: number;
  /** docker's error, else what the command printed. */
  readonly error: string;
}

/** What the nodes run, and the nodes whose engine did not answer. */
export interface NodeReading {
  readonly statuses: ReadonlyMap<string, NodeStatus>;
  readonly failures: readonly NodeFailure[];
}

/**
 * Runs the status command on the nodes (those in service) and reads what
 * each runs; a node whose engine does not answer is one of the failures,
 * so one stopped engine leaves the others' answers readable.
 */
export async function readNodes(clients: Clients, io: Io, nodes: readonly StackNode[]): Promise<NodeReading> {
  const instanceIds = nodes.filter((node) => node.lifecycleState === 'InService').map((node) => node.instanceId);
  const statuses = new Map<string, NodeStatus>();
  const failures: NodeFailure[] = [];
  if (instanceIds.length === 0) return { statuses, failures };
  const results = await runOnInstances(clients, io, { instanceIds, script: STATUS_SCRIPT, comment: 'docker-host-dependencies status', timeoutSeconds: 60 });
  for (const result of results) {
    if (result.exitCode === 0) statuses.set(result.instanceId, parseStatus(result.instanceId, result.stdout));
    else failures.push({ instanceId: result.instanceId, exitCode: result.exitCode, error: result.stderr.trim() || result.stdout.trim() });
  }
  return { statuses, failures };
}

/** What a node's failure means and how to look into it, for an error or a warning. */
export function failureMessage(failure: NodeFailure): string {
  return (
    `docker on ${failure.instanceId} failed (exit status ${failure.exitCode}): ${failure.error}\n` +
    'Is the Docker engine running there? `sudo systemctl status docker` in a Session Manager session tells.'
  );
}

/** The containers and services of the status command's output; a line that is not its JSON is an error naming the instance. */
function parseStatus(instanceId: string, stdout: string): NodeStatus {
  const containers: NodeContainer[] = [];
  const services: NodeService[] = [];
  for (const line of stdout.split('\n').filter((each) => each.trim() !== '')) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new CliError(`${instanceId} answered the status command with a line that is not docker's JSON: ${JSON.stringify(line.slice(0, 200))}`);
    }
    if (parsed.kind === 'container') {
      containers.push({
        id: String(parsed.id),
        name: String(parsed.name).replace(/^\//, ''),
        image: String(parsed.image),
        state: String(parsed.state),
        health: typeof parsed.health === 'string' ? parsed.health : null,
        restarts: Number(parsed.restarts),
        created: String(parsed.created),
        service: String(parsed.service ?? ''),
        namespace: String(parsed.namespace ?? ''),
      });
    } else if (parsed.kind === 'service') {
      services.push({ name: String(parsed.name), mode: String(parsed.mode), replicas: String(parsed.replicas), image: String(parsed.image) });
    }
  }
  return { instanceId, containers, services };
}

/** The swarm service of a task container by its compose name: `app_web` in stack `app` is `web`. */
export function composeName(container: NodeContainer): string | undefined {
  if (container.service === '' || container.namespace === '' || !container.service.startsWith(`${container.namespace}_`)) return undefined;
  return container.service.slice(container.namespace.length + 1);
}
