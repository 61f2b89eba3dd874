import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run, type RunOptions, type RunResult } from '../exec';

/** Where a private Docker engine keeps its files, and what it is called. */
export interface EngineLayout {
  /** Folder for everything of the engine: data, exec root, socket, pid file, log. */
  readonly root: string;
  /** Name of the network namespace the engine, its containers and the checks run in. */
  readonly netns: string;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * A Docker engine of the run's own: `dockerd` with its own data root, exec
 * root, pid file and socket, inside a network namespace of its own, so its
 * bridge, NAT rules and port proxies never touch the machine's network and
 * nothing in it can reach outside. Its containers' cgroups sit under a
 * parent of its own name. `stop` undoes all of it.
 */
export class DockerEngine {
  readonly socket: string;
  readonly cgroupParent: string;
  private daemon: ChildProcess | undefined;
  private netnsCreated = false;

  constructor(readonly layout: EngineLayout) {
    this.socket = path.join(layout.root, 'docker.sock');
    this.cgroupParent = `/${layout.netns}`;
  }

  /** `DOCKER_HOST` for a docker client that talks to this engine. */
  get dockerHost(): string {
    return `unix://${this.socket}`;
  }

  get logFile(): string {
    return path.join(this.layout.root, 'dockerd.log');
  }

  async start(): Promise<void> {
    const { root, netns } = this.layout;
    mkdirSync(path.join(root, 'data'), { recursive: true });
    mkdirSync(path.join(root, 'exec'), { recursive: true });
    // A configuration of its own, so settings in the machine's /etc/docker/daemon.json do not apply.
    writeFileSync(this.configFile, `${JSON.stringify({ 'log-driver': 'json-file' })}\n`);

    await run('ip', ['netns', 'add', netns]);
    this.netnsCreated = true;
    await this.inNetns(['ip', 'link', 'set', 'lo', 'up']);
    await this.startDaemon();
  }

  /** Stops dockerd as a shutdown would, its containers with it; the namespace, data and swarm state stay for `resume`. */
  async halt(): Promise<void> {
    await this.stopDaemon();
  }

  /**
   * Starts dockerd again after `halt`, with the same data, so a swarm node
   * comes back as itself. First it clears what a reboot clears and a stopped
   * dockerd leaves: the network namespaces of its sandboxes and overlay
   * networks, kept alive by their mounts under the exec root, and the VXLAN
   * links in the node's namespace. Left in place, an overlay network's old
   * namespace makes every new task on the node fail to join it. Returns what
   * it cleared.
   */
  async resume(): Promise<string[]> {
    const cleared: string[] = [];
    const namespaces = path.join(this.layout.root, 'exec', 'netns');
    for (const name of existsSync(namespaces) ? readdirSync(namespaces) : []) {
      await run('umount', ['--lazy', path.join(namespaces, name)], { allowFailure: true });
      rmSync(path.join(namespaces, name), { force: true });
      cleared.push(`namespace ${name}`);
    }
    const links = (await this.inNetns(['ip', '-o', 'link', 'show', 'type', 'vxlan'])).stdout;
    for (const [, name] of links.matchAll(/^\d+: ([^:@]+)/gm)) {
      await this.inNetns(['ip', 'link', 'delete', name]);
      cleared.push(`link ${name}`);
    }
    await this.startDaemon();
    return cleared;
  }

  /** Where the engine's configuration is; dockerd reads its `labels` again on SIGHUP. */
  get configFile(): string {
    return path.join(this.layout.root, 'daemon.json');
  }

  get pidFile(): string {
    return path.join(this.layout.root, 'dockerd.pid');
  }

  private async startDaemon(): Promise<void> {
    const { root, netns } = this.layout;
    const log = openSync(this.logFile, 'a');
    try {
      // nsenter --net switches only the network namespace: `ip netns exec` would
      // also remount /sys, hiding the cgroup mounts dockerd needs.
      this.daemon = spawn(
        'nsenter',
        [
          `--net=/run/netns/${netns}`,
          'dockerd',
          `--data-root=${path.join(root, 'data')}`,
          `--exec-root=${path.join(root, 'exec')}`,
          `--pidfile=${this.pidFile}`,
          `--host=${this.dockerHost}`,
          `--config-file=${this.configFile}`,
          `--cgroup-parent=${this.cgroupParent}`,
        ],
        { stdio: ['ignore', log, log], detached: false },
      );
    } finally {
      closeSync(log);
    }
    await this.waitUntilReady();
  }

