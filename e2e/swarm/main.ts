import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadAssembly } from '../cloudformation/assembly';
import { Resolver } from '../../testkit/cloudformation/intrinsics';
import type { StackModel } from '../../testkit/cloudformation/template';
import { importMemcachedImage, LOCAL_IMAGE, memcachedRootfs } from '../docker/image';
import { NAMES } from '../fixture';
import { check, log, runScaffolded, type Run, type RunOptions } from '../scaffold';
import { synthesize } from '../synth';
import { badUpdate } from './bad-update';
import { AutoScalingInstances, replaceManagers, waitForMembership } from './managers';
import { VpcNetwork } from './network';
import { checkSwarmMetrics } from './metrics';
import { SwarmNode } from './node';

const ENVIRONMENT = 'e2e-swarm';
const STACK = `MemcachedService-${ENVIRONMENT}`;
const REGION = 'eu-west-1';
const MANAGERS = 3;
const TENANTS = [
  { name: 'alpha', port: 11211, memoryMiB: 32, allowFrom: ['10.88.0.0/16'] },
  { name: 'beta', port: 11212, memoryMiB: 16, allowFrom: ['10.88.0.0/16'] },
];

/**
 * The swarm end-to-end run: synthesizes the example app's swarm
 * environment, plays each node of its Auto Scaling groups with a Docker
 * engine in a namespace of its own, wired like subnets of one VPC, runs each
 * node's user data, checks the swarm and its services, then lets the leading
 * manager die and replaces two managers, stops a worker, rolls a service
 * while a client sends requests, drains a worker as the scale-in hook does,
 * and leaves the machine as it found it.
 */
