import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readStubCalls, type StubCall } from '../docker/checks';
import { DockerEngine } from '../docker/engine';
import type { RunResult } from '../exec';

/** System folders a node's scripts run with behind overlays; what they write there stays in the node's folder. */
const OVERLAID = ['/etc', '/opt', '/root', '/srv', '/usr/local', '/var/lib', '/var/log', '/home'];

export interface SwarmNodeOptions {
  readonly label: string;
  readonly role: 'manager' | 'worker';
  /** The node's user data, as CloudFormation would hand it to the instance. */
  readonly userData: string;
  /** The `Metadata` of the node's Auto Scaling group, resolved. */
  readonly metadata: unknown;
  readonly instanceId: string;
  readonly workDir: string;
  readonly netns: string;
  /** The folder the nodes share as the account's SSM Parameter Store. */
  readonly parameterStore: string;
  readonly logDir: string;
  readonly harnessDir: string;
}

/**
 * One swarm node of the app, played on this machine: a Docker engine in a
 * network namespace of its own, wired into the run's VPC, and its user data
 * run as root against that engine with the system folders behind overlays
 * and stand-ins for dnf, systemctl, cfn-signal, cfn-init, ec2-metadata and
 * the AWS CLI.
 */
export class SwarmNode {
  readonly engine: DockerEngine;
  address = '';
  private readonly bin: string;

  constructor(readonly options: SwarmNodeOptions) {
    this.engine = new DockerEngine({ root: path.join(options.workDir, 'engine'), netns: options.netns });
    this.bin = path.join(options.workDir, 'bin');
  }

  get label(): string {
    return this.options.label;
  }

  private get upperRoot(): string {
    return path.join(this.options.workDir, 'overlays');
  }

  private get stubLog(): string {
    return path.join(this.options.workDir, 'stub-calls');
  }

  private get callLog(): string {
    return path.join(this.options.workDir, 'aws-calls');
  }

  /** Writes the stand-ins; cfn-init also where the cfn-hup hook calls it, /opt/aws/bin. */
  prepare(): void {
    const { harnessDir, workDir, metadata } = this.options;
    mkdirSync(this.bin, { recursive: true });
    const stub = path.join(this.bin, 'stub');
    copyFileSync(path.join(harnessDir, 'docker', 'stub.sh'), stub);
    for (const command of ['dnf', 'cfn-signal']) copyFileSync(stub, path.join(this.bin, command));
    copyFileSync(path.join(harnessDir, 'swarm', 'stand-ins', 'systemctl.sh'), path.join(this.bin, 'systemctl'));
    copyFileSync(path.join(harnessDir, 'swarm', 'stand-ins', 'ec2-metadata.sh'), path.join(this.bin, 'ec2-metadata'));
    const node = (name: string, script: string) => writeFileSync(path.join(this.bin, name), `#!/bin/sh\nexec ${process.execPath} ${path.join(harnessDir, 'swarm', 'stand-ins', script)} "$@"\n`);
    node('aws', 'aws.cjs');
    node('cfn-init', 'cfn-init.cjs');
    const optBin = path.join(this.upperRoot, 'opt', 'upper', 'aws', 'bin');
    mkdirSync(optBin, { recursive: true });
    copyFileSync(path.join(this.bin, 'cfn-init'), path.join(optBin, 'cfn-init'));
    for (const file of ['dnf', 'cfn-signal', 'systemctl', 'ec2-metadata', 'aws', 'cfn-init', 'stub']) chmodSync(path.join(this.bin, file), 0o755);
    chmodSync(path.join(optBin, 'cfn-init'), 0o755);
    writeFileSync(path.join(workDir, 'metadata.json'), JSON.stringify(metadata ?? {}));
    writeFileSync(this.stubLog, '');
    writeFileSync(this.callLog, '');
  }

