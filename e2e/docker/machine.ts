import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../exec';
import { readStubCalls, type StubCall } from '../../testkit/stub';
import { DockerEngine } from './engine';

/** System folders a machine's scripts run with behind overlays (`overlay-run.sh`); what they write there stays in the machine's folder. */
export const OVERLAID = ['/etc', '/opt', '/root', '/srv', '/usr/local', '/var/lib', '/var/log', '/home'];

/** Where a machine of the run keeps its files and what its network namespace is called. */
export interface MachineLayout {
  readonly label: string;
  readonly workDir: string;
  readonly netns: string;
  readonly logDir: string;
  readonly harnessDir: string;
}

/** One call of the AWS CLI stand-in (`swarm/stand-ins/aws.cjs`) or the swarm's cfn-init stand-in, as it logged it. */
export type AwsCall = Record<string, unknown>;

/**
 * An instance of the app played on this machine: a Docker engine in a
 * network namespace of its own, and scripts (user data, cfn-hup's hook
 * actions) run as root against that engine, with the system folders behind
 * overlays and the commands of Amazon Linux replaced by stand-ins that record
 * their calls. A Docker host and a swarm node differ only in their stand-ins
 * and what those read, which `environment` gives.
 */
export abstract class OverlaidMachine {
  readonly engine: DockerEngine;

  constructor(protected readonly layout: MachineLayout) {
    this.engine = new DockerEngine({ root: path.join(layout.workDir, 'engine'), netns: layout.netns });
  }

  get label(): string {
    return this.layout.label;
  }

  /** Variables the stand-ins read besides the ones every machine has. */
  protected abstract environment(): Record<string, string>;

  protected get upperRoot(): string {
    return path.join(this.layout.workDir, 'overlays');
  }

  protected get stubLog(): string {
    return path.join(this.layout.workDir, 'stub-calls');
  }

  protected get callLog(): string {
    return path.join(this.layout.workDir, 'aws-calls');
  }

  /** The instance's resolved metadata, as cfn-init's stand-in reads it. */
  protected get metadataFile(): string {
    return path.join(this.layout.workDir, 'metadata.json');
  }

  protected get logPrefix(): string {
    return path.join(this.layout.logDir, this.layout.label.replace(/[^A-Za-z0-9.-]+/g, '_'));
  }

  /** Runs a command line on the machine, as root with its overlays, as cfn-hup runs a hook's action or Run Command a command. */
  async runCommand(commandLine: string): Promise<RunResult> {
    const script = path.join(this.layout.workDir, 'command.sh');
    writeFileSync(script, `#!/bin/bash\nset -euo pipefail\nexport PATH="$PATH:/opt/aws/bin"\n${commandLine}\n`, { mode: 0o700 });
    const result = await this.runScript(script, 600_000);
    writeFileSync(`${this.logPrefix}.commands.log`, `$ ${commandLine}\n${result.stdout}${result.stderr}\n`, { flag: 'a' });
    return result;
  }

  /** Replaces the resolved metadata, as a stack update does, for the next cfn-init. */
  updateMetadata(metadata: unknown): void {
    writeFileSync(this.metadataFile, JSON.stringify(metadata ?? {}));
  }

  /** A file the machine's scripts wrote under an overlaid folder: its mode and content, or `undefined` when they did not write it. */
  writtenFile(file: string): { mode: number; content: string } | undefined {
    if (!OVERLAID.some((dir) => file.startsWith(`${dir}/`))) return undefined;
    const inUpper = this.upperPath(file);
    if (!existsSync(inUpper)) return undefined;
    return { mode: statSync(inUpper).mode, content: readFileSync(inUpper, 'utf8') };
  }

  /** Where a file the machine's scripts write under an overlaid folder lands on this machine. */
  upperPath(file: string): string {
    const dir = OVERLAID.find((candidate) => file.startsWith(`${candidate}/`));
    if (!dir) throw new Error(`${file} is not under an overlaid folder (${OVERLAID.join(', ')})`);
    return path.join(this.upperRoot, dir, 'upper', path.relative(dir, file));
  }

  /** The action of a cfn-hup hook the machine's cfn-init wrote, such as `/etc/cfn/hooks.d/docker-host.conf`. */
  hookAction(hookFile: string): string {
    const hook = this.writtenFile(hookFile)?.content ?? '';
    const action = /^action=(.*)$/m.exec(hook)?.[1];
    if (!action) throw new Error(`${this.label}: ${hookFile} has no action line:\n${hook}`);
    return action;
  }

  /** The calls of the recording stubs (dnf, systemctl, cfn-signal, ...), in order. */
  stubCalls(): StubCall[] {
    return readStubCalls(this.stubLog);
  }

  /** The AWS CLI (and the swarm's cfn-init) calls, one object each. */
  awsCalls(): AwsCall[] {
    if (!existsSync(this.callLog)) return [];
    return readFileSync(this.callLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as AwsCall);
  }

  /** Stops the engine and removes everything of the machine; reports what could not be undone. */
  async stop(): Promise<string[]> {
    if (existsSync(this.engine.logFile)) copyFileSync(this.engine.logFile, `${this.logPrefix}.dockerd.log`);
    const problems = await this.engine.stop();
    try {
      rmSync(this.layout.workDir, { recursive: true, force: true });
    } catch (error) {
      problems.push(`removing ${this.layout.workDir}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return problems;
  }

  /** Runs a script as root in the machine's network and mount namespaces, with the system folders behind its overlays. */
  protected runScript(script: string, timeoutMs: number): Promise<RunResult> {
    return this.engine.inNetns(
      ['unshare', '--mount', '--propagation', 'private', 'bash', path.join(this.layout.harnessDir, 'docker', 'overlay-run.sh'), this.upperRoot, script, ...OVERLAID],
      {
        env: {
          PATH: `${path.join(this.layout.workDir, 'bin')}:/usr/sbin:/usr/bin:/sbin:/bin`,
          HOME: '/root',
          LANG: 'C.UTF-8',
          DOCKER_HOST: this.engine.dockerHost,
          STUB_LOG: this.stubLog,
          E2E_CALL_LOG: this.callLog,
          E2E_CFN_METADATA: this.metadataFile,
          ...this.environment(),
        },
        allowFailure: true,
        timeoutMs,
      },
    );
  }
}
