import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../bin/app';
import type { PaasAppConfig } from '../../app/config';
import { FILES_DIRECTORY } from '../../lib/swarm/compose';
import { loadAssembly } from '../cloudformation/assembly';
import { Resolver } from '../../testkit/cloudformation/intrinsics';
import type { StackModel } from '../../testkit/cloudformation/template';
import { importPaasImage, PAAS_IMAGE, paasRootfs } from '../docker/image';
import { ADDED, APPS, datastoreEnvironment, DOMAIN, RELOAD_LOOP_MS, RouterChecks, routerSummary, STORES, waitFor, type Answer, type LoopCount } from '../router-checks';
import { check, log, runScaffolded, type RunOptions } from '../scaffold';
import { startNodes, swarmEnvironment, swarmNodes } from './main';
import { SwarmNode } from './node';

const ENVIRONMENT = 'e2e-router-swarm';
const STACK = `Paas-${ENVIRONMENT}`;
const REGION = 'eu-west-1';
/** The `docker stack deploy` stack of the example: its services are `paas_<name>`, its network `paas_apps`. */
const NAMESPACE = 'paas';
const ROUTER_SERVICE = `${NAMESPACE}_router`;
const HTTPS_PORT = 8443;
const REDIRECT_PORT = 8080;

/**
 * The router's end-to-end run on the swarm: synthesizes the example's
 * `Paas` stack for an environment with a swarm, plays its manager and two
 * workers as in the swarm run (engines in namespaces wired as subnets of
 * one VPC, each node's own user data and cfn-init metadata), with stand-ins
 * for the apps' datastores as swarm services; then asks the router on each
 * worker, as the load balancer would, for each app by `Host`, an unknown
 * name and plain HTTP, scales an app to no task, and applies a stack update
 * that adds an app through each node's cfn-hup action while clients keep
 * asking the other apps through both workers.
 */