  /** Runs the user data as the instance would at its first boot. */
  async runUserData(): Promise<RunResult & { durationMs: number }> {
    const script = path.join(this.options.workDir, 'user-data.sh');
    writeFileSync(script, this.options.userData, { mode: 0o700 });
    writeFileSync(`${this.logPrefix}.user-data.sh`, this.options.userData);
    const started = Date.now();
    const result = await this.runScript(script);
    writeFileSync(`${this.logPrefix}.user-data.log`, `${result.stdout}${result.stderr}`);
    return { ...result, durationMs: Date.now() - started };
  }

  /** Runs a command line on the node, as root with its overlays, as cfn-hup or Run Command would. */
  async runCommand(commandLine: string): Promise<RunResult> {
    const script = path.join(this.options.workDir, 'command.sh');
    writeFileSync(script, `#!/bin/bash\nset -euo pipefail\nexport PATH="$PATH:/opt/aws/bin"\n${commandLine}\n`, { mode: 0o700 });
    const result = await this.runScript(script);
    writeFileSync(`${this.logPrefix}.commands.log`, `$ ${commandLine}\n${result.stdout}${result.stderr}\n`, { flag: 'a' });
    return result;
  }

  /** Replaces the resolved metadata, as a stack update does, for the next cfn-init. */
  updateMetadata(metadata: unknown): void {
    writeFileSync(path.join(this.options.workDir, 'metadata.json'), JSON.stringify(metadata));
  }

  /** A file the node's scripts wrote under an overlaid folder, or `undefined`. */
  writtenFile(file: string): string | undefined {
    const dir = OVERLAID.find((candidate) => file.startsWith(`${candidate}/`));
    if (!dir) return undefined;
    const inUpper = path.join(this.upperRoot, dir, 'upper', path.relative(dir, file));
    return existsSync(inUpper) ? readFileSync(inUpper, 'utf8') : undefined;
  }

  /** The AWS CLI and cfn-init calls, one object each. */
  awsCalls(): Array<Record<string, unknown>> {
    if (!existsSync(this.callLog)) return [];
    return readFileSync(this.callLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** The calls of the recording stubs (dnf, systemctl, cfn-signal): command and arguments. */
  stubCalls(): StubCall[] {
    return readStubCalls(this.stubLog);
  }

  async stop(): Promise<string[]> {
    if (existsSync(this.engine.logFile)) copyFileSync(this.engine.logFile, `${this.logPrefix}.dockerd.log`);
    const problems = await this.engine.stop();
    try {
      rmSync(this.options.workDir, { recursive: true, force: true });
    } catch (error) {
      problems.push(`removing ${this.options.workDir}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return problems;
  }

  private get logPrefix(): string {
    return path.join(this.options.logDir, this.options.label.replace(/[^A-Za-z0-9.-]+/g, '_'));
  }

  private runScript(script: string): Promise<RunResult> {
    return this.engine.inNetns(
      ['unshare', '--mount', '--propagation', 'private', 'bash', path.join(this.options.harnessDir, 'docker', 'overlay-run.sh'), this.upperRoot, script, ...OVERLAID],
      {
        env: {
          PATH: `${this.bin}:/usr/sbin:/usr/bin:/sbin:/bin`,
          HOME: '/root',
          LANG: 'C.UTF-8',
          DOCKER_HOST: this.engine.dockerHost,
          E2E_STUB: path.join(this.bin, 'stub'),
          E2E_NODE: process.execPath,
          E2E_STUB_LOG: this.stubLog,
          E2E_CALL_LOG: this.callLog,
          E2E_SSM_DIR: this.options.parameterStore,
          E2E_CFN_METADATA: path.join(this.options.workDir, 'metadata.json'),
          E2E_NODE_ADDRESS: this.address,
          E2E_INSTANCE_ID: this.options.instanceId,
          E2E_ENGINE_CONFIG: this.engine.configFile,
          E2E_ENGINE_PID: this.engine.pidFile,
        },
        allowFailure: true,
        timeoutMs: 600_000,
      },
    );
  }
}
