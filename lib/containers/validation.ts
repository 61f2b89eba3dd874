import { Token } from 'aws-cdk-lib';
import { PortProtocol, RestartPolicy, type ContainerDefinition } from './container-definition';

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESTART_POLICIES: readonly string[] = Object.values(RestartPolicy);
const PROTOCOLS: readonly string[] = Object.values(PortProtocol);

/**
 * Checks a list of containers at synth time and throws an error that names
 * `owner`, the container's index and the prop, and says what is allowed.
 */
export function validateContainers(owner: string, containers: readonly ContainerDefinition[]): void {
  if (containers.length === 0) throw new Error(`${owner}: containers must list at least one container`);
  const names = new Set<string>();
  const published = new Map<string, string>();
  containers.forEach((container, i) => {
    const at = `${owner}: containers[${i}]`;
    if (!CONTAINER_NAME.test(container.name)) {
      throw new Error(`${at}.name must be a letter or digit, then letters, digits, "_", "." or "-", got "${container.name}"`);
    }
    if (names.has(container.name)) throw new Error(`${at}.name "${container.name}" is already the name of another container`);
    names.add(container.name);
    if (!Token.isUnresolved(container.image) && !/^\S+$/.test(container.image)) {
      throw new Error(`${at}.image must be an image name without spaces, such as memcached:1.6-alpine, got "${container.image}"`);
    }
    if (container.memoryMiB !== undefined && (!Number.isInteger(container.memoryMiB) || container.memoryMiB < 6)) {
      throw new Error(`${at}.memoryMiB must be a whole number of MiB from 6 (Docker's least), got ${container.memoryMiB}`);
    }
    if (container.restart !== undefined && !RESTART_POLICIES.includes(container.restart)) {
      throw new Error(`${at}.restart must be always, unless-stopped or on-failure, got "${container.restart}"`);
    }
    (container.ports ?? []).forEach((port, j) => {
      const portAt = `${at}.ports[${j}]`;
      for (const [name, value] of [['hostPort', port.hostPort], ['containerPort', port.containerPort ?? port.hostPort]] as const) {
        if (!Number.isInteger(value) || value < 1 || value > 65535) {
          throw new Error(`${portAt}.${name} must be a whole number from 1 to 65535, got ${value}`);
        }
      }
      if (port.hostPort === 22) throw new Error(`${portAt}.hostPort 22 is refused: the host has no SSH, and port 22 is not for containers either`);
      const protocol = port.protocol ?? PortProtocol.TCP;
      if (!PROTOCOLS.includes(protocol)) throw new Error(`${portAt}.protocol must be tcp or udp, got "${protocol}"`);
      const key = `${port.hostPort}/${protocol}`;
      const holder = published.get(key);
      if (holder) throw new Error(`${portAt}.hostPort ${key} is already published by container ${holder}`);
      published.set(key, container.name);
      if (port.allowFrom.length === 0) throw new Error(`${portAt}.allowFrom must list at least one CIDR range`);
      for (const cidr of port.allowFrom) {
        if (!Token.isUnresolved(cidr) && !isCidr(cidr)) {
          throw new Error(`${portAt}.allowFrom must hold CIDR ranges such as 10.0.1.0/24, got "${cidr}"`);
        }
      }
    });
    if (container.environmentFile !== undefined && !Token.isUnresolved(container.environmentFile)) {
      const bad = container.environmentFile.split('\n').find((line) => line.trim() !== '' && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(line));
      if (bad !== undefined) throw new Error(`${at}.environmentFile must hold KEY=value lines, got "${bad}"`);
    }
    for (const [key, value] of Object.entries(container.environment ?? {})) {
      if (!ENV_NAME.test(key)) throw new Error(`${at}.environment name "${key}" must be letters, digits and "_", not starting with a digit`);
      if (!Token.isUnresolved(value) && /[\r\n]/.test(value)) {
        throw new Error(`${at}.environment ${key} must not contain a line break, which an env-file cannot hold`);
      }
    }
  });
}

/** Whether `value` is an IPv4 or IPv6 CIDR range. */
export function isCidr(value: string): boolean {
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (ipv4) return ipv4.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(ipv4[5]) <= 32;
  const ipv6 = /^[0-9a-fA-F:]+\/(\d{1,3})$/.exec(value);
  return ipv6 !== null && value.includes(':') && Number(ipv6[1]) <= 128;
}

/** A container's env-file lines: `environmentFile`, then `environment` as `KEY=value`; `undefined` when it has none. */
export function environmentFileContent(container: ContainerDefinition): string | undefined {
  const variables = Object.entries(container.environment ?? {}).map(([key, value]) => `${key}=${value}`);
  const lines = container.environmentFile === undefined ? variables : [container.environmentFile, ...variables];
  return lines.length > 0 ? lines.join('\n') : undefined;
}
