import type { Clients } from './clients';
import type { Io } from './io';
import { composeName, failureMessage, readNodes, type NodeContainer, type NodeFailure, type NodeStatus } from './node-status';
import { readStack, type Deployment, type LastDeploy } from './stack';

/** A container of a host, or a service's task on a swarm node, as `status` shows it. */
export interface ContainerRow {
  /** The host's or swarm's name in the stack, `Host`, `Swarm`. */
  readonly node: string;
  /** `host`, `manager` or `worker`. */
  readonly role: string;
  readonly instanceId: string;
  /** The container's name, or the swarm service's name in the compose file. */
  readonly container: string;
  /** Docker's state (`running`, `exited`, `restarting`, ...), `missing` when the node has no such container, `no task` when no node runs the service. */
  readonly state: string;
  readonly health: string;
  /** A host container's restarts; for a swarm service the tasks the node replaced. */
  readonly restarts: number;
  readonly image: string;
}

/** A swarm service as its managers count its tasks. */
export interface ServiceRow {
  readonly swarm: string;
  readonly service: string;
  readonly mode: string;
  readonly replicas: string;
}

/** A node Auto Scaling has not put in service, which runs no command. */
export interface PendingNode {
  readonly node: string;
  readonly role: string;
  readonly instanceId: string;
  readonly lifecycleState: string;
}

/** A node in service whose Docker engine did not answer: what it runs is unknown. */
export interface UnreadableNode {
  readonly node: string;
  readonly role: string;
  readonly instanceId: string;
  readonly exitCode: number;
  readonly error: string;
}

/** What `status` prints, as a table or with --json. */
export interface StackStatus {
  readonly stack: string;
  readonly containers: readonly ContainerRow[];
  readonly services: readonly ServiceRow[];
  readonly pendingNodes: readonly PendingNode[];
  readonly unreadableNodes: readonly UnreadableNode[];
  readonly lastDeploys: ReadonlyArray<LastDeploy & { readonly node: string }>;
}

/**
 * `status <stack> [--json]`. A node whose engine does not answer is shown
 * as such, with the others' containers, its error goes to stderr, and the
 * exit status is 1.
 */
export async function status(clients: Clients, io: Io, stackName: string, json: boolean): Promise<number> {
  const stack = await readStack(clients, stackName);
  const { statuses, failures } = await readNodes(clients, io, stack.deployments.flatMap((deployment) => deployment.nodes));
  const result = stackStatus(stackName, stack.deployments, statuses, failures);
  io.out(json ? `${JSON.stringify(result, null, 2)}\n` : renderStatus(result));
  for (const failure of failures) io.err(`docker-host-dependencies: ${failureMessage(failure)}\n`);
  return failures.length === 0 ? 0 : 1;
}