  /** Runs a command inside the engine's network namespace (for the user data and the checks). */
  async inNetns(command: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return run('nsenter', [`--net=/run/netns/${this.layout.netns}`, ...command], options);
  }

  /** Runs the docker client against this engine. */
  async docker(args: readonly string[], allowFailure = false): Promise<RunResult> {
    return run('docker', args, { env: { ...process.env, DOCKER_HOST: this.dockerHost }, allowFailure, timeoutMs: 120_000 });
  }

  /**
   * Removes every container, stops the engine, deletes the namespace, the
   * cgroups and the folder. Goes on past each failure and reports them all.
   */
  async stop(): Promise<string[]> {
    const problems: string[] = [];
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (error) {
        problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    if (this.daemon && this.daemon.exitCode === null) {
      await attempt('removing the containers', async () => {
        const ids = (await this.docker(['ps', '--all', '--quiet'], true)).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await this.docker(['rm', '--force', '--volumes', ...ids]);
      });
      await attempt('stopping dockerd', () => this.stopDaemon());
    }
    if (this.netnsCreated) {
      await attempt('ending the processes left in the namespace', () => this.killNamespaceProcesses());
      await attempt(`deleting network namespace ${this.layout.netns}`, () => run('ip', ['netns', 'delete', this.layout.netns]));
      this.netnsCreated = false;
    }
    await attempt('unmounting what the engine left mounted', () => this.unmountLeftovers());
    await attempt('removing the cgroups', async () => this.removeCgroups());
    await attempt(`removing ${this.layout.root}`, async () => rmSync(this.layout.root, { recursive: true, force: true }));
    return problems;
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.daemon?.exitCode !== null && this.daemon?.exitCode !== undefined) {
        throw new Error(`dockerd exited with ${this.daemon.exitCode} while starting; its log:\n${tail(this.logFile)}`);
      }
      if (existsSync(this.socket) && (await this.docker(['version', '--format', '{{.Server.Version}}'], true)).code === 0) return;
      if (Date.now() > deadline) throw new Error(`dockerd did not answer on ${this.socket} within 60 s; its log:\n${tail(this.logFile)}`);
      await sleep(200);
    }
  }

  private async stopDaemon(): Promise<void> {
    const daemon = this.daemon;
    if (!daemon || daemon.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => daemon.once('exit', () => resolve()));
    daemon.kill('SIGTERM');
    const timer = setTimeout(() => daemon.kill('SIGKILL'), 20_000);
    await exited.finally(() => clearTimeout(timer));
  }

  private async killNamespaceProcesses(): Promise<void> {
    const pids = (await run('ip', ['netns', 'pids', this.layout.netns], { allowFailure: true })).stdout.split('\n').filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  private async unmountLeftovers(): Promise<void> {
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((line) => line.split(' ')[1])
      .filter((mountPoint) => mountPoint !== undefined && (mountPoint === this.layout.root || mountPoint.startsWith(`${this.layout.root}/`)))
      .sort((a, b) => b.length - a.length);
    for (const mountPoint of mounts) await run('umount', ['--lazy', mountPoint]);
  }

  private removeCgroups(): void {
    if (!existsSync(CGROUP_ROOT)) return;
    for (const controller of readdirSync(CGROUP_ROOT)) {
      const dir = path.join(CGROUP_ROOT, controller, this.cgroupParent);
      if (existsSync(dir)) removeCgroup(dir);
    }
  }
}

/** cgroup folders are removed leaf first with rmdir; their files are not real files. */
function removeCgroup(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeCgroup(path.join(dir, entry.name));
  }
  rmdirSync(dir);
}

function tail(file: string): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').split('\n').slice(-25).join('\n');
}
