import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { run } from './exec';

/** What the run must leave as it found it on the machine. */
export interface HostState {
  readonly sections: Readonly<Record<string, readonly string[]>>;
  /** Paths dockerd writes outside its own folders, and whether each existed. */
  readonly paths: Readonly<Record<string, boolean>>;
}

/** Written by dockerd whatever its flags: its trust key and plugin folder. */
const DOCKERD_PATHS = ['/etc/docker/key.json', '/etc/docker', '/run/docker'];

const COMMANDS: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  ['ip link', 'ip', ['-o', 'link', 'show']],
  ['ip addr', 'ip', ['-o', 'addr', 'show']],
  ['ip route', 'ip', ['route', 'show']],
  ['ip netns', 'ip', ['netns', 'list']],
  ['iptables -S', 'iptables', ['-S']],
  ['iptables -t nat -S', 'iptables', ['-t', 'nat', '-S']],
  ['ip6tables -S', 'ip6tables', ['-S']],
  ['ip6tables -t nat -S', 'ip6tables', ['-t', 'nat', '-S']],
];

/** The machine's network configuration, its overlay and namespace mounts, and the dockerd paths. */
export async function captureHostState(): Promise<HostState> {
  const sections: Record<string, string[]> = {};
  for (const [name, command, args] of COMMANDS) {
    const result = await run(command, args, { allowFailure: true });
    sections[name] = result.code === 0 ? lines(result.stdout) : [`(${command} failed: ${result.stderr.trim()})`];
  }
  sections['overlay and namespace mounts'] = lines(readFileSync('/proc/self/mounts', 'utf8')).filter((line) => / (overlay|nsfs) /.test(line));
  sections['net.ipv4.ip_forward'] = [readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim()];
  return { sections, paths: Object.fromEntries(DOCKERD_PATHS.map((path) => [path, existsSync(path)])) };
}

/** Removes the dockerd paths that did not exist before the run; returns what could not be removed. */
export function removeCreatedPaths(before: HostState): string[] {
  const problems: string[] = [];
  for (const [path, existed] of Object.entries(before.paths)) {
    if (existed || !existsSync(path)) continue;
    try {
      rmSync(path, { recursive: true, force: true });
    } catch (error) {
      problems.push(`removing ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

/** Each line that appeared or went away, by section: `iptables -t nat -S gained: -N DOCKER`. */
export function compareHostState(before: HostState, after: HostState): string[] {
  const differences: string[] = [];
  for (const [name, was] of Object.entries(before.sections)) {
    const now = after.sections[name] ?? [];
    const gained = now.filter((line) => !was.includes(line));
    const lost = was.filter((line) => !now.includes(line));
    for (const line of gained) differences.push(`${name} gained: ${line}`);
    for (const line of lost) differences.push(`${name} lost: ${line}`);
  }
  for (const [path, existed] of Object.entries(before.paths)) {
    if (after.paths[path] !== existed) differences.push(`${path} ${existed ? 'was removed' : 'was left behind'}`);
  }
  return differences;
}

/** Lines without address lifetimes, which count down on their own. */
function lines(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.replace(/\s+valid_lft \S+ preferred_lft \S+/g, ''));
}

/**
 * Ends the processes whose command line names `folder` (the run's work
 * folder, which its engines, their containerd and shims, user data and
 * client loops name) and returns each as `pid command line`: a run whose
 * cleanup left one running fails.
 */
export function endProcessesNaming(folder: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)) {
    let commandLine: string;
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      continue;
    }
    if (!commandLine.includes(folder)) continue;
    found.push(`${pid} ${commandLine}`);
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
