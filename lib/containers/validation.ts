import { Fn, Token } from 'aws-cdk-lib';
import { PropError } from '../errors';
import { PortProtocol, PullPolicy, RestartPolicy, type ContainerDefinition } from './container-definition';

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NETWORK_NAME = CONTAINER_NAME;
const FILE_PATH = /^(\/[A-Za-z0-9._-]+){2,}$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$/;
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]*$/;
/**
 * A Docker image reference, `[registry[:port]/]name[:tag][@algorithm:digest]`,
 * of at most `MAX_IMAGE_CHARS` characters: the rule the Docker host's apply
 * program checks a deploy-time image against, so that no image is read as an
 * option of `docker run`.
 */
const IMAGE_REFERENCE =
  /^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$/;
const MAX_IMAGE_CHARS = 255;
const RESTART_POLICIES: readonly string[] = Object.values(RestartPolicy);
const PROTOCOLS: readonly string[] = Object.values(PortProtocol);
const PULL_POLICIES: readonly string[] = Object.values(PullPolicy);

/**
 * Checks a list of containers at synth time and throws a `PropError` that
 * names `owner`, the prop by its path from the construct's props, such as
 * `containers[0].image` or `services[2].ports[0].hostPort`, and what is
 * allowed. `list` is the prop that holds them: `containers` on a Docker
 * host, `services` in a swarm.
 */