export function main(options: RunOptions): Promise<number> {
  return runScaffolded(options, { name: 'router on the swarm end-to-end run', workPrefix: 'e2e-router-swarm-', logs: 'router-swarm-logs' }, async (run) => {
    const { phases, problems, work, logDir } = run;
    // Swarm tasks use the image each engine has instead of asking a registry.
    process.env.DOCKER_SERVICE_PREFER_OFFLINE_IMAGE = '1';
    // The nodes' /etc is behind overlays only their scripts see, and dockerd, which mounts the
    // services' files into the tasks, runs outside them: the files folder moves to one it sees.
    const filesDir = path.join(work, 'swarm-files');
    mkdirSync(filesDir);
    const relocate = <T>(value: T): T => JSON.parse(JSON.stringify(value).replaceAll(`${FILES_DIRECTORY}/`, `${filesDir}/`)) as T;
    const parameterStore = path.join(work, 'ssm');
    mkdirSync(parameterStore, { mode: 0o700 });
    const where = { work, logDir, harnessDir: options.harnessDir, parameterStore };
    const synthNodes = (apps: readonly PaasAppConfig[], name: string) => {
      const { stack, resolver } = synthesizePaas(options.repo, path.join(work, name), apps);
      return swarmNodes(stack, resolver, where).map((node) => new SwarmNode({ ...node.options, userData: relocate(node.options.userData), metadata: relocate(node.options.metadata) }));
    };

    const nodes = await phases.time('synth', async () => synthNodes(APPS, 'synth'));
    const manager = nodes.find((node) => node.options.role === 'manager')!;
    const workers = nodes.filter((node) => node.options.role === 'worker');
    log('synth', `${STACK}: ${nodes.map((node) => node.label).join(', ')}`);

    const rootfs = await phases.time('image', () => paasRootfs(run.cacheDir, path.join(options.repo, 'examples', 'counter', 'counter.py'), (line) => log('image', line)));
    run.imageBuilt = rootfs.built;
    // Every task runs on a worker: the manager needs no image.
    const network = await startNodes(run, nodes, async (node) => {
      if (node.options.role === 'worker') await importPaasImage(node.engine, rootfs.tarball);
    });

    const results = await phases.time('user data', () => Promise.all(nodes.map((node) => node.runUserData())));
    check(
      results.flatMap((result, i) => {
        log('user data', `${nodes[i].label} (${nodes[i].address}): exit ${result.code} after ${result.durationMs} ms`);
        return result.code === 0 ? [] : [`${nodes[i].label}: the user data exited with ${result.code}:\n${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-15).join('\n')}`];
      }),
    );

    // The Redis and the PostgreSQL the lookups found: services on the apps' network, by the names the lookups answered.
    for (const store of STORES) {
      await manager.engine.docker([
        'service', 'create', '--detach', '--name', `${store.name}-store`, '--network', `${NAMESPACE}_apps`, '--endpoint-mode', 'dnsrr',
        '--constraint', 'node.role == worker', '--user', store.user, PAAS_IMAGE, ...store.command,
      ]);
    }
    const routerTasks = await phases.time('ready', async () => {
      for (const app of APPS) check(await waitForTasks(manager, `${NAMESPACE}_${app.hostName}`, 1));
      for (const store of STORES) {
        check(await waitForTasks(manager, `${store.name}-store`, 1));
        await inTasks(nodes, `${store.name}-store`, store.ready, `${store.name} to be ready`);
      }
      check(await waitForTasks(manager, ROUTER_SERVICE, workers.length));
      await resolvable(nodes, ROUTER_SERVICE, APPS.map((app) => `tasks.${NAMESPACE}_${app.hostName}`));
      for (const app of APPS.filter((candidate) => candidate.datastore)) await resolvable(nodes, `${NAMESPACE}_${app.hostName}`, STORES.map((store) => `${store.name}-store`));
      const tasks = await taskContainers(workers, ROUTER_SERVICE);
      log('ready', `router tasks: ${tasks.join(', ')}`);
      return tasks;
    });

    // As the load balancer does: to a worker's address, on its router ports; each request to the next worker.
    const probe = path.join(options.harnessDir, 'router-probe.cjs');
    const getVia = async (worker: SwarmNode, host: string, urlPath = '/', port = HTTPS_PORT) =>
      JSON.parse((await network.run([process.execPath, probe, 'get', `${worker.address}:${port}`, host, urlPath])).stdout) as Answer;
    let turn = 0;
    const get = (host: string, urlPath?: string, port?: number) => getVia(workers[turn++ % workers.length], host, urlPath, port);
    const checks = new RouterChecks(get, problems, (line) => log('checks', line));

    let answered = await phases.time('checks', async () => {
      for (const worker of workers) await waitFor(async () => (await getVia(worker, `www.${DOMAIN}`)).status === 200, `the router on ${worker.label} to answer www`);
      const count = await checks.answersByName(APPS);
      await checks.unknownName();
      await checks.redirect(REDIRECT_PORT);

      await manager.engine.docker(['service', 'scale', '--detach', `${NAMESPACE}_postgres-counter=0`]);
      for (const worker of workers) await waitFor(async () => (await getVia(worker, `postgres-counter.${DOMAIN}`)).status === 503, `postgres-counter on ${worker.label} to have no task`);
      await checks.unavailable('postgres-counter', 'scaled to no task');
      await manager.engine.docker(['service', 'scale', '--detach', `${NAMESPACE}_postgres-counter=1`]);
      for (const worker of workers) await waitFor(async () => (await getVia(worker, `postgres-counter.${DOMAIN}`)).status === 200, `postgres-counter on ${worker.label} to answer again`);
      return count;
    });

    // A stack update adds an app: new metadata for every group, then each node's cfn-hup action, while clients ask the other apps.
    const reload = await phases.time('reload', async () => {
      const updated = new Map(synthNodes([...APPS, ADDED], 'synth-added').map((node) => [node.label, node.options]));
      for (const node of nodes) {
        const next = updated.get(node.label);
        if (!next) throw new Error(`the update has no node ${node.label}`);
        if (next.userData !== node.options.userData) problems.push(`${node.label}: adding an app changed the user data, which replaces the node`);
        node.updateMetadata(next.metadata);
      }
      const loops = workers.map((worker) =>
        network.run([process.execPath, probe, 'loop', `${worker.address}:${HTTPS_PORT}`, String(RELOAD_LOOP_MS), ...APPS.map((app) => `${app.hostName}.${DOMAIN}`)]),
      );
      await sleep(1500);
      const actions = await Promise.all(
        nodes.map(async (node) => {
          const action = node.hookAction('/etc/cfn/hooks.d/docker-swarm.conf');
          return [node, await node.runCommand(action)] as const;
        }),
      );
      for (const [node, result] of actions) {
        log('reload', `${node.label}: cfn-hup action exit ${result.code}${result.stdout.trim() ? `: ${result.stdout.trim().split('\n').filter((line) => !line.startsWith('Updating')).join('; ')}` : ''}`);
        if (result.code !== 0) problems.push(`${node.label}: the cfn-hup action failed: ${`${result.stdout}${result.stderr}`.trim().split('\n').slice(-10).join('\n')}`);
      }
      const counts = (await Promise.all(loops)).map((result) => JSON.parse(result.stdout) as LoopCount);
      const total: LoopCount = {
        requests: counts.reduce((sum, count) => sum + count.requests, 0),
        failed: counts.reduce((sum, count) => sum + count.failed, 0),
        failures: counts.flatMap((count) => count.failures),
      };
      checks.reload(total);
      const kept = await taskContainers(workers, ROUTER_SERVICE);
      log('reload', `router tasks after the update: ${kept.join(', ')}`);
      if (kept.join() !== routerTasks.join()) problems.push(`the update replaced router tasks (${routerTasks.join(', ')} became ${kept.join(', ')}) instead of reloading them`);
      return total;
    });
    answered += await phases.time('checks', async () => {
      check(await waitForTasks(manager, `${NAMESPACE}_${ADDED.hostName}`, 1));
      await resolvable(nodes, ROUTER_SERVICE, [`tasks.${NAMESPACE}_${ADDED.hostName}`]);
      await resolvable(nodes, `${NAMESPACE}_${ADDED.hostName}`, ['redis-store']);
      return checks.answersByName([ADDED]);
    });
    return routerSummary('router on the swarm', answered, reload);
  });
}

