import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStubCalls, type ContainerInspect, type StubCall } from './checks';
import { DockerEngine } from './engine';
import { hostFileOf, planHost, planScript, type ScriptPlan } from './script';

/** Commands of Amazon Linux the user data calls that the run replaces with recording stubs. */
const STUBBED = ['dnf', 'systemctl', 'cfn-signal', 'cfn-hup'];
/** System folders the user data runs with behind overlays (`overlay-run.sh`); what it writes there stays in the run's folder. */
const OVERLAID = ['/etc', '/opt', '/root', '/srv', '/usr/local', '/var/lib', '/var/log', '/home'];

export interface UserDataResult {
  readonly exitCode: number | null;
  readonly output: string;
  readonly durationMs: number;
}

/**
 * One Docker host of the app, played on this machine: its own Docker engine
 * in its own network namespace, and its user data run as root against that
 * engine, with `dnf`, `systemctl` and `cfn-signal` replaced by stubs that
 * record their calls and the system folders behind overlays.
 */
export class HostMachine {
  readonly engine: DockerEngine;
  readonly plan: ScriptPlan;
  private readonly work: string;
  private readonly harnessDir: string;
  private readonly logPrefix: string;

  constructor(
    readonly label: string,
    readonly script: string,
    options: { readonly workDir: string; readonly netns: string; readonly logDir: string; readonly harnessDir: string },
    /** The instance's resolved metadata, which the cfn-init stand-in writes; `undefined` when it has none. */
    private metadata?: Record<string, any>,
  ) {
    this.work = options.workDir;
    this.logPrefix = path.join(options.logDir, label.replace(/[^A-Za-z0-9.-]+/g, '_'));
    this.engine = new DockerEngine({ root: path.join(this.work, 'engine'), netns: options.netns });
    this.plan = metadata ? planHost(hostFileOf(metadata)) : planScript(script);
    this.harnessDir = options.harnessDir;
  }

  private get stubLog(): string {
    return path.join(this.work, 'stub-calls');
  }

  private get metadataFile(): string {
    return path.join(this.work, 'metadata.json');
  }

  private get upperRoot(): string {
    return path.join(this.work, 'overlays');
  }

  async runUserData(): Promise<UserDataResult> {
    const bin = path.join(this.work, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const command of STUBBED) {
      copyFileSync(path.join(this.harnessDir, 'docker', 'stub.sh'), path.join(bin, command));
      chmodSync(path.join(bin, command), 0o755);
    }
    copyFileSync(path.join(this.harnessDir, 'docker', 'cfn-init.py'), path.join(bin, 'cfn-init'));
    chmodSync(path.join(bin, 'cfn-init'), 0o755);
    writeFileSync(this.metadataFile, JSON.stringify(this.metadata ?? {}));
    const scriptFile = path.join(this.work, 'user-data.sh');
    writeFileSync(scriptFile, this.script, { mode: 0o700 });
    writeFileSync(this.stubLog, '');
    const started = Date.now();
    const result = await this.engine.inNetns(
      ['unshare', '--mount', '--propagation', 'private', 'bash', path.join(this.harnessDir, 'docker', 'overlay-run.sh'), this.upperRoot, scriptFile, ...OVERLAID],
      {
        env: {
          PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`,
          HOME: '/root',
          LANG: 'C.UTF-8',
          DOCKER_HOST: this.engine.dockerHost,
          E2E_STUB_LOG: this.stubLog,
          E2E_METADATA: this.metadataFile,
        },
        allowFailure: true,
        timeoutMs: 300_000,
      },
    );
    const output = `${result.stdout}${result.stderr}`;
    writeFileSync(`${this.logPrefix}.user-data.sh`, this.script);
    writeFileSync(`${this.logPrefix}.user-data.log`, output);
    return { exitCode: result.code, output, durationMs: Date.now() - started };
  }

  /** The calls of the stubbed commands, in order. */
  stubCalls(): StubCall[] {
    return readStubCalls(this.stubLog);
  }

  /** A file the user data wrote under an overlaid folder: its mode and content, or `undefined` when it did not write it. */
  writtenFile(file: string): { mode: number; content: string } | undefined {
    const dir = OVERLAID.find((candidate) => file.startsWith(`${candidate}/`));
    if (!dir) return undefined;
    const inUpper = path.join(this.upperRoot, dir, 'upper', path.relative(dir, file));
    if (!existsSync(inUpper)) return undefined;
    return { mode: statSync(inUpper).mode, content: readFileSync(inUpper, 'utf8') };
  }

  async inspectAll(): Promise<ContainerInspect[]> {
    const ids = (await this.engine.docker(['ps', '--all', '--quiet'])).stdout.split('\n').filter(Boolean);
    if (ids.length === 0) return [];
    return JSON.parse((await this.engine.docker(['inspect', ...ids])).stdout) as ContainerInspect[];
  }

  /** A memcached set/get round trip to a port of the host, from inside the host's network namespace. */
  async memcachedRoundTrip(port: number, key: string, value: string): Promise<string | undefined> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = [process.execPath, path.join(this.harnessDir, 'memcached-probe.cjs'), '127.0.0.1', String(port), key, value];
      const result = await this.engine.inNetns(probe, { allowFailure: true, timeoutMs: 15_000 });
      if (result.code === 0) return undefined;
      if (Date.now() > deadline) return `${result.stdout}${result.stderr}`.trim();
      await sleep(250);
    }
  }

  /** Stops the engine and removes everything of the host; reports what could not be undone. */
  async stop(): Promise<string[]> {
    if (existsSync(this.engine.logFile)) copyFileSync(this.engine.logFile, `${this.logPrefix}.dockerd.log`);
    const problems = await this.engine.stop();
    try {
      rmSync(this.work, { recursive: true, force: true });
    } catch (error) {
      problems.push(`removing ${this.work}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return problems;
  }
}