export function validateContainers(owner: string, containers: readonly ContainerDefinition[], list: 'containers' | 'services' = 'containers'): void {
  const kind = list === 'services' ? 'service' : 'container';
  if (containers.length === 0) throw new PropError(owner, list, `must list at least one ${kind}`);
  const names = new Set<string>();
  const published = new Map<string, string>();
  containers.forEach((container, i) => {
    const fail = (prop: string, problem: string) => new PropError(owner, `${list}[${i}].${prop}`, problem);
    if (!CONTAINER_NAME.test(container.name)) {
      throw fail('name', `must be a letter or digit, then letters, digits, "_", "." or "-", got "${container.name}"`);
    }
    if (names.has(container.name)) throw fail('name', `"${container.name}" is already the name of another ${kind}`);
    names.add(container.name);
    if (!Token.isUnresolved(container.image) && !isImageReference(container.image)) {
      throw fail(
        'image',
        `${kind} "${container.name}": image "${container.image}" is not a Docker image reference (registry/name:tag or name@sha256:digest); ` +
          'give one of at most 255 characters, such as memcached:1.6 or public.ecr.aws/docker/library/nginx:1.27',
      );
    }
    if (container.pull !== undefined && !PULL_POLICIES.includes(container.pull)) {
      throw fail('pull', `must be PullPolicy.MISSING or PullPolicy.ALWAYS ("missing" or "always"), got ${JSON.stringify(container.pull)}`);
    }
    if (container.memoryMiB !== undefined && (!Number.isInteger(container.memoryMiB) || container.memoryMiB < 6)) {
      throw fail('memoryMiB', `must be a whole number of MiB from 6 (Docker's least), got ${container.memoryMiB}`);
    }
    if (container.restart !== undefined && !RESTART_POLICIES.includes(container.restart)) {
      throw fail('restart', `must be always, unless-stopped or on-failure, got "${container.restart}"`);
    }
    (container.ports ?? []).forEach((port, j) => {
      const portAt = `ports[${j}]`;
      for (const [name, value] of [['hostPort', port.hostPort], ['containerPort', port.containerPort ?? port.hostPort]] as const) {
        if (!Number.isInteger(value) || value < 1 || value > 65535) {
          throw fail(`${portAt}.${name}`, `must be a whole number from 1 to 65535, got ${value}`);
        }
      }
      if (port.hostPort === 22) throw fail(`${portAt}.hostPort`, '22 is refused: the host has no SSH, and port 22 is not for containers either');
      const protocol = port.protocol ?? PortProtocol.TCP;
      if (!PROTOCOLS.includes(protocol)) throw fail(`${portAt}.protocol`, `must be tcp or udp, got "${protocol}"`);
      const key = `${port.hostPort}/${protocol}`;
      const holder = published.get(key);
      if (holder) throw fail(`${portAt}.hostPort`, `${key} is already published by ${kind} ${holder}`);
      published.set(key, container.name);
      if (port.allowFrom.length === 0 && (port.allowFromSecurityGroups ?? []).length === 0) {
        throw fail(`${portAt}.allowFrom`, 'must list at least one CIDR range, or allowFromSecurityGroups a security group');
      }
      for (const cidr of port.allowFrom) {
        if (!Token.isUnresolved(cidr) && !isCidr(cidr)) {
          throw fail(`${portAt}.allowFrom`, `must hold CIDR ranges such as 10.0.1.0/24, got "${cidr}"`);
        }
      }
    });
    for (const prop of ['environmentFile', 'secretEnvironmentFile'] as const) {
      const file = container[prop];
      if (file === undefined || Token.isUnresolved(file)) continue;
      const bad = file.split('\n').find((line) => line.trim() !== '' && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(line));
      if (bad !== undefined) throw fail(prop, `must hold KEY=value lines, got "${bad}"`);
    }
    if (container.network !== undefined && !NETWORK_NAME.test(container.network)) {
      throw fail('network', `must be a letter or digit, then letters, digits, "_", "." or "-", got "${container.network}"`);
    }
    const files = new Set<string>();
    (container.files ?? []).forEach((file, j) => {
      const fileAt = `files[${j}]`;
      if (!FILE_PATH.test(file.path) || file.path.split('/').includes('..')) {
        throw fail(`${fileAt}.path`, `must be an absolute path in a folder, of letters, digits, ".", "_", "-" and "/", such as /etc/nginx/conf.d/apps.conf, got "${file.path}"`);
      }
      if (files.has(file.path)) throw fail(`${fileAt}.path`, `"${file.path}" is already the path of another file`);
      files.add(file.path);
      if (Token.isUnresolved(file.content)) throw fail(`${fileAt}.content`, 'must be known at synth time; give deploy-time values through environment');
    });
    if (container.reload !== undefined && (container.reload.length === 0 || (container.files ?? []).length === 0)) {
      throw fail('reload', 'must be a command, and applies only to a container with files');
    }
    if (container.route !== undefined) {
      if (!DNS_LABEL.test(container.route.hostName)) {
        throw fail('route.hostName', `must be one DNS label (lower-case letters, digits and "-", such as counter), got "${container.route.hostName}"`);
      }
      if (!Number.isInteger(container.route.port) || container.route.port < 1 || container.route.port > 65535) {
        throw fail('route.port', `must be the whole number from 1 to 65535 the app listens on, got ${container.route.port}`);
      }
      if (container.network === undefined) throw fail('route', 'needs network, the Docker network the router reaches the app on');
    }
    for (const prop of ['environment', 'secretEnvironment'] as const) {
      for (const [key, value] of Object.entries(container[prop] ?? {})) {
        if (!ENV_NAME.test(key)) throw fail(prop, `name "${key}" must be letters, digits and "_", not starting with a digit`);
        if (Token.isUnresolved(value)) continue;
        if (/[\r\n]/.test(value)) throw fail(`${prop}.${key}`, 'must not contain a line break, which an env-file cannot hold');
        if (value.includes('\0')) throw fail(`${prop}.${key}`, 'must not contain a NUL character, which an env-file cannot hold');
      }
    }
    validateOptions(container, fail);
  });
}