/** The status of each deployment's containers from what its nodes run. */
function stackStatus(stackName: string, deployments: readonly Deployment[], nodes: ReadonlyMap<string, NodeStatus>, failures: readonly NodeFailure[]): StackStatus {
  const containers: ContainerRow[] = [];
  const services: ServiceRow[] = [];
  const pendingNodes: PendingNode[] = [];
  const unreadableNodes: UnreadableNode[] = [];
  for (const deployment of deployments) {
    for (const node of deployment.nodes.filter((each) => !nodes.has(each.instanceId))) {
      const failure = failures.find((each) => each.instanceId === node.instanceId);
      if (failure) unreadableNodes.push({ node: deployment.name, role: node.role, instanceId: node.instanceId, exitCode: failure.exitCode, error: failure.error });
      else pendingNodes.push({ node: deployment.name, role: node.role, instanceId: node.instanceId, lifecycleState: node.lifecycleState });
    }
    if (deployment.kind === 'host') {
      for (const node of deployment.nodes.filter((each) => nodes.has(each.instanceId))) {
        const running = nodes.get(node.instanceId)!.containers;
        for (const declared of deployment.containers) {
          const found = running.find((container) => container.name === declared.name && container.service === '');
          containers.push(row(deployment.name, node.role, node.instanceId, declared.name, found ? [found] : [], declared.image, found?.restarts ?? 0));
        }
      }
      continue;
    }
    const managerAnswered = deployment.nodes.some((node) => node.role === 'manager' && nodes.has(node.instanceId));
    for (const declared of deployment.containers) {
      let shown = false;
      for (const node of deployment.nodes.filter((each) => nodes.has(each.instanceId))) {
        const tasks = nodes.get(node.instanceId)!.containers.filter((container) => composeName(container) === declared.name);
        if (tasks.length === 0) continue;
        shown = true;
        containers.push(row(deployment.name, node.role, node.instanceId, declared.name, tasks, declared.image, tasks.length - 1));
      }
      if (!shown) containers.push({ node: deployment.name, role: 'swarm', instanceId: '-', container: declared.name, state: 'no task', health: '-', restarts: 0, image: declared.image });
      const listed = deployment.nodes.flatMap((node) => nodes.get(node.instanceId)?.services ?? []).find((service) => service.name.endsWith(`_${declared.name}`));
      services.push({ swarm: deployment.name, service: declared.name, mode: listed?.mode ?? '-', replicas: listed?.replicas ?? (managerAnswered ? 'not deployed' : 'unknown: no manager answered') });
    }
  }
  const lastDeploys = deployments.flatMap((deployment) => (deployment.lastDeploy ? [{ node: deployment.name, ...deployment.lastDeploy }] : []));
  return { stack: stackName, containers, services, pendingNodes, unreadableNodes, lastDeploys };
}

/** The row of a container, or of the newest of a service's tasks on a node. */
function row(node: string, role: string, instanceId: string, name: string, found: readonly NodeContainer[], declaredImage: string, restarts: number): ContainerRow {
  const newest = [...found].sort((a, b) => rank(b) - rank(a) || b.created.localeCompare(a.created))[0];
  if (!newest) return { node, role, instanceId, container: name, state: 'missing', health: '-', restarts: 0, image: declaredImage };
  return { node, role, instanceId, container: name, state: newest.state, health: newest.health ?? '-', restarts, image: newest.image };
}

/** A running task before a stopped one. */
function rank(container: NodeContainer): number {
  return container.state === 'running' ? 1 : 0;
}

/** The status as tables: containers, swarm services, nodes not in service, nodes whose engine did not answer, last deploys. */
function renderStatus(result: StackStatus): string {
  const parts = [
    table(
      ['NODE', 'INSTANCE', 'CONTAINER', 'STATE', 'HEALTH', 'RESTARTS', 'IMAGE'],
      result.containers.map((each) => [`${each.node} (${each.role})`, each.instanceId, each.container, each.state, each.health, String(each.restarts), each.image]),
    ),
  ];
  if (result.services.length > 0) {
    parts.push(table(['SWARM', 'SERVICE', 'MODE', 'REPLICAS'], result.services.map((each) => [each.swarm, each.service, each.mode, each.replicas])));
  }
  if (result.pendingNodes.length > 0) {
    parts.push(table(['NODE', 'INSTANCE', 'LIFECYCLE'], result.pendingNodes.map((each) => [`${each.node} (${each.role})`, each.instanceId, each.lifecycleState])));
  }
  if (result.unreadableNodes.length > 0) {
    parts.push(
      table(
        ['NODE', 'INSTANCE', 'DOCKER DID NOT ANSWER'],
        result.unreadableNodes.map((each) => [`${each.node} (${each.role})`, each.instanceId, `exit status ${each.exitCode}: ${each.error.split('\n')[0]}`]),
      ),
    );
  }
  if (result.lastDeploys.length > 0) {
    parts.push(
      table(
        ['LAST DEPLOY', 'STATUS', 'TIME', 'REASON'],
        result.lastDeploys.map((each) => [each.node, each.status, each.time ?? '-', (each.reason ?? '-').replace(/\s+/g, ' ')]),
      ),
    );
  }
  return `Stack ${result.stack}\n\n${parts.join('\n')}`;
}

/** Columns padded to their widest cell, two spaces apart; the last column unpadded. */
function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((cells) => cells[i].length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ');
  return [header, ...rows].map(line).join('\n') + '\n';
}
