import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { installStubs } from '../../testkit/stub';
import type { ContainerInspect } from './checks';
import { OverlaidMachine, type MachineLayout } from './machine';
import { hostFileOf, planHost, planScript, type ScriptPlan } from './script';

/** Commands of Amazon Linux the user data calls that the run replaces with recording stubs. */
const STUBBED = ['dnf', 'systemctl', 'cfn-signal', 'cfn-hup'];

export interface UserDataResult {
  readonly exitCode: number | null;
  readonly output: string;
  readonly durationMs: number;
}

/**
 * One Docker host of the app, played on this machine: its own Docker engine
 * in its own network namespace, and its user data run as root against that
 * engine, with `dnf`, `systemctl`, `cfn-signal` and `cfn-hup` replaced by
 * stubs that record their calls, `cfn-init` by a stand-in that writes the
 * files of the resolved metadata, the AWS CLI by the run's stand-in (which
 * answers Secrets Manager from the run's store) and the system folders
 * behind overlays.
 */
export class HostMachine extends OverlaidMachine {
  readonly plan: ScriptPlan;
  private readonly secretStore: string;

  constructor(
    readonly script: string,
    layout: MachineLayout & {
      /** The JSON file of secret ARNs and values the AWS CLI stand-in answers `secretsmanager get-secret-value` from. */
      readonly secretStore: string;
    },
    /** The instance's resolved metadata, which the cfn-init stand-in writes; `undefined` when it has none. */
    readonly metadata?: Record<string, any>,
  ) {
    super(layout);
    this.secretStore = layout.secretStore;
    this.plan = metadata ? planHost(hostFileOf(metadata)) : planScript(script);
  }

  async runUserData(): Promise<UserDataResult> {
    const { harnessDir, workDir } = this.layout;
    const bin = path.join(workDir, 'bin');
    mkdirSync(bin, { recursive: true });
    installStubs(path.join(harnessDir, '..'), bin, STUBBED);
    copyFileSync(path.join(harnessDir, 'docker', 'cfn-init.py'), path.join(bin, 'cfn-init'));
    writeFileSync(path.join(bin, 'aws'), `#!/bin/sh\nexec ${process.execPath} ${path.join(harnessDir, 'swarm', 'stand-ins', 'aws.cjs')} "$@"\n`);
    for (const command of ['cfn-init', 'aws']) chmodSync(path.join(bin, command), 0o755);
    this.updateMetadata(this.metadata);
    const scriptFile = path.join(workDir, 'user-data.sh');
    writeFileSync(scriptFile, this.script, { mode: 0o700 });
    writeFileSync(this.stubLog, '');
    writeFileSync(this.callLog, '');
    const started = Date.now();
    const result = await this.runScript(scriptFile, 300_000);
    const output = `${result.stdout}${result.stderr}`;
    writeFileSync(`${this.logPrefix}.user-data.sh`, this.script);
    writeFileSync(`${this.logPrefix}.user-data.log`, output);
    return { exitCode: result.code, output, durationMs: Date.now() - started };
  }

  async inspectAll(): Promise<ContainerInspect[]> {
    const ids = (await this.engine.docker(['ps', '--all', '--quiet'])).stdout.split('\n').filter(Boolean);
    if (ids.length === 0) return [];
    return JSON.parse((await this.engine.docker(['inspect', ...ids])).stdout) as ContainerInspect[];
  }

  /**
   * A memcached round trip to a port of the host, from inside the host's
   * network namespace: `set` stores the value and reads it back, `get` only
   * reads what is stored. Returns what went wrong, or `undefined`.
   */
  async memcached(mode: 'set' | 'get', port: number, key: string, value: string): Promise<string | undefined> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = [process.execPath, path.join(this.layout.harnessDir, 'memcached-probe.cjs'), '127.0.0.1', String(port), key, value, mode];
      const result = await this.engine.inNetns(probe, { allowFailure: true, timeoutMs: 15_000 });
      if (result.code === 0) return undefined;
      // A value that is not there stays missing: only a refused or broken connection is worth another try.
      if (Date.now() > deadline || result.code === 2) return `${result.stdout}${result.stderr}`.trim();
      await sleep(250);
    }
  }

  protected environment(): Record<string, string> {
    // Each instance has a /run of its own, where the apply program takes its lock: the machines share the run's.
    return { E2E_SECRETS: this.secretStore, DOCKER_HOST_APPLY_LOCK: path.join(this.layout.workDir, 'docker-host-apply.lock') };
  }
}
