import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StubCall } from '../../testkit/stub';
import type { DockerRun } from './script';

/** The parts of `docker inspect` the checks read. */
export interface ContainerInspect {
  readonly Id?: string;
  readonly Name: string;
  readonly Config: { readonly Image: string; readonly Env?: readonly string[] | null; readonly Cmd?: readonly string[] | null; readonly User?: string };
  readonly State: {
    readonly Status: string;
    readonly Running: boolean;
    readonly ExitCode: number;
    readonly StartedAt?: string;
    readonly RestartCount?: number;
    readonly Health?: { readonly Status: string } | null;
  };
  readonly HostConfig: {
    readonly Memory: number;
    readonly RestartPolicy: { readonly Name: string };
    readonly PortBindings?: Readonly<Record<string, ReadonlyArray<{ readonly HostIp: string; readonly HostPort: string }> | null>> | null;
    readonly LogConfig?: { readonly Type: string; readonly Config?: Readonly<Record<string, string>> | null };
    readonly ReadonlyRootfs?: boolean;
  };
  readonly NetworkSettings: {
    readonly Ports?: Readonly<Record<string, ReadonlyArray<{ readonly HostIp: string; readonly HostPort: string }> | null>> | null;
  };
}

/** A memcached tenant as the app's context defines it. */
export interface TenantExpectation {
  readonly name: string;
  readonly port: number;
  readonly memoryMiB: number;
}

/**
 * What is wrong with a container compared with the `docker run` of the user
 * data that started it: not running, another image, memory limit, restart
 * policy, or ports not published as asked.
 */
export function checkContainer(expected: DockerRun, actual: ContainerInspect | undefined): string[] {
  const label = `container ${expected.name}`;
  if (!actual) return [`${label} does not exist: its docker run did not start it`];
  const problems: string[] = [];
  if (!actual.State.Running) problems.push(`${label} is ${actual.State.Status} (exit code ${actual.State.ExitCode}), not running`);
  if (actual.Config.Image !== expected.image) problems.push(`${label} runs image ${actual.Config.Image}, not ${expected.image}`);
  const memory = expected.memory === undefined ? 0 : memoryBytes(expected.memory);
  if (actual.HostConfig.Memory !== memory) {
    problems.push(`${label} has a memory limit of ${describeBytes(actual.HostConfig.Memory)}, not ${describeBytes(memory)}`);
  }
  const restart = expected.restart ?? 'no';
  if (actual.HostConfig.RestartPolicy.Name !== restart) {
    problems.push(`${label} has restart policy ${actual.HostConfig.RestartPolicy.Name || 'no'}, not ${restart}`);
  }
  for (const mapping of expected.publish) problems.push(...checkPublished(label, mapping, actual));
  if (expected.logging) {
    const logConfig = actual.HostConfig.LogConfig;
    const want = `${expected.logging.driver} ${JSON.stringify(sorted(expected.logging.options))}`;
    const got = `${logConfig?.Type ?? '(none)'} ${JSON.stringify(sorted(logConfig?.Config ?? {}))}`;
    if (got !== want) problems.push(`${label} logs with ${got}, not ${want}`);
  }
  if (expected.user !== undefined && actual.Config.User !== expected.user) problems.push(`${label} runs as user ${actual.Config.User || '(the image\'s)'}, not ${expected.user}`);
  if (expected.readOnlyRootFilesystem !== undefined && (actual.HostConfig.ReadonlyRootfs ?? false) !== expected.readOnlyRootFilesystem) {
    problems.push(`${label} has ${actual.HostConfig.ReadonlyRootfs ? 'a read-only' : 'a writable'} root filesystem, not ${expected.readOnlyRootFilesystem ? 'a read-only' : 'a writable'} one`);
  }
  return problems;
}