export function main(options: RunOptions): Promise<number> {
  return runScaffolded(options, { name: 'swarm end-to-end run', workPrefix: 'e2e-swarm-', logs: 'swarm-logs' }, async (run) => {
    const { phases, problems, work, logDir } = run;
    // Swarm tasks use the image each engine has instead of asking a registry.
    process.env.DOCKER_SERVICE_PREFER_OFFLINE_IMAGE = '1';
    const stacks = await phases.time('synth', async () => loadAssembly(await synthesize(options.repo, path.join(work, 'synth'), swarmContext(), path.join(options.harnessDir, 'no-network.cjs'))));
    const stack = stacks.find((candidate) => candidate.stackName === STACK);
    if (!stack) throw new Error(`the app synthesized no stack ${STACK}`);
    const resolver = new Resolver(stacks, { accountId: '123456789012', region: REGION, partition: 'aws', urlSuffix: 'amazonaws.com' });

    const parameterStore = path.join(work, 'ssm');
    mkdirSync(parameterStore, { mode: 0o700 });
    const autoScaling = new AutoScalingInstances(path.join(work, 'autoscaling.json'));
    const nodes = swarmNodes(stack, resolver, { work, logDir, harnessDir: options.harnessDir, parameterStore, autoScaling: autoScaling.file });
    for (const node of nodes) autoScaling.set(node.options.instanceId, 'InService');
    log('synth', `${STACK}: ${nodes.map((node) => node.label).join(', ')}`);

    const rootfs = await phases.time('image', () => memcachedRootfs(run.cacheDir, (line) => log('image', line)));
    run.imageBuilt = rootfs.built;
    const network = await startNodes(run, nodes, (node) => importMemcachedImage(node.engine, rootfs.tarball));

    // Every node boots at once, as an Auto Scaling group's do; workers retry until the swarm exists.
    const started = Date.now();
    const results = await phases.time('user data', () => Promise.all(nodes.map((node) => node.runUserData())));
    const failedUserData = results.flatMap((result, i) => {
      log('user data', `${nodes[i].label} (${nodes[i].address}): exit ${result.code} after ${result.durationMs} ms`);
      return result.code === 0 ? [] : [`${nodes[i].label}: the user data exited with ${result.code}:\n${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n')}`];
    });
    check(failedUserData);
    let manager = nodes.find((node) => node.options.role === 'manager')!;
    const managers = nodes.filter((node) => node.options.role === 'manager');
    const workers = nodes.filter((node) => node.options.role === 'worker');
    if (managers.length !== MANAGERS) throw new Error(`the app synthesized ${managers.length} managers, not ${MANAGERS}`);
    await phases.time('checks', async () => {
      check(await checkSwarm(manager, nodes));
      check(await waitForMembership(manager, managers, 30_000));
      check(await waitForServices(manager, nodes, 120_000));
    });
    const readySeconds = (Date.now() - started) / 1000;
    log('checks', `${managers.length} managers + ${workers.length} workers ready, ${TENANTS.length} services running, in ${readySeconds.toFixed(1)} s`);
    check(checkCalls(nodes));

    // The leading manager dies, then a follower; each gets a replacement with a new instance id and the same user data.
    const managerLoss = await phases.time('managers', () =>
      replaceManagers({ run, network, nodes, startNode: (node, index, subnet) => startNode(network, node, index, subnet, (started) => importMemcachedImage(started.engine, rootfs.tarball)), waitForServices }, autoScaling),
    );
    manager = managerLoss.leader;

    // Failover: the engine of the worker running alpha stops, as when its instance dies.
    const failoverSeconds = await phases.time('failover', async () => {
      const victim = await nodeRunning(manager, nodes, 'alpha');
      log('failover', `stopping the engine of ${victim.label}, which runs alpha`);
      const stopped = Date.now();
      await victim.engine.halt();
      check(await waitForServices(manager, nodes.filter((node) => node !== victim), 180_000));
      const seconds = (Date.now() - stopped) / 1000;
      log('failover', `every tenant answers again after ${seconds.toFixed(1)} s; starting ${victim.label} again`);
      const cleared = await victim.engine.resume();
      log('failover', `${victim.label} started again, after clearing what a reboot clears: ${cleared.join(', ') || 'nothing'}`);
      check(await waitForNodes(manager, nodes.length, 120_000));
      return seconds;
    });

    // Rolling update: a stack update changes alpha; cfn-hup's hook writes the files again and deploys.
    const update = await phases.time('rolling update', async () => {
      const metadata = structuredClone(manager.options.metadata) as any;
      const compose = metadata['AWS::CloudFormation::Init'].config.files['/etc/docker-swarm/stack.yml'].content;
      compose.services['memcached-alpha'].environment = { REVISION: '2' };
      manager.updateMetadata(metadata);
      const action = manager.hookAction('/etc/cfn/hooks.d/docker-swarm.conf');
      const stopFile = path.join(work, 'stop-client');
      const client = network.run([process.execPath, path.join(options.harnessDir, 'swarm', 'client-loop.cjs'), String(TENANTS[0].port), stopFile, ...workers.map((node) => node.address)]);
      let seconds: number;
      try {
        await sleep(2000);
        const begun = Date.now();
        const deployed = await manager.runCommand(action);
        if (deployed.code !== 0) problems.push(`${manager.label}: the cfn-hup action failed: ${deployed.stderr.trim()}`);
        check(await waitForUpdate(manager, 'memcached_memcached-alpha', 180_000));
        seconds = (Date.now() - begun) / 1000;
        await sleep(2000);
      } finally {
        // The client stops on this file, also when the update failed, so the run can end.
        writeFileSync(stopFile, '');
      }
      const counts = JSON.parse((await client).stdout) as { sent: number; failed: number };
      log('rolling update', `alpha updated in ${seconds.toFixed(1)} s; ${counts.sent} requests sent, ${counts.failed} failed`);
      if (counts.failed > 0) problems.push(`rolling update: ${counts.failed} of ${counts.sent} requests failed`);
      return counts;
    });

    const badUpdateLine = await badUpdate(run, { manager, workers, network, port: TENANTS[0].port });

    // Scale-in: the lifecycle hook runs the drain helper on the managers for the leaving worker.
    await phases.time('drain', async () => {
      const leaving = await nodeRunning(manager, nodes, 'alpha');
      const drained = await manager.runCommand(`/usr/local/sbin/docker-swarm-drain ${leaving.options.instanceId} e2e-workers Drain`);
      if (drained.code !== 0) throw new Error(`${manager.label}: the drain helper failed: ${drained.stdout}${drained.stderr}`);
      log('drain', drained.stdout.trim());
      const completed = manager.awsCalls().some((call) => call.service === 'autoscaling' && call.action === 'complete-lifecycle-action' && (call.options as any)['instance-id'] === leaving.options.instanceId);
      if (!completed) problems.push(`drain: the helper did not complete the lifecycle action of ${leaving.options.instanceId}`);
      // The helper completes the lifecycle action last, so the tasks must answer elsewhere already: one look, no waiting.
      check(await waitForServices(manager, nodes.filter((node) => node !== leaving), 0));
      log('drain', `${leaving.label} left; its tasks answered elsewhere when its instance was let go`);
    });
    problems.push(...(await phases.time('metrics', () => checkSwarmMetrics(manager, nodes))));
    log('failover', `failover ${failoverSeconds.toFixed(1)} s`);
    return `swarm: ${managers.length} managers + ${workers.length} workers ready in ${readySeconds.toFixed(1)} s; leader lost, new leader in ${managerLoss.electionSeconds.toFixed(1)} s; rolling update ${update.sent} requests, ${update.failed} failed\n${badUpdateLine}`;
  });
}

