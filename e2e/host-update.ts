import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { ContainerLogging, DockerHost, VpcDependency } from '../lib';
import { APPLY_PROGRAM } from '../lib/host/docker-host-script';
import { ENV_FILE_MODULE } from '../lib/nodes';
import { Resolver } from '../testkit/cloudformation/intrinsics';
import type { CfnTemplate } from '../testkit/cloudformation/template';
import { PAAS_IMAGE, STATIC_SITE } from './docker/image';
import type { DockerEngine } from './docker/engine';
import { run as runCommand, type RunResult } from './exec';
import { APPS, DOMAIN, waitFor, type Answer } from './router-checks';

/** The app the update replaces: the example's static site, on the apps' network, reached by the router by its name. */
const SITE = APPS.find((app) => app.hostName === 'www')!;
/** The site's new image, built in the engine from `PAAS_IMAGE` with another page. */
const NEW_IMAGE = 'e2e/paas:site-2';
const NEW_PAGE = STATIC_SITE.replace('hello', 'version 2');
const HOST_STACK = 'SiteHost-e2e';

/** What the update phase measured. */
export interface HostUpdate {
  /** Requests the client sent to the site through the router while the update ran, and how many failed. */
  readonly requests: number;
  readonly failed: number;
  readonly failures: readonly string[];
  /** Seconds from the cfn-hup action's start to the first answer of the new version, if one came. */
  readonly answeringSeconds?: number;
}

export interface HostUpdateOptions {
  readonly engine: DockerEngine;
  /** A folder of the run for the host's files. */
  readonly dir: string;
  readonly network: string;
  readonly httpsPort: number;
  /** The router's `resolverValid`. */
  readonly resolverValid: Duration;
  /** The probe program, run in the engine's network namespace. */
  readonly probe: string;
  readonly problems: string[];
  readonly log: (line: string) => void;
}

/**
 * A stack update of a Docker host that changes the site's image and
 * environment, as `cfn-hup` applies it: the site's container is first
 * handed to the apply program of the host's metadata (its boot), then the
 * new metadata's host file is what the `cfn-init` stand-in writes and the
 * hook's action runs, while a client asks the site through the router by its
 * name until the action has ended. Every request must succeed, the new
 * version must answer afterwards, and the wait condition get SUCCESS.
 */
