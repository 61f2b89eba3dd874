import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../bin/app';
import type { PaasAppConfig } from '../lib/config';
import type { PaasStack } from '../lib/examples/paas-stack';
import { DockerEngine } from './docker/engine';
import { importPaasImage, PAAS_IMAGE, paasRootfs } from './docker/image';
import { log as logPhase, runScaffolded, type RunOptions } from './scaffold';

const DOMAIN = 'apps.e2e.example.com';
const NETWORK = 'apps';
/** Stand-ins for the Redis and the Postgres the counters count in: the counter program's Redis-protocol store. */
const STORES = [
  { name: 'redis', port: 6379 },
  { name: 'postgres', port: 5432 },
] as const;
const COUNTER = ['python3', '/usr/local/bin/counter.py'];
const APPS: PaasAppConfig[] = [
  { hostName: 'redis-counter', image: PAAS_IMAGE, port: 8000, datastore: 'redis', command: [...COUNTER, 'redis-counter', 'REDIS_HOST', 'REDIS_PORT', '8000'] },
  { hostName: 'postgres-counter', image: PAAS_IMAGE, port: 8000, datastore: 'postgres', command: [...COUNTER, 'postgres-counter', 'DatabaseHost', 'DatabasePort', '8000'] },
  { hostName: 'www', image: PAAS_IMAGE, port: 8000, command: ['python3', '-m', 'http.server', '8000', '--directory', '/srv/site'] },
];
/** The app an update adds while requests to the others go on. */
const ADDED: PaasAppConfig = { hostName: 'added', image: PAAS_IMAGE, port: 8000, datastore: 'redis', command: [...COUNTER, 'added', 'REDIS_HOST', 'REDIS_PORT', '8000'] };
const RELOAD_LOOP_MS = 8000;

/**
 * The router's end-to-end run: the example's apps, the router and stand-ins
 * for their datastores as containers of a Docker engine in a network
 * namespace of its own, the router's nginx configuration as the Paas stack
 * renders it from cdk.json-style context; then requests by `Host` to each
 * app, to an unknown name and over plain HTTP, an app without a running
 * container, and an update that adds an app and reloads nginx while a
 * client keeps asking the other apps. Returns the exit status.
 */
export function main(options: RunOptions): Promise<number> {
  return runScaffolded(options, { name: 'router end-to-end run', workPrefix: 'e2e-router-', logs: 'router-logs' }, async (run) => {
    const { problems, work } = run;
    const engine = new DockerEngine({ root: path.join(work, 'engine'), netns: `e2e-router-${process.pid}` });
    run.cleanup(() => engine.stop());
    const probe = (args: string[]) => engine.inNetns([process.execPath, path.join(options.harnessDir, 'router-probe.cjs'), ...args], { timeoutMs: 60_000 });
    const get = async (port: number, host: string, urlPath = '/') =>
      JSON.parse((await probe(['get', String(port), host, urlPath])).stdout) as { status: number; body: string; location?: string; error?: string };
    const firstPort = () => routerOf(APPS).httpsPort;
    let answered = 0;
    const first = routerOf(APPS);
    log(`rendered the router for ${APPS.length} apps from the Paas stack (https port ${first.httpsPort}, redirect port ${first.redirectPort})`);
    const rootfs = await run.phases.time('image', () => paasRootfs(run.cacheDir, path.join(options.repo, 'examples', 'counter', 'counter.py'), log));
    run.imageBuilt = rootfs.built;
    await engine.start();
    await importPaasImage(engine, rootfs.tarball);
    await engine.docker(['network', 'create', NETWORK]);
    for (const store of STORES) {
      await engine.docker(['run', '--detach', '--name', store.name, '--network', NETWORK, PAAS_IMAGE, ...COUNTER, '--store', String(store.port)]);
    }
    for (const app of APPS) await startApp(engine, app);

    const confDir = path.join(work, 'router-conf');
    mkdirSync(confDir);
    writeConfig(confDir, first.nginxConfig);
    await engine.docker([
      'run', '--detach', '--name', 'router', '--network', NETWORK,
      '--publish', `${first.httpsPort}:${first.httpsPort}/tcp`, '--publish', `${first.redirectPort}:${first.redirectPort}/tcp`,
      '--volume', `${confDir}:/etc/nginx/conf.d:ro`, PAAS_IMAGE, 'nginx', '-g', 'daemon off;',
    ]);
    await waitFor(async () => (await get(first.httpsPort, `www.${DOMAIN}`)).status === 200, 'the router to answer www');

    for (const app of APPS) {
      const first = await get(firstPort(), `${app.hostName}.${DOMAIN}`);
      const second = await get(firstPort(), `${app.hostName}.${DOMAIN}`);
      const own = app.hostName === 'www' ? first.body.includes('static site') : first.body === `${app.hostName}: 1\n` && second.body === `${app.hostName}: 2\n`;
      if (first.status === 200 && own) answered++;
      else problems.push(`${app.hostName}.${DOMAIN} answered ${first.status} ${JSON.stringify(first.body)}, then ${JSON.stringify(second.body)}, not its own answer`);
      log(`${app.hostName}.${DOMAIN} -> ${first.status} ${JSON.stringify(first.body.trim().slice(0, 60))}`);
    }
    const unknown = await get(firstPort(), `nobody.${DOMAIN}`);
    log(`nobody.${DOMAIN} -> ${unknown.status} ${JSON.stringify(unknown.body)}`);
    if (unknown.status !== 404 || unknown.body !== 'no app answers on this name\n') problems.push(`an unknown name answered ${unknown.status} ${JSON.stringify(unknown.body)}, not the router's 404`);
    const redirect = await get(first.redirectPort, `www.${DOMAIN}`, '/a/b?c=d');
    log(`http://www.${DOMAIN}/a/b?c=d -> ${redirect.status} ${redirect.location}`);
    if (redirect.status !== 301 || redirect.location !== `https://www.${DOMAIN}/a/b?c=d`) problems.push(`plain HTTP answered ${redirect.status} ${redirect.location}, not 301 to https`);

    await engine.docker(['stop', 'postgres-counter']);
    const down = await get(firstPort(), `postgres-counter.${DOMAIN}`);
    log(`postgres-counter.${DOMAIN} with its container stopped -> ${down.status} ${JSON.stringify(down.body)}`);
    if (down.status !== 503 || down.body !== 'postgres-counter has no healthy instance\n') problems.push(`an app without a running container answered ${down.status} ${JSON.stringify(down.body)}, not 503`);
    await engine.docker(['start', 'postgres-counter']);
    await waitFor(async () => (await get(firstPort(), `postgres-counter.${DOMAIN}`)).status === 200, 'postgres-counter to answer again');

    const updated = routerOf([...APPS, ADDED]);
    const loop = probe(['loop', String(first.httpsPort), String(RELOAD_LOOP_MS), ...APPS.map((app) => `${app.hostName}.${DOMAIN}`)]);
    await sleep(1500);
    await startApp(engine, ADDED);
    writeConfig(confDir, updated.nginxConfig);
    await engine.docker(['exec', 'router', 'nginx', '-t']);
    await engine.docker(['exec', 'router', ...updated.reload]);
    log(`update: started the added app, rewrote the configuration, ran the router's reload: ${updated.reload.join(' ')}`);
    const reload = JSON.parse((await loop).stdout) as { requests: number; failed: number; failures: string[] };
    log(`during the reload: ${reload.requests} requests, ${reload.failed} failed${reload.failures.length > 0 ? `: ${reload.failures.join('; ')}` : ''}`);
    if (reload.requests === 0 || reload.failed > 0) problems.push(`requests to the other apps failed during the reload: ${reload.failed} of ${reload.requests}`);
    const added = await get(firstPort(), `added.${DOMAIN}`);
    log(`added.${DOMAIN} -> ${added.status} ${JSON.stringify(added.body)}`);
    if (added.status === 200 && added.body === 'added: 1\n') answered++;
    else problems.push(`the added app answered ${added.status} ${JSON.stringify(added.body)}`);
    return `router: ${answered} apps answered by name; reload ${reload.requests} requests, ${reload.failed} failed`;
  });
}