function swarmContext(): Record<string, unknown> {
  return {
    env: ENVIRONMENT,
    'cli-telemetry': false,
    images: { memcachedImage: LOCAL_IMAGE, appImage: LOCAL_IMAGE },
    environments: { [ENVIRONMENT]: swarmEnvironment(TENANTS, MANAGERS) },
  };
}

/** The environment the swarm runs synthesize: `managers` managers and two workers in the fixture's VPC and zone, running `tenants`. */
export function swarmEnvironment(tenants: ReadonlyArray<Record<string, unknown>>, managers = 1): Record<string, unknown> {
  return {
    region: REGION,
    vpcName: NAMES.vpcName,
    hostedZoneName: NAMES.privateZoneName,
    instanceType: 't3.small',
    swarm: { managers, minWorkers: 2, desiredWorkers: 2, maxWorkers: 3, publishMode: 'host' },
    tenants,
  };
}

/** One node per instance each Auto Scaling group starts, with its launch template's user data and the group's metadata. */
export function swarmNodes(stack: StackModel, resolver: Resolver, where: { work: string; logDir: string; harnessDir: string; parameterStore: string; autoScaling?: string }): SwarmNode[] {
  const nodes: SwarmNode[] = [];
  for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
    if (resource.Type !== 'AWS::AutoScaling::AutoScalingGroup') continue;
    const properties = resource.Properties as any;
    const launchTemplateId = properties.LaunchTemplate.LaunchTemplateId.Ref as string;
    const launchTemplate = stack.template.Resources[launchTemplateId].Properties as any;
    const encoded = resolver.resolveString(stack, launchTemplate.LaunchTemplateData.UserData, `${launchTemplateId}.Properties.LaunchTemplateData.UserData`);
    const userData = Buffer.from(encoded, 'base64').toString('utf8');
    const metadata = resolver.resolve(stack, resource.Metadata ?? {}, `${logicalId}.Metadata`) as Record<string, unknown>;
    // Workers may have metadata too (the services' files); the user data says which role it plays.
    const role = /^# Docker swarm manager:/m.test(userData) ? 'manager' : 'worker';
    const count = Number(properties.DesiredCapacity ?? properties.MinSize);
    for (let i = 0; i < count; i++) {
      const index = nodes.length;
      nodes.push(
        new SwarmNode({
          label: `${logicalId}-${i + 1}`,
          role,
          userData,
          metadata,
          instanceId: `i-0e2e${String(index).padStart(13, '0')}`,
          workDir: path.join(where.work, `node-${index}`),
          netns: `e2e-${process.pid}-n${index}`,
          parameterStore: where.parameterStore,
          autoScaling: where.autoScaling,
          logDir: where.logDir,
          harnessDir: where.harnessDir,
        }),
      );
    }
  }
  return nodes.sort((a, b) => (a.options.role === b.options.role ? 0 : a.options.role === 'manager' ? -1 : 1));
}

