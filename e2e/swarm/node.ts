import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { installStubs } from '../../testkit/stub';
import { OverlaidMachine } from '../docker/machine';
import type { RunResult } from '../exec';

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
  /** The file of the run's instance ids and their Auto Scaling lifecycle states, which the AWS CLI stand-in answers from. */
  readonly autoScaling?: string;
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
export class SwarmNode extends OverlaidMachine {
  address = '';
  private readonly bin: string;

  constructor(readonly options: SwarmNodeOptions) {
    super(options);
    this.bin = path.join(options.workDir, 'bin');
  }

  /** Writes the stand-ins; cfn-init also where the cfn-hup hook calls it, /opt/aws/bin. */
  prepare(): void {
    const { harnessDir, metadata } = this.options;
    mkdirSync(this.bin, { recursive: true });
    installStubs(path.join(harnessDir, '..'), this.bin, ['dnf', 'cfn-signal', 'stub']);
    copyFileSync(path.join(harnessDir, 'swarm', 'stand-ins', 'systemctl.sh'), path.join(this.bin, 'systemctl'));
    copyFileSync(path.join(harnessDir, 'swarm', 'stand-ins', 'ec2-metadata.sh'), path.join(this.bin, 'ec2-metadata'));
    const node = (name: string, script: string) => writeFileSync(path.join(this.bin, name), `#!/bin/sh\nexec ${process.execPath} ${path.join(harnessDir, 'swarm', 'stand-ins', script)} "$@"\n`);
    node('aws', 'aws.cjs');
    node('cfn-init', 'cfn-init.cjs');
    const optBin = path.join(this.upperRoot, 'opt', 'upper', 'aws', 'bin');
    mkdirSync(optBin, { recursive: true });
    copyFileSync(path.join(this.bin, 'cfn-init'), path.join(optBin, 'cfn-init'));
    for (const file of ['systemctl', 'ec2-metadata', 'aws', 'cfn-init']) chmodSync(path.join(this.bin, file), 0o755);
    chmodSync(path.join(optBin, 'cfn-init'), 0o755);
    this.updateMetadata(metadata);
    writeFileSync(this.stubLog, '');
    writeFileSync(this.callLog, '');
  }

  /** Runs the user data as the instance would at its first boot. */
  async runUserData(): Promise<RunResult & { durationMs: number }> {
    const script = path.join(this.options.workDir, 'user-data.sh');
    writeFileSync(script, this.options.userData, { mode: 0o700 });
    writeFileSync(`${this.logPrefix}.user-data.sh`, this.options.userData);
    const started = Date.now();
    const result = await this.runScript(script, 600_000);
    writeFileSync(`${this.logPrefix}.user-data.log`, `${result.stdout}${result.stderr}`);
    return { ...result, durationMs: Date.now() - started };
  }

  protected environment(): Record<string, string> {
    return {
      E2E_STUB: path.join(this.bin, 'stub'),
      E2E_NODE: process.execPath,
      E2E_SSM_DIR: this.options.parameterStore,
      ...(this.options.autoScaling ? { E2E_AUTOSCALING: this.options.autoScaling } : {}),
      E2E_NODE_ADDRESS: this.address,
      E2E_INSTANCE_ID: this.options.instanceId,
      E2E_ENGINE_CONFIG: this.engine.configFile,
      E2E_ENGINE_PID: this.engine.pidFile,
      DOCKER_SWARM_DEPLOY_LOCK: path.join(this.options.workDir, 'docker-swarm-deploy.lock'),
    };
  }
}