/** What the run needs of the Paas stack's router: its configuration, its ports and its reload command. */
interface RenderedRouter {
  readonly nginxConfig: string;
  readonly httpsPort: number;
  readonly redirectPort: number;
  readonly reload: readonly string[];
}

const routers = new Map<string, RenderedRouter>();

/** The router of the Paas stack synthesized with these apps. */
function routerOf(apps: readonly PaasAppConfig[]): RenderedRouter {
  const key = apps.map((app) => app.hostName).join(',');
  let router = routers.get(key);
  if (!router) {
    const app = buildApp(new App({ context: context(apps) }));
    const stack = app.node.findChild('Paas-e2e') as PaasStack;
    const reload = stack.router.container({ image: PAAS_IMAGE, network: NETWORK }).reload ?? [];
    router = { nginxConfig: stack.router.nginxConfig, httpsPort: stack.router.httpsPort, redirectPort: stack.router.redirectPort, reload };
    routers.set(key, router);
  }
  return router;
}

function context(apps: readonly PaasAppConfig[]): Record<string, unknown> {
  return {
    env: 'e2e',
    environments: {
      e2e: {
        vpcName: 'e2e-main',
        hostedZoneName: 'internal.e2e.example.com',
        tenants: [{ name: 'alpha', port: 11211, memoryMiB: 64, allowFrom: ['10.0.0.0/16'] }],
        paas: { zoneName: 'e2e.example.com', domainName: DOMAIN, redisCacheId: 'e2e-queue', postgresStackName: 'e2e-datastores', routerImage: PAAS_IMAGE, apps },
      },
    },
  };
}

/** Starts an app as the Docker host does: on the apps' network, no port published, its datastore's address in its environment. */
async function startApp(engine: DockerEngine, app: PaasAppConfig): Promise<void> {
  const environment =
    app.datastore === 'redis' ? ['REDIS_HOST=redis', 'REDIS_PORT=6379'] : app.datastore === 'postgres' ? ['DatabaseHost=postgres', 'DatabasePort=5432'] : [];
  await engine.docker(['run', '--detach', '--name', app.hostName, '--network', NETWORK, ...environment.flatMap((line) => ['--env', line]), app.image, ...(app.command ?? [])]);
}

/** Replaces the file in one rename, as the host's update does, so nginx never reads half of it. */
function writeConfig(dir: string, content: string): void {
  writeFileSync(path.join(dir, '.apps.conf.new'), content, { mode: 0o644 });
  renameSync(path.join(dir, '.apps.conf.new'), path.join(dir, 'apps.conf'));
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after 30 s waiting for ${what}`);
    await sleep(300);
  }
}

function log(line: string): void {
  logPhase('router', line);
}