/**
 * Wires the nodes as subnets of one VPC, managers and workers spread over
 * three as over three availability zones; starts their engines side by side,
 * loads each the image it runs and writes their stand-ins. The run's cleanup
 * stops them and removes the network.
 */
export async function startNodes(run: Run, nodes: readonly SwarmNode[], loadImage: (node: SwarmNode) => Promise<void>): Promise<VpcNetwork> {
  const network = new VpcNetwork(`e2e-${process.pid}-vpc`);
  run.cleanup(() => network.destroy());
  run.cleanup(async () => (await Promise.all(nodes.map((node) => node.stop()))).flat());
  await network.create();
  await run.phases.time('docker engines', () => Promise.all(nodes.map((node, i) => startNode(network, node, i, i % 3, loadImage))));
  return network;
}

/** Starts the node's engine, wires it into `subnet` as node `index`, loads its image and writes its stand-ins. */
async function startNode(network: VpcNetwork, node: SwarmNode, index: number, subnet: number, loadImage: (node: SwarmNode) => Promise<void>): Promise<void> {
  await node.engine.start();
  node.address = (await network.attach(node.options.netns, index, subnet)).address;
  await loadImage(node);
  node.prepare();
}

interface NodeInfo {
  readonly ID: string;
  readonly Spec: { readonly Role: string; readonly Availability: string };
  readonly Status: { readonly State: string; readonly Addr: string };
  readonly Description: { readonly Engine: { readonly Labels?: Record<string, string> } };
}

async function inspectNodes(manager: SwarmNode): Promise<NodeInfo[]> {
  const ids = (await manager.engine.docker(['node', 'ls', '--quiet'])).stdout.split('\n').filter(Boolean);
  return JSON.parse((await manager.engine.docker(['node', 'inspect', ...ids])).stdout) as NodeInfo[];
}

/** The swarm has each node with its role, the workers carry the group's labels and their instance ids. */
async function checkSwarm(manager: SwarmNode, nodes: readonly SwarmNode[]): Promise<string[]> {
  const problems: string[] = [];
  const infos = await inspectNodes(manager);
  for (const node of nodes) {
    const info = infos.find((candidate) => candidate.Status.Addr === node.address);
    if (!info) {
      problems.push(`${node.label} (${node.address}) is not in the swarm`);
      continue;
    }
    if (info.Spec.Role !== node.options.role) problems.push(`${node.label} joined as ${info.Spec.Role}, not ${node.options.role}`);
    if (info.Status.State !== 'ready') problems.push(`${node.label} is ${info.Status.State}, not ready`);
    const labels = info.Description.Engine.Labels ?? {};
    if (labels['instance-id'] !== node.options.instanceId) problems.push(`${node.label} has engine label instance-id=${labels['instance-id']}, not ${node.options.instanceId}`);
    if (node.options.role === 'worker' && labels.tier !== 'cache') problems.push(`${node.label} lacks the engine label tier=cache of its group (has ${JSON.stringify(labels)})`);
  }
  log('checks', `swarm: ${infos.map((info) => `${info.Status.Addr} ${info.Spec.Role} ${JSON.stringify(info.Description.Engine.Labels ?? {})}`).join('; ')}`);
  return problems;
}

/** The node whose engine runs the tenant's task. */
async function nodeRunning(manager: SwarmNode, nodes: readonly SwarmNode[], tenant: string): Promise<SwarmNode> {
  const infos = await inspectNodes(manager);
  const tasks = (await manager.engine.docker(['service', 'ps', `memcached_memcached-${tenant}`, '--filter', 'desired-state=running', '--format', '{{.Node}}'])).stdout.split('\n').filter(Boolean);
  const hostnames = new Map((await Promise.all(nodes.map(async (node) => [(await node.engine.docker(['info', '--format', '{{.Name}}'], true)).stdout.trim(), node] as const))));
  const node = hostnames.get(tasks[0] ?? '');
  if (!node) throw new Error(`no node runs ${tenant}: tasks on ${tasks.join(', ') || 'none'}; nodes ${infos.map((info) => info.Status.Addr).join(', ')}`);
  return node;
}

