import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { App, type Duration } from 'aws-cdk-lib';
import { buildApp } from '../bin/app';
import type { PaasAppConfig } from '../app/config';
import type { PaasStack } from '../app/paas-stack';
import { DockerEngine } from './docker/engine';
import { hostUpdate, hostUpdateSummary } from './host-update';
import { importPaasImage, PAAS_IMAGE, paasRootfs } from './docker/image';
import { ADDED, APPS, datastoreEnvironment, DOMAIN, RELOAD_LOOP_MS, RouterChecks, routerSummary, STORES, waitFor, type Answer, type LoopCount } from './router-checks';
import { log as logPhase, runScaffolded, type RunOptions } from './scaffold';

const NETWORK = 'apps';

/**
 * The router's end-to-end run: the example's apps, the router and stand-ins
 * for their datastores as containers of a Docker engine in a network
 * namespace of its own, the router's nginx configuration as the Paas stack
 * renders it from cdk.json-style context; then requests by `Host` to each
 * app, to an unknown name and over plain HTTP, an app without a running
 * container, an update that adds an app and reloads nginx while a
 * client keeps asking the other apps, and a Docker host update that changes
 * the site's image and environment while a client keeps asking the site.
 * Returns the exit status.
 */
export function main(options: RunOptions): Promise<number> {
  return runScaffolded(options, { name: 'router end-to-end run', workPrefix: 'e2e-router-', logs: 'router-logs' }, async (run) => {
    const { problems, work } = run;
    const engine = new DockerEngine({ root: path.join(work, 'engine'), netns: `e2e-router-${process.pid}` });
    run.cleanup(() => engine.stop());
    const probe = (args: string[]) => engine.inNetns([process.execPath, path.join(options.harnessDir, 'router-probe.cjs'), ...args], { timeoutMs: 60_000 });
    const first = routerOf(APPS);
    const get = async (host: string, urlPath = '/', port = first.httpsPort) => JSON.parse((await probe(['get', String(port), host, urlPath])).stdout) as Answer;
    const checks = new RouterChecks(get, problems, log);
    log(`rendered the router for ${APPS.length} apps from the Paas stack (https port ${first.httpsPort}, redirect port ${first.redirectPort})`);
    const rootfs = await run.phases.time('image', () => paasRootfs(run.cacheDir, path.join(options.repo, 'examples', 'counter', 'counter.py'), log));
    run.imageBuilt = rootfs.built;
    await engine.start();
    await importPaasImage(engine, rootfs.tarball);
    await engine.docker(['network', 'create', NETWORK]);
    for (const store of STORES) {
      await engine.docker(['run', '--detach', '--name', store.name, '--network', NETWORK, '--user', store.user, PAAS_IMAGE, ...store.command]);
    }
    for (const store of STORES) await waitFor(async () => (await engine.docker(['exec', store.name, ...store.ready], true)).code === 0, `${store.name} to be ready`);
    for (const app of APPS) await startApp(engine, app);

    const confDir = path.join(work, 'router-conf');
    mkdirSync(confDir);
    writeConfig(confDir, first.nginxConfig);
    await engine.docker([
      'run', '--detach', '--name', 'router', '--network', NETWORK,
      '--publish', `${first.httpsPort}:${first.httpsPort}/tcp`, '--publish', `${first.redirectPort}:${first.redirectPort}/tcp`,
      '--volume', `${confDir}:/etc/nginx/conf.d:ro`, PAAS_IMAGE, 'nginx', '-g', 'daemon off;',
    ]);
    await waitFor(async () => (await get(`www.${DOMAIN}`)).status === 200, 'the router to answer www');

    let answered = await checks.answersByName(APPS);
    await checks.unknownName();
    await checks.redirect(first.redirectPort);

    await engine.docker(['stop', 'postgres-counter']);
    await checks.unavailable('postgres-counter', 'with its container stopped');
    await engine.docker(['start', 'postgres-counter']);
    await waitFor(async () => (await get(`postgres-counter.${DOMAIN}`)).status === 200, 'postgres-counter to answer again');

    const updated = routerOf([...APPS, ADDED]);
    const loop = probe(['loop', String(first.httpsPort), String(RELOAD_LOOP_MS), ...APPS.map((app) => `${app.hostName}.${DOMAIN}`)]);
    await sleep(1500);
    await startApp(engine, ADDED);
    writeConfig(confDir, updated.nginxConfig);
    await engine.docker(['exec', 'router', 'nginx', '-t']);
    await engine.docker(['exec', 'router', ...updated.reload]);
    log(`update: started the added app, rewrote the configuration, ran the router's reload: ${updated.reload.join(' ')}`);
    const reload = JSON.parse((await loop).stdout) as LoopCount;
    checks.reload(reload);
    answered += await checks.answersByName([ADDED]);

    const update = await run.phases.time('host update', () =>
      hostUpdate({
        engine, dir: path.join(work, 'site-host'), network: NETWORK, httpsPort: first.httpsPort, resolverValid: first.resolverValid,
        probe: path.join(options.harnessDir, 'router-probe.cjs'), problems, log,
      }),
    );
    return `${routerSummary('router', answered, reload)}\n${hostUpdateSummary(update)}`;
  });
}

/** What the run needs of the Paas stack's router: its configuration, its ports and its reload command. */
interface RenderedRouter {
  readonly nginxConfig: string;
  readonly httpsPort: number;
  readonly redirectPort: number;
  readonly reload: readonly string[];
  readonly resolverValid: Duration;
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
    router = { nginxConfig: stack.router.nginxConfig, httpsPort: stack.router.httpsPort, redirectPort: stack.router.redirectPort, reload, resolverValid: stack.router.resolverValid };
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
  const environment = datastoreEnvironment(app.datastore, (store) => store);
  await engine.docker(['run', '--detach', '--name', app.hostName, '--network', NETWORK, ...environment.flatMap((line) => ['--env', line]), app.image, ...(app.command ?? [])]);
}

/** Replaces the file in one rename, as the host's update does, so nginx never reads half of it. */
function writeConfig(dir: string, content: string): void {
  writeFileSync(path.join(dir, '.apps.conf.new'), content, { mode: 0o644 });
  renameSync(path.join(dir, '.apps.conf.new'), path.join(dir, 'apps.conf'));
}

function log(line: string): void {
  logPhase('router', line);
}
