import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run as exec } from '../exec';
import { check, log, type Run } from '../scaffold';
import type { VpcNetwork } from './network';
import { SwarmNode } from './node';

/** The managers' side of the run: the nodes, how a new one starts, and how the services are checked. */
export interface ManagerScene {
  readonly run: Run;
  readonly network: VpcNetwork;
  /** The live nodes; a replaced manager's place goes to its replacement. */
  readonly nodes: SwarmNode[];
  /** Starts a new node's engine in the VPC on `subnet` as node `index` and writes its stand-ins. */
  readonly startNode: (node: SwarmNode, index: number, subnet: number) => Promise<void>;
  /** Every tenant answers through a worker among `live`, as told by `manager`, within `timeoutMs`. */
  readonly waitForServices: (manager: SwarmNode, live: readonly SwarmNode[], timeoutMs: number) => Promise<string[]>;
}

/** The run's Auto Scaling instances, as the AWS CLI stand-in answers them: each id and its lifecycle state. */
export class AutoScalingInstances {
  constructor(readonly file: string) {
    writeFileSync(file, '{}\n');
  }

  /** Sets the instance's lifecycle state, or removes it, as a group does once the instance has terminated. */
  set(instanceId: string, state: string | undefined): void {
    const instances = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
    if (state === undefined) delete instances[instanceId];
    else instances[instanceId] = state;
    writeFileSync(this.file, `${JSON.stringify(instances, null, 2)}\n`);
  }
}

interface ManagerInfo {
  readonly ID: string;
  readonly Spec: { readonly Role: string };
  readonly Status: { readonly State: string; readonly Addr: string };
  readonly ManagerStatus?: { readonly Leader?: boolean; readonly Reachability: string; readonly Addr: string };
  readonly Description: { readonly Engine: { readonly Labels?: Record<string, string> } };
}

/**
 * The managers' failures: the leader's instance dies (its network goes, then
 * its engine); times until a surviving manager leads; checks that every
 * tenant answers; boots a replacement manager at once, while the swarm still
 * shows the dead one Unknown, and checks the raft membership: three managers,
 * all reachable. Then a follower's instance dies, and once the swarm shows
 * it Down a second replacement boots, with the same check. Returns the
 * election time and the leader at the end.
 */
export async function replaceManagers(scene: ManagerScene, autoScaling: AutoScalingInstances): Promise<{ electionSeconds: number; leader: SwarmNode }> {
  const { run, nodes } = scene;
  const dead: SwarmNode[] = [];
  run.cleanup(async () => (await Promise.all(dead.map((node) => node.stop()))).flat());
  let nextIndex = 100;
  const managers = () => nodes.filter((node) => node.options.role === 'manager');
  const leader = await leaderAmong(managers(), 0);
  if (!leader) throw new Error('managers: no manager leads the swarm');

  // The leader's instance dies; Auto Scaling ends it and launches another.
  log('managers', `the instance of ${leader.label}, the leader, dies`);
  const died = Date.now();
  const halted = kill(leader);
  autoScaling.set(leader.options.instanceId, 'Terminating');
  const survivors = managers().filter((node) => node !== leader);
  const newLeader = await leaderAmong(survivors, 120_000);
  const electionSeconds = (Date.now() - died) / 1000;
  if (!newLeader) throw new Error(`managers: no surviving manager leads the swarm 120 s after ${leader.label} died`);
  await halted;
  log('managers', `${newLeader.label} leads after ${electionSeconds.toFixed(1)} s`);
  check(await scene.waitForServices(newLeader, nodes.filter((node) => node !== leader), 60_000));
  log('managers', 'every tenant answers with one manager dead');

  await replace(leader, newLeader, 'unknown');

  // A follower's instance dies; its replacement boots once the swarm shows it Down.
  const current = (await leaderAmong(managers(), 60_000)) ?? newLeader;
  const follower = managers().find((node) => node !== current && !node.label.includes('replacement'))!;
  log('managers', `the instance of ${follower.label}, a follower, dies`);
  const followerDied = Date.now();
  await kill(follower);
  autoScaling.set(follower.options.instanceId, undefined);
  if (!(await waitForState(current, follower, 'down', 180_000))) throw new Error(`managers: the swarm does not show ${follower.label} Down 180 s after it died`);
  log('managers', `the swarm shows ${follower.label} Down ${((Date.now() - followerDied) / 1000).toFixed(1)} s after it died`);
  await replace(follower, current, 'down');
  return { electionSeconds, leader: (await leaderAmong(managers(), 60_000)) ?? current };

  /**
   * Boots a new manager in the place of `gone` (its group's subnet, the same
   * user data) while `witness` shows it `state` (`unknown`: not yet seen down,
   * as after the leader's death), and checks the membership after.
   */
  async function replace(gone: SwarmNode, witness: SwarmNode, state: 'unknown' | 'down'): Promise<void> {
    const index = nextIndex++;
    const replacement = new SwarmNode({
      ...gone.options,
      label: `${gone.options.label}-replacement`,
      instanceId: `i-0e2e${String(index).padStart(13, '0')}`,
      workDir: path.join(path.dirname(gone.options.workDir), `node-${index}`),
      netns: `e2e-${process.pid}-n${index}`,
    });
    nodes.splice(nodes.indexOf(gone), 1, replacement);
    dead.push(gone);
    await scene.startNode(replacement, index, Number(gone.address.split('.')[2]));
    autoScaling.set(replacement.options.instanceId, 'InService');
    const before = (await inspectManagers(witness)).find((info) => info.Description.Engine.Labels?.['instance-id'] === gone.options.instanceId);
    const shown = before?.Status.State ?? 'not in the swarm';
    if (state === 'unknown' ? shown !== 'unknown' && shown !== 'ready' : shown !== 'down') throw new Error(`managers: the swarm shows ${gone.label} ${shown} when ${replacement.label} boots, not ${state}`);
    log('managers', `${replacement.label} (${replacement.options.instanceId}) boots while the swarm shows ${gone.label} ${shown}, ${before?.ManagerStatus?.Reachability}`);
    const result = await replacement.runUserData();
    log('managers', `${replacement.label} (${replacement.address}): exit ${result.code} after ${result.durationMs} ms; ${result.stderr.split('\n').filter((line) => line.startsWith('removed manager')).join('; ')}`);
    if (result.code !== 0) throw new Error(`${replacement.label}: the user data exited with ${result.code}:\n${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n')}`);
    check(await waitForMembership(witness, managers(), 30_000));
    log('managers', `raft membership after ${replacement.label} joined: ${managers().length} managers, all reachable, ${gone.label} gone`);
  }
}