/**
 * Waits until every tenant's service runs its one task on a worker among
 * `live` and answers a memcached set/get through its port there.
 */
async function waitForServices(manager: SwarmNode, live: readonly SwarmNode[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let problems: string[] = [];
  for (;;) {
    problems = [];
    for (const tenant of TENANTS) {
      const service = `memcached_memcached-${tenant.name}`;
      // `service ls` counts a task on a stopped engine as running until its node is forgotten;
      // the tasks the swarm still wants running are the ones that matter.
      const states = (await manager.engine.docker(['service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}'], true)).stdout.split('\n').filter(Boolean);
      const running = states.filter((state) => state.startsWith('Running')).length;
      if (states.length !== 1 || running !== 1) {
        problems.push(`${service} has ${running} of ${states.length} scheduled tasks running, not 1 of 1`);
        continue;
      }
      let answered: SwarmNode | undefined;
      for (const node of live.filter((candidate) => candidate.options.role === 'worker')) {
        const probe = await node.engine.inNetns([process.execPath, path.join(node.options.harnessDir, 'memcached-probe.cjs'), node.address, String(tenant.port), `e2e-${tenant.name}`, tenant.name], { allowFailure: true, timeoutMs: 10_000 });
        if (probe.code === 0) answered = node;
      }
      if (!answered) problems.push(`tenant ${tenant.name}: no worker answers memcached on port ${tenant.port}`);
      const managerProbe = await manager.engine.inNetns([process.execPath, path.join(manager.options.harnessDir, 'memcached-probe.cjs'), manager.address, String(tenant.port), 'k', 'v'], { allowFailure: true, timeoutMs: 10_000 });
      if (managerProbe.code === 0) problems.push(`tenant ${tenant.name} answers on the manager, which its constraints keep it off`);
    }
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await sleep(1000);
  }
}

async function waitForNodes(manager: SwarmNode, count: number, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = (await inspectNodes(manager)).filter((info) => info.Status.State === 'ready').length;
    if (ready === count) return [];
    if (Date.now() > deadline) return [`${ready} of ${count} nodes are ready after ${timeoutMs / 1000} s`];
    await sleep(1000);
  }
}

async function waitForUpdate(manager: SwarmNode, service: string, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await manager.engine.docker(['service', 'inspect', service, '--format', '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}'], true)).stdout.trim();
    if (state === 'completed') return [];
    if (state.startsWith('rollback') || state === 'paused') return [`${service}: the update ended ${state}`];
    if (Date.now() > deadline) return [`${service}: the update is ${state || 'not started'} after ${timeoutMs / 1000} s`];
    await sleep(500);
  }
}

/** The join parameters stay under the swarm's path, tokens and the managers' addresses as SecureString, and every node signals success. */
function checkCalls(nodes: readonly SwarmNode[]): string[] {
  const problems: string[] = [];
  const prefix = `/docker-swarm/${STACK}/Swarm/`;
  for (const node of nodes) {
    for (const call of node.awsCalls()) {
      if (call.command !== 'aws' || call.service !== 'ssm') continue;
      const options = call.options as Record<string, string>;
      if (!options.name.startsWith(prefix)) problems.push(`${node.label}: ${call.action} of ${options.name}, outside ${prefix}`);
      if (call.action === 'put-parameter' && node.options.role === 'worker') problems.push(`${node.label}: a worker wrote ${options.name}`);
      if (call.action === 'put-parameter' && /(token|manager-addresses)$/.test(options.name) && options.type !== 'SecureString') problems.push(`${node.label}: ${options.name} stored as ${options.type}`);
    }
    const signal = node.stubCalls().find((call) => call.command === 'cfn-signal');
    if (!signal || signal.args[1] !== '0') problems.push(`${node.label}: cfn-signal ${signal ? `reported ${signal.args.join(' ')}` : 'was not called'}`);
  }
  return problems;
}