export async function hostUpdate(options: HostUpdateOptions): Promise<HostUpdate> {
  const { engine, dir, problems, log } = options;
  await engine.docker(['run', '--name', 'site-2-build', PAAS_IMAGE, 'sh', '-c', 'printf "%s" "$1" > /srv/site/index.html', 'sh', NEW_PAGE]);
  await engine.docker(['commit', 'site-2-build', NEW_IMAGE]);
  await engine.docker(['rm', 'site-2-build']);

  const host = new SiteHost(dir, options);
  const before = host.metadata(PAAS_IMAGE, '1');
  const after = host.metadata(NEW_IMAGE, '2');
  if (before.applyId === after.applyId) problems.push(`host update: the new image and environment keep apply id ${before.applyId}, so the stack would not wait for them`);

  // The boot: the host's apply program takes the site over from the container the run started.
  await engine.docker(['rm', '--force', SITE.hostName]);
  const boot = await host.apply(before, ['--boot']);
  if (boot.code !== 0) throw new Error(`host update: the apply program at boot exited with ${boot.code}: ${`${boot.stdout}${boot.stderr}`.trim()}`);
  const get = async () => JSON.parse((await engine.inNetns([process.execPath, options.probe, 'get', String(options.httpsPort), `${SITE.hostName}.${DOMAIN}`, '/'])).stdout) as Answer;
  await waitFor(async () => (await get()).status === 200, 'the site to answer through the router after the boot');

  const stopFile = path.join(dir, 'client.stop');
  const client = engine.inNetns([process.execPath, options.probe, 'watch', String(options.httpsPort), stopFile, `${SITE.hostName}.${DOMAIN}`, 'version 2'], {
    timeoutMs: 300_000,
  });
  await sleep(1500);
  const started = Date.now();
  const action = await host.apply(after, host.hookAction().slice(1));
  const actionMs = Date.now() - started;
  await sleep(2000);
  writeFileSync(stopFile, '');
  const count = JSON.parse((await client).stdout) as { requests: number; failed: number; failures: string[]; markedAt: number | null };
  log(`host update: cfn-hup action exit ${action.code} after ${(actionMs / 1000).toFixed(1)} s: ${action.stdout.trim().split('\n').join('; ')}`);
  if (action.code !== 0) problems.push(`host update: the cfn-hup action exited with ${action.code}: ${`${action.stdout}${action.stderr}`.trim().split('\n').slice(-10).join('\n')}`);

  const signals = host.signals();
  const expected = `--exit-code 0 --reason every container runs --id ${after.applyId} ${after.waitHandle}`;
  if (signals.at(-1) !== expected) problems.push(`host update: the new wait condition got ${signals.at(-1) ?? 'no signal'}, not ${expected}`);
  if (count.failed > 0) problems.push(`host update: ${count.failed} of ${count.requests} requests to the site failed: ${count.failures.join('; ')}`);
  if (count.markedAt === null) problems.push('host update: the new version never answered while the client asked');
  const answer = await get();
  if (answer.status !== 200 || answer.body !== NEW_PAGE) problems.push(`host update: the site answers ${answer.status} ${answer.body.trim()}, not the new version's page`);
  const [site] = JSON.parse((await engine.docker(['inspect', SITE.hostName])).stdout) as { Config: { Image: string; Env: string[] } }[];
  if (site.Config.Image !== NEW_IMAGE) problems.push(`host update: the site runs ${site.Config.Image}, not ${NEW_IMAGE}`);
  if (!site.Config.Env.includes('SITE_VERSION=2')) problems.push(`host update: the site's environment lacks SITE_VERSION=2: ${site.Config.Env.join(' ')}`);
  const names = (await engine.docker(['ps', '--all', '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean);
  const left = names.filter((name) => name.startsWith(`${SITE.hostName}.`));
  if (left.length > 0) problems.push(`host update: containers left beside the site: ${left.join(', ')}`);
  return {
    requests: count.requests,
    failed: count.failed,
    failures: count.failures,
    answeringSeconds: count.markedAt === null ? undefined : (count.markedAt - started) / 1000,
  };
}

/** The two lines the run prints of the update. */
export function hostUpdateSummary(update: HostUpdate): string {
  const answering = update.answeringSeconds === undefined ? 'never answering' : `answering ${update.answeringSeconds.toFixed(1)} s after the update reached the host`;
  return `host update: ${update.requests} requests, ${update.failed} failed\nhost update: new container ${answering}`;
}

/** A host file as the apply program reads it, with the wait condition it signals. */
interface HostFile {
  readonly applyId: string;
  readonly waitHandle: string;
  readonly [key: string]: unknown;
}

/**
 * One Docker host of the site, as `DockerHost` synthesizes it, its metadata
 * resolved; the apply program and its env-file rules written from that
 * metadata to `dir`, beside stand-ins for `cfn-init` (writes the pending host
 * file) and `cfn-signal` (records its arguments).
 */
class SiteHost {
  private readonly hostFile: string;
  private readonly pending: string;
  private readonly signalLog: string;
  private hookLine = '';

  constructor(
    private readonly dir: string,
    private readonly options: HostUpdateOptions,
  ) {
    mkdirSync(path.join(dir, 'bin'), { recursive: true });
    mkdirSync(path.join(dir, 'sbin'), { recursive: true });
    this.hostFile = path.join(dir, 'host.json');
    this.pending = path.join(dir, 'pending-host.json');
    this.signalLog = path.join(dir, 'signals.log');
    writeFileSync(path.join(dir, 'bin', 'cfn-init'), `#!/bin/sh\ncp "${this.pending}" "${this.hostFile}"\n`, { mode: 0o755 });
    writeFileSync(path.join(dir, 'bin', 'cfn-signal'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${this.signalLog}"\n`, { mode: 0o755 });
  }

  /** The host file of the site with this image and SITE_VERSION, from the host's synthesized and resolved metadata; writes the program it ships. */
  metadata(image: string, version: string): HostFile {
    const app = new App();
    const stack = new Stack(app, HOST_STACK);
    new DockerHost(stack, 'Host', {
      ...new VpcDependency(stack, 'Vpc', { vpcName: 'e2e-main' }).placement(0),
      envFileDirectory: path.join(this.dir, 'env'),
      startupGracePeriod: Duration.seconds(2),
      routerResolverValid: this.options.resolverValid,
      containers: [{
        name: SITE.hostName,
        image,
        command: [...(SITE.command ?? [])],
        network: this.options.network,
        route: { hostName: SITE.hostName, port: SITE.port },
        environment: { SITE_VERSION: version },
        logging: ContainerLogging.jsonFile(),
      }],
    });
    const template = app.synth().getStackByName(HOST_STACK).template as CfnTemplate;
    const model = { stackName: HOST_STACK, template };
    const resolver = new Resolver([model], { accountId: '123456789012', region: 'eu-west-1', partition: 'aws', urlSuffix: 'amazonaws.com' });
    const [logicalId, instance] = Object.entries(template.Resources).find(([, resource]) => resource.Type === 'AWS::EC2::Instance')!;
    const files = (resolver.resolve(model, instance.Metadata, `${logicalId}.Metadata`) as { 'AWS::CloudFormation::Init': { config: { files: Record<string, { content: unknown }> } } })[
      'AWS::CloudFormation::Init'
    ].config.files;
    const program = path.join(this.dir, 'sbin', path.basename(APPLY_PROGRAM));
    writeFileSync(program, files[APPLY_PROGRAM].content as string);
    chmodSync(program, 0o700);
    writeFileSync(path.join(this.dir, 'sbin', path.basename(ENV_FILE_MODULE)), files[ENV_FILE_MODULE].content as string);
    this.hookLine = String(files['/etc/cfn/hooks.d/docker-host.conf'].content).split('\n').find((line) => line.startsWith('action=')) ?? '';
    return files['/etc/docker-host/host.json'].content as HostFile;
  }

  /** The hook's action, the program's path moved to the copy: the program, then its arguments. */
  hookAction(): string[] {
    const words = this.hookLine.slice('action='.length).split(' ');
    if (words[0] !== APPLY_PROGRAM) throw new Error(`the cfn-hup hook runs ${this.hookLine}, not the apply program`);
    return [path.join(this.dir, 'sbin', path.basename(APPLY_PROGRAM)), ...words.slice(1)];
  }

  /** Runs the apply program with `args`; `hostFile` is the host file on the host at boot, or what cfn-init writes on an update. */
  async apply(hostFile: HostFile, args: readonly string[]): Promise<RunResult> {
    writeFileSync(args.includes('--update') ? this.pending : this.hostFile, JSON.stringify(hostFile), { mode: 0o600 });
    return runCommand(path.join(this.dir, 'sbin', path.basename(APPLY_PROGRAM)), args, {
      env: {
        PATH: `${path.join(this.dir, 'bin')}:/usr/sbin:/usr/bin:/sbin:/bin`,
        LANG: 'C.UTF-8',
        DOCKER_HOST: this.options.engine.dockerHost,
        DOCKER_HOST_FILE: this.hostFile,
        DOCKER_HOST_APPLY_LOCK: path.join(this.dir, 'apply.lock'),
      },
      allowFailure: true,
      timeoutMs: 180_000,
    });
  }

  /** What cfn-signal was called with, one line a call. */
  signals(): string[] {
    return existsSync(this.signalLog) ? readFileSync(this.signalLog, 'utf8').split('\n').filter(Boolean) : [];
  }
}