/** The node's instance dies: its network goes at once, then its engine stops, reaching nobody. */
async function kill(node: SwarmNode): Promise<void> {
  await exec('ip', ['-n', node.options.netns, 'link', 'set', 'eth0', 'down']);
  await node.engine.halt();
}

/** The manager among `candidates` that says it leads, looking every 200 ms for at most `timeoutMs`. */
async function leaderAmong(candidates: readonly SwarmNode[], timeoutMs: number): Promise<SwarmNode | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const node of candidates) {
      const answer = await node.engine.docker(['node', 'inspect', 'self', '--format', '{{.ManagerStatus.Leader}}'], true);
      if (answer.code === 0 && answer.stdout.trim() === 'true') return node;
    }
    if (Date.now() > deadline) return undefined;
    await sleep(200);
  }
}

async function inspectManagers(manager: SwarmNode): Promise<ManagerInfo[]> {
  const ids = (await manager.engine.docker(['node', 'ls', '--quiet', '--filter', 'role=manager'])).stdout.split('\n').filter(Boolean);
  return JSON.parse((await manager.engine.docker(['node', 'inspect', ...ids])).stdout) as ManagerInfo[];
}

/** Whether `witness` shows `node` in `state` within `timeoutMs`. */
async function waitForState(witness: SwarmNode, node: SwarmNode, state: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = (await inspectManagers(witness)).find((candidate) => candidate.Description.Engine.Labels?.['instance-id'] === node.options.instanceId);
    if (info?.Status.State === state) return true;
    if (Date.now() > deadline) return false;
    await sleep(1000);
  }
}

/**
 * The swarm's managers are exactly `managers`, each reachable with the manager
 * role, and `docker info` on each counts as many; waits `timeoutMs` at most.
 */
export async function waitForMembership(witness: SwarmNode, managers: readonly SwarmNode[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const problems: string[] = [];
    const infos = await inspectManagers(witness);
    const want = new Set(managers.map((node) => node.options.instanceId));
    for (const info of infos) {
      const instance = info.Description.Engine.Labels?.['instance-id'] ?? 'no instance-id';
      if (!want.has(instance)) problems.push(`the swarm has a manager ${info.ID} (${instance}, ${info.Status.State}, ${info.ManagerStatus?.Reachability}) that is not one of the live managers`);
      else if (info.ManagerStatus?.Reachability !== 'reachable') problems.push(`manager ${instance} is ${info.ManagerStatus?.Reachability ?? 'without manager status'}`);
    }
    for (const node of managers) {
      if (!infos.some((info) => info.Description.Engine.Labels?.['instance-id'] === node.options.instanceId)) problems.push(`${node.label} (${node.options.instanceId}) is not a manager of the swarm`);
      const counted = (await node.engine.docker(['info', '--format', '{{.Swarm.Managers}}'], true)).stdout.trim();
      if (counted !== String(managers.length)) problems.push(`docker info on ${node.label} counts ${counted || 'no'} managers, not ${managers.length}`);
    }
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await sleep(1000);
  }
}