function validateOptions(container: ContainerDefinition, fail: (prop: string, problem: string) => PropError): void {
  if (container.cpus !== undefined && !(Number.isFinite(container.cpus) && container.cpus >= 0.01)) {
    throw fail('cpus', `must be a number of cores of at least 0.01, such as 0.5, got ${container.cpus}`);
  }
  if (container.user !== undefined && !Token.isUnresolved(container.user) && !USER.test(container.user)) {
    throw fail('user', `must be a user name or id, optionally with ":group", such as 1000:1000 or nobody, got "${container.user}"`);
  }
  (container.volumes ?? []).forEach((volume, j) => {
    if (!VOLUME_NAME.test(volume.source) && !ABSOLUTE_PATH.test(volume.source)) {
      throw fail(`volumes[${j}].source`, `must be a volume name (letters, digits, "_", ".", "-") or an absolute host path, got "${volume.source}"`);
    }
    if (!ABSOLUTE_PATH.test(volume.containerPath)) {
      throw fail(`volumes[${j}].containerPath`, `must be an absolute path of letters, digits, ".", "_", "-" and "/", got "${volume.containerPath}"`);
    }
  });
  const health = container.healthCheck;
  if (health) {
    if (health.command.length === 0 || health.command.some((word) => Token.isUnresolved(word) || /[\r\n]/.test(word))) {
      throw fail('healthCheck.command', 'must be a command and its arguments known at synth time, without line breaks, such as ["wget", "-q", "-O", "/dev/null", "http://localhost/"]');
    }
    if (health.retries !== undefined && !(Number.isInteger(health.retries) && health.retries >= 1)) {
      throw fail('healthCheck.retries', `must be a whole number of at least 1, got ${health.retries}`);
    }
    for (const [name, least] of [['interval', 1], ['timeout', 1], ['startPeriod', 0]] as const) {
      const value = health[name];
      if (value !== undefined && (value.toMilliseconds() % 1000 !== 0 || value.toMilliseconds() < least * 1000)) {
        throw fail(`healthCheck.${name}`, `must be whole seconds of at least ${least}, got ${value.toHumanString()}`);
      }
    }
  }
  const logging = container.logging;
  if (logging && logging.driver === 'json-file') {
    if (!/^[1-9][0-9]*[kmg]$/.test(logging.options['max-size'])) {
      throw fail('logging', `maxSize must be a number with k, m or g, such as 10m, got "${logging.options['max-size']}"`);
    }
    const files = Number(logging.options['max-file']);
    if (!Number.isInteger(files) || files < 1) throw fail('logging', `maxFiles must be a whole number of at least 1, got ${logging.options['max-file']}`);
  }
}

/** Whether `image` is a Docker image reference of at most 255 characters, such as `memcached:1.6` or `registry.example.com:5000/team/app@sha256:<digest>`. */
function isImageReference(image: string): boolean {
  return image.length <= MAX_IMAGE_CHARS && IMAGE_REFERENCE.test(image);
}

/** Whether `value` is an IPv4 or IPv6 CIDR range. */
export function isCidr(value: string): boolean {
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (ipv4) return ipv4.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(ipv4[5]) <= 32;
  const ipv6 = /^[0-9a-fA-F:]+\/(\d{1,3})$/.exec(value);
  return ipv6 !== null && value.includes(':') && Number(ipv6[1]) <= 128;
}

/** Whether a container has an env-file: an `environmentFile`, or variables in `environment`. */
export function hasEnvironment(container: ContainerDefinition): boolean {
  return container.environmentFile !== undefined || Object.keys(container.environment ?? {}).length > 0;
}

/**
 * What a container's secret holds: `{"file": secretEnvironmentFile or null,
 * "environment": secretEnvironment}` as JSON text, from which the host writes
 * the secret env-file, checking each value; `undefined` when it has neither.
 * CloudFormation escapes the backslashes and quotes of deploy-time values, so
 * each stays one JSON string whatever it holds (a line break arrives as
 * itself, for the host to refuse).
 */
export function secretEnvironmentContent(container: ContainerDefinition): string | undefined {
  const variables = Object.entries(container.secretEnvironment ?? {});
  if (container.secretEnvironmentFile === undefined && variables.length === 0) return undefined;
  const file = container.secretEnvironmentFile === undefined ? 'null' : jsonString(container.secretEnvironmentFile);
  return `{"file":${file},"environment":{${variables.map(([key, value]) => `${JSON.stringify(key)}:${jsonString(value)}`).join(',')}}}`;
}

/** A JSON string of `value`; a deploy-time value gets its backslashes and quotes escaped by CloudFormation. */
function jsonString(value: string): string {
  if (!Token.isUnresolved(value)) return JSON.stringify(value);
  const backslashes = Fn.join('\\\\', Fn.split('\\', value));
  return `"${Fn.join('\\"', Fn.split('"', backslashes))}"`;
}