/**
 * The example's `Paas` stack for a swarm environment with these apps,
 * synthesized in this process into `outdir`, with the answers of its
 * datastore lookups: the stand-in stores on the apps' network.
 */
function synthesizePaas(repo: string, outdir: string, apps: readonly PaasAppConfig[]): { stack: StackModel; resolver: Resolver } {
  const own = JSON.parse(readFileSync(path.join(repo, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  buildApp(new App({ outdir, context: { ...own.context, ...context(apps) } })).synth();
  const stacks = loadAssembly(outdir);
  const stack = stacks.find((candidate) => candidate.stackName === STACK);
  if (!stack) throw new Error(`the app synthesized no stack ${STACK}`);
  const resolver = new Resolver(stacks, { accountId: '123456789012', region: REGION, partition: 'aws', urlSuffix: 'amazonaws.com' });
  const store = (name: string) => `${name}-store`;
  const answers: Record<string, Record<string, string>> = {
    'Custom::ElasticacheDependency': { PrimaryEndpointAddress: store('redis'), PrimaryEndpointPort: '6379' },
    'Custom::StackDependency': { Environment: datastoreEnvironment('postgres', store).join('\n') },
  };
  for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
    const data = answers[resource.Type];
    if (data) resolver.answer(stack, logicalId, { physicalId: `e2e-${logicalId}`, data });
  }
  return { stack, resolver };
}

function context(apps: readonly PaasAppConfig[]): Record<string, unknown> {
  return {
    env: ENVIRONMENT,
    environments: {
      [ENVIRONMENT]: {
        ...swarmEnvironment([{ name: 'alpha', port: 11211, memoryMiB: 32, allowFrom: ['10.88.0.0/16'] }]),
        paas: { zoneName: 'e2e.example.com', domainName: DOMAIN, redisCacheId: 'e2e-queue', postgresStackName: 'e2e-datastores', routerImage: PAAS_IMAGE, apps },
      },
    },
  };
}

/** Waits until the service runs `count` tasks. */
async function waitForTasks(manager: SwarmNode, service: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const states = (await manager.engine.docker(['service', 'ps', service, '--filter', 'desired-state=running', '--format', '{{.CurrentState}}'], true)).stdout.split('\n').filter(Boolean);
    const running = states.filter((state) => state.startsWith('Running')).length;
    if (running === count) return [];
    if (Date.now() > deadline) return [`${service} runs ${running} tasks after 120 s, not ${count}: ${states.join(', ')}`];
    await sleep(500);
  }
}

/** The ids of the service's task containers on these nodes. */
async function taskContainers(nodes: readonly SwarmNode[], service: string): Promise<string[]> {
  const ids = await Promise.all(nodes.map(async (node) => (await node.engine.docker(['ps', '--quiet', '--filter', `label=com.docker.swarm.service.name=${service}`])).stdout.split('\n').filter(Boolean)));
  return ids.flat().sort();
}

/** Waits until Docker's DNS answers each name in each of the service's task containers, which the swarm's gossip takes a moment to reach. */
async function resolvable(nodes: readonly SwarmNode[], service: string, names: readonly string[]): Promise<void> {
  for (const name of names) await inTasks(nodes, service, ['getent', 'hosts', name], `${name} to resolve in ${service}`);
}

/** Waits until `command` succeeds in each of the service's task containers. */
async function inTasks(nodes: readonly SwarmNode[], service: string, command: readonly string[], what: string): Promise<void> {
  for (const node of nodes) {
    const containers = (await node.engine.docker(['ps', '--quiet', '--filter', `label=com.docker.swarm.service.name=${service}`])).stdout.split('\n').filter(Boolean);
    for (const container of containers) {
      await waitFor(async () => (await node.engine.docker(['exec', container, ...command], true)).code === 0, `${what} on ${node.label}`);
    }
  }
}
