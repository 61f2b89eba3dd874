import { setTimeout as sleep } from 'node:timers/promises';
import { metricValue, runMetricsService } from '../metrics';
import { log } from '../scaffold';
import type { SwarmNode } from './node';

/** The service whose tasks the phase watches. */
const SERVICE = 'memcached_memcached-alpha';

/**
 * The leading manager's publisher, run as its timer runs it, sends the
 * service's RunningTasks equal to its DesiredTasks; then the engine of the
 * worker running the service's task stops, as when its instance dies, and
 * the publisher, run again every 2 s, must send RunningTasks below
 * DesiredTasks within 90 s: the swarm marks the node down, and after the
 * drain no other worker is left to take the task. The engine then starts
 * again. Returns the problems and logs one line.
 */
export async function checkSwarmMetrics(leader: SwarmNode, nodes: readonly SwarmNode[]): Promise<string[]> {
  const problems: string[] = [];
  const first = await runMetricsService(leader, 'docker-swarm-metrics');
  const running = metricValue(first, 'RunningTasks', 'Service', SERVICE);
  const desired = metricValue(first, 'DesiredTasks', 'Service', SERVICE);
  if (running === undefined || running !== desired) return [...problems, `the leader published ${SERVICE} RunningTasks ${running} of DesiredTasks ${desired} before the stop, not all`];

  const victim = await nodeRunning(leader, nodes, SERVICE);
  await victim.engine.halt();
  const deadline = Date.now() + 90_000;
  let puts = await runMetricsService(leader, 'docker-swarm-metrics');
  while (!((metricValue(puts, 'RunningTasks', 'Service', SERVICE) ?? Infinity) < (metricValue(puts, 'DesiredTasks', 'Service', SERVICE) ?? 0)) && Date.now() < deadline) {
    await sleep(2000);
    puts = await runMetricsService(leader, 'docker-swarm-metrics');
  }
  const after = metricValue(puts, 'RunningTasks', 'Service', SERVICE);
  const desiredAfter = metricValue(puts, 'DesiredTasks', 'Service', SERVICE);
  // Started again as after the failover, so the cleanup finds the node as it finds the others.
  await victim.engine.resume();
  log('metrics', `NodesDown ${metricValue(first, 'NodesDown', 'Swarm', 'memcached')} -> ${metricValue(puts, 'NodesDown', 'Swarm', 'memcached')} after ${victim.label}'s engine stopped`);
  log('metrics', `swarm metrics: ${SERVICE} RunningTasks ${running} -> ${after} of DesiredTasks ${desiredAfter} after a worker's engine stopped`);
  if (after === undefined || desiredAfter === undefined || after >= desiredAfter) {
    problems.push(`the leader published ${SERVICE} RunningTasks ${after} of DesiredTasks ${desiredAfter} 90 s after ${victim.label}'s engine stopped, not fewer`);
  }
  return problems;
}

/** The worker whose engine runs the service's task the swarm wants running, found by the instance-id label of the task's node. */
async function nodeRunning(leader: SwarmNode, nodes: readonly SwarmNode[], service: string): Promise<SwarmNode> {
  const tasks = (await leader.engine.docker(['service', 'ps', service, '--quiet', '--filter', 'desired-state=running'])).stdout.split('\n').filter(Boolean);
  const nodeIds = tasks.length === 0 ? [] : (await leader.engine.docker(['inspect', '--format', '{{.NodeID}}', ...tasks])).stdout.split('\n').filter(Boolean);
  const instanceIds = nodeIds.length === 0 ? [] : (await leader.engine.docker(['node', 'inspect', '--format', '{{index .Description.Engine.Labels "instance-id"}}', ...nodeIds])).stdout.split('\n');
  const node = nodes.find((candidate) => candidate.options.role === 'worker' && instanceIds.includes(candidate.options.instanceId));
  if (!node) throw new Error(`no worker runs ${service}: its tasks are on the instances ${instanceIds.join(', ') || 'none'}`);
  return node;
}
