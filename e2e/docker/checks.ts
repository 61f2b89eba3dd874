import { existsSync, readFileSync } from 'node:fs';
import type { DockerRun } from './script';

/** The parts of `docker inspect` the checks read. */
export interface ContainerInspect {
  readonly Name: string;
  readonly Config: { readonly Image: string; readonly Env?: readonly string[] | null; readonly Cmd?: readonly string[] | null };
  readonly State: { readonly Status: string; readonly Running: boolean; readonly ExitCode: number; readonly RestartCount?: number };
  readonly HostConfig: {
    readonly Memory: number;
    readonly RestartPolicy: { readonly Name: string };
    readonly PortBindings?: Readonly<Record<string, ReadonlyArray<{ readonly HostIp: string; readonly HostPort: string }> | null>> | null;
  };
  readonly NetworkSettings: {
    readonly Ports?: Readonly<Record<string, ReadonlyArray<{ readonly HostIp: string; readonly HostPort: string }> | null>> | null;
  };
}

/** One call of a stubbed command (`dnf`, `systemctl`, `cfn-signal`): its name and arguments. */
export interface StubCall {
  readonly command: string;
  readonly args: readonly string[];
}

/** The calls a recording stub logged (records split by `\x1e`, words by `\x1f`), in order; none when it wrote no log. */
export function readStubCalls(stubLog: string): StubCall[] {
  if (!existsSync(stubLog)) return [];
  return readFileSync(stubLog, 'utf8')
    .split('\x1e')
    .filter((record) => record !== '')
    .map((record) => {
      const [command, ...args] = record.split('\x1f');
      return { command, args };
    });
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
  return problems;
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