function sorted(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** What an update did to each container, by name: recreated (another container now), kept (the same container, never restarted), restarted in place, started (new), removed. */
export interface ContainerChanges {
  readonly recreated: readonly string[];
  readonly kept: readonly string[];
  readonly restarted: readonly string[];
  readonly started: readonly string[];
  readonly removed: readonly string[];
}

/** Compares two `docker inspect`s of a host's containers, before and after an update. */
export function containerChanges(before: readonly ContainerInspect[], after: readonly ContainerInspect[]): ContainerChanges {
  const byName = (containers: readonly ContainerInspect[]) => new Map(containers.map((container) => [container.Name.replace(/^\//, ''), container]));
  const old = byName(before);
  const now = byName(after);
  const changes = { recreated: [] as string[], kept: [] as string[], restarted: [] as string[], started: [] as string[], removed: [] as string[] };
  for (const [name, container] of [...now].sort(([a], [b]) => a.localeCompare(b))) {
    const previous = old.get(name);
    if (!previous) changes.started.push(name);
    else if (previous.Id !== container.Id) changes.recreated.push(name);
    else if (previous.State.StartedAt !== container.State.StartedAt) changes.restarted.push(name);
    else changes.kept.push(name);
  }
  changes.removed.push(...[...old.keys()].filter((name) => !now.has(name)).sort());
  return changes;
}

/**
 * The signals of a host whose container failed: cfn-signal to the instance
 * (and to the wait condition) reported failure, with a reason that names the
 * container and holds its last log line. Returns the problems and the reason.
 */
export function checkFailureSignal(calls: readonly StubCall[], container: string, lastLine: string): { problems: string[]; reason?: string } {
  const signals = calls.filter((call) => call.command === 'cfn-signal');
  const toInstance = signals.filter((call) => call.args.includes('--stack'));
  if (toInstance.length !== 1) return { problems: [`cfn-signal to the instance was called ${toInstance.length} times, not once`] };
  const problems: string[] = [];
  for (const call of signals) {
    const exitCode = optionValues(call.args).get('--exit-code');
    if (exitCode === undefined || exitCode === '0') problems.push(`cfn-signal reported exit code ${exitCode ?? '(none)'}, not failure`);
  }
  const reason = optionValues(toInstance[0].args).get('--reason') ?? '';
  if (!reason.includes(`container ${container} `)) problems.push(`the failure reason does not name container ${container}: ${JSON.stringify(reason)}`);
  if (!reason.includes(lastLine)) problems.push(`the failure reason lacks the container's last log line ${JSON.stringify(lastLine)}: ${JSON.stringify(reason)}`);
  return { problems, reason };
}

/**
 * The stubbed calls an update the way cfn-hup runs it made: cfn-init once,
 * one cfn-signal of success to the new wait condition (`--id` its apply id)
 * and none to the instance, and nothing of the user data (dnf, systemctl),
 * which an instance that was not replaced never runs again.
 */
export function checkUpdateCalls(calls: readonly StubCall[], applyId: string): string[] {
  const problems: string[] = [];
  const inits = calls.filter((call) => call.command === 'cfn-init').length;
  if (inits !== 1) problems.push(`the update ran cfn-init ${inits} times, not once`);
  const boot = calls.filter((call) => call.command === 'dnf' || call.command === 'systemctl');
  if (boot.length > 0) problems.push(`the update ran the user data's commands again: ${boot.map((call) => `${call.command} ${call.args.join(' ')}`).join('; ')}`);
  const signals = calls.filter((call) => call.command === 'cfn-signal');
  const toWait = signals.filter((call) => optionValues(call.args).get('--id') === applyId);
  if (signals.length !== 1 || toWait.length !== 1) {
    problems.push(`the update signalled ${signals.length} times (${signals.map((call) => call.args.join(' ')).join('; ') || 'never'}), not once to the wait condition of apply id ${applyId}`);
  } else if (optionValues(toWait[0].args).get('--exit-code') !== '0') {
    problems.push(`the update signalled the wait condition with exit code ${optionValues(toWait[0].args).get('--exit-code')}, not 0: ${optionValues(toWait[0].args).get('--reason')}`);
  }
  return problems;
}

/** What a search of the files the run keeps found: how many files and bytes it read, each file that holds a needle, and the files it could not read. */
export interface FileSearch {
  readonly files: number;
  readonly bytes: number;
  readonly found: ReadonlyArray<{ readonly file: string; readonly needle: string }>;
  readonly unreadable: readonly string[];
}

/**
 * Searches every regular file under `roots` (symbolic links not followed)
 * for each needle, as UTF-8 bytes, except the files and folders `skip`
 * says to leave out. A file that cannot be read is named, not skipped in
 * silence.
 */
export function searchFiles(roots: readonly string[], needles: readonly string[], skip: (file: string) => boolean = () => false): FileSearch {
  let files = 0;
  let bytes = 0;
  const found: Array<{ file: string; needle: string }> = [];
  const unreadable: string[] = [];
  const visit = (file: string) => {
    if (skip(file)) return;
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(file).sort()) visit(path.join(file, entry));
      return;
    }
    if (!stat.isFile()) return;
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch (error) {
      unreadable.push(`${file} (${error instanceof Error ? error.message : String(error)})`);
      return;
    }
    files++;
    bytes += content.length;
    for (const needle of needles) if (content.includes(Buffer.from(needle, 'utf8'))) found.push({ file, needle });
  };
  for (const root of roots) visit(root);
  return { files, bytes, found, unreadable };
}

/** `11211:11211/tcp` -> the host port and the container port key Docker uses (`11211/tcp`). */
export function parsePublish(mapping: string): { hostPort: string; containerPort: string } {
  const match = /^(?:(?:\d{1,3}\.){3}\d{1,3}:)?(\d+):(\d+)(?:\/(tcp|udp))?$/.exec(mapping);
  if (!match) throw new Error(`cannot read the port mapping ${mapping}`);
  return { hostPort: match[1], containerPort: `${match[2]}/${match[3] ?? 'tcp'}` };
}

function checkPublished(label: string, mapping: string, actual: ContainerInspect): string[] {
  const { hostPort, containerPort } = parsePublish(mapping);
  const bound = (actual.NetworkSettings.Ports?.[containerPort] ?? []).map((binding) => binding.HostPort);
  if (bound.includes(hostPort)) return [];
  const published = Object.entries(actual.NetworkSettings.Ports ?? {}).flatMap(([port, bindings]) =>
    (bindings ?? []).map((binding) => `${binding.HostPort}->${port}`),
  );
  return [
    `${label}: port ${hostPort} is not published to ${containerPort}` +
      (published.length > 0 ? `; published: ${[...new Set(published)].join(', ')}` : '; nothing is published'),
  ];
}

/** Lines of an env-file that the container's environment lacks: `env-file lacks line KEY=value`. */
export function checkEnvironment(label: string, env: readonly string[] | null | undefined, lines: readonly string[]): string[] {
  const present = new Set(env ?? []);
  return envLines(lines.join('\n'))
    .filter((line) => !present.has(line))
    .map((line) => {
      const key = line.slice(0, line.indexOf('='));
      const actual = (env ?? []).find((entry) => entry.startsWith(`${key}=`));
      return `${label}: environment lacks line ${line}${actual === undefined ? '' : ` (it has ${actual})`}`;
    });
}

/** What an env-file written by the user data must hold compared with what the template says it writes. */
export function checkEnvFile(path: string, mode: number | undefined, content: string | undefined, expected: string): string[] {
  if (content === undefined || mode === undefined) return [`env-file ${path} was not written`];
  const problems: string[] = [];
  if ((mode & 0o777) !== 0o600) problems.push(`env-file ${path} has mode ${(mode & 0o777).toString(8).padStart(4, '0')}, not 0600`);
  const written = new Set(envLines(content));
  for (const line of envLines(expected)) if (!written.has(line)) problems.push(`env-file ${path} lacks line ${line}`);
  return problems;
}

/** Each `KEY=value` of a stack's outputs must be a line of the env-file the handler answered. */
export function checkOutputsInEnvironment(label: string, environment: string, outputs: Readonly<Record<string, string>>): string[] {
  const lines = new Set(envLines(environment));
  return Object.entries(outputs)
    .map(([key, value]) => `${key}=${value}`)
    .filter((line) => !lines.has(line))
    .map((line) => `${label}: env-file lacks line ${line}`);
}

/** `cfn-signal` must have been called once, reporting success for this stack, resource and region. */
export function checkSignal(calls: readonly StubCall[], expected: { stack: string; resource: string; region: string }): string[] {
  const problems: string[] = [];
  for (const call of calls.filter((candidate) => candidate.command === 'cfn-signal' && !candidate.args.includes('--stack'))) {
    const exitCode = optionValues(call.args).get('--exit-code');
    if (exitCode !== '0') problems.push(`cfn-signal to the wait condition reported exit code ${exitCode ?? '(none)'}, not 0 (success)`);
  }
  const signals = calls.filter((call) => call.command === 'cfn-signal' && call.args.includes('--stack'));
  if (signals.length !== 1) return [`cfn-signal to the instance was called ${signals.length} times, not once`, ...problems];
  const args = optionValues(signals[0].args);
  const exitCode = args.get('--exit-code') ?? args.get('-e');
  if (exitCode !== '0') problems.push(`cfn-signal reported exit code ${exitCode ?? '(none)'}, not 0 (success)`);
  for (const [option, value] of [
    ['--stack', expected.stack],
    ['--resource', expected.resource],
    ['--region', expected.region],
  ] as const) {
    if (args.get(option) !== value) problems.push(`cfn-signal was given ${option} ${args.get(option) ?? '(none)'}, not ${value}`);
  }
  return problems;
}

/** The host must install and start Docker before it runs containers, as a fresh Amazon Linux has none. */
export function checkDockerInstalled(calls: readonly StubCall[]): string[] {
  const problems: string[] = [];
  if (!calls.some((call) => call.command === 'dnf' && call.args.includes('install') && call.args.includes('docker'))) {
    problems.push('the user data never runs dnf install docker');
  }
  const starts = calls.some(
    (call) => call.command === 'systemctl' && call.args.includes('docker') && (call.args.includes('start') || call.args.includes('--now')),
  );
  if (!starts) problems.push('the user data never starts the docker service with systemctl');
  return problems;
}

/**
 * One memcached container per tenant: one container publishes the tenant's
 * port, with at least the tenant's memory, and there are as many containers
 * as tenants.
 */
export function checkTenants(tenants: readonly TenantExpectation[], containers: readonly ContainerInspect[]): string[] {
  const problems: string[] = [];
  if (containers.length !== tenants.length) {
    problems.push(`the memcached host runs ${containers.length} containers for ${tenants.length} tenants: ${containers.map((c) => c.Name.replace(/^\//, '')).join(', ')}`);
  }
  for (const tenant of tenants) {
    const serving = containers.filter((container) =>
      Object.values(container.NetworkSettings.Ports ?? {}).some((bindings) => (bindings ?? []).some((binding) => binding.HostPort === String(tenant.port))),
    );
    if (serving.length === 0) {
      problems.push(`tenant ${tenant.name}: port ${tenant.port} not published`);
      continue;
    }
    const [container] = serving;
    const name = container.Name.replace(/^\//, '');
    if (!container.State.Running) problems.push(`tenant ${tenant.name}: container ${name} is ${container.State.Status}, not running`);
    if (container.HostConfig.Memory < tenant.memoryMiB * 1024 * 1024) {
      problems.push(`tenant ${tenant.name}: container ${name} may use ${describeBytes(container.HostConfig.Memory)}, less than the tenant's ${tenant.memoryMiB} MiB`);
    }
  }
  return problems;
}

/** The `KEY=value` lines of an env-file, as `docker run --env-file` reads them: no blank lines or comments. */
export function envLines(content: string): string[] {
  return content.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** Docker's memory sizes: `96m`, `1g`, `512k`, or bytes. */
export function memoryBytes(size: string): number {
  const match = /^(\d+)([bkmg]?)$/i.exec(size.trim());
  if (!match) throw new Error(`cannot read the memory size ${size}`);
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2].toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

function describeBytes(bytes: number): string {
  if (bytes === 0) return 'none';
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}

function optionValues(args: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-')) continue;
    const eq = arg.indexOf('=');
    if (eq > 0) values.set(arg.slice(0, eq), arg.slice(eq + 1));
    else if (i + 1 < args.length) values.set(arg, args[++i]);
  }
  return values;
}
