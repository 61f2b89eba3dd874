import { Duration, Token } from 'aws-cdk-lib';
import { ContainerLogging, PortProtocol, RestartPolicy, validateContainers, type ContainerDefinition } from '../../lib/containers';
import { PropError } from '../../lib/errors';
import { thrownBy } from '../helpers/thrown';

/**
 * Which container props synth takes and which it refuses, at the edges of
 * each rule: the last value taken and the first refused, with the prop and
 * the problem the refusal names. DockerHost checks its containers and
 * DockerSwarm its services with these rules.
 */

const APP: ContainerDefinition = { name: 'app', image: 'memcached:1.6-alpine' };
const OPEN = ['10.0.0.0/8'];
const ROUTED: Partial<ContainerDefinition> = { network: 'apps' };

/** Changes of APP that synth takes. */
const TAKEN: readonly [string, Partial<ContainerDefinition>][] = [
  ['6 MiB, Docker\'s least memory', { memoryMiB: 6 }],
  ['each restart policy', { restart: RestartPolicy.ON_FAILURE }],
  ['ports 1 and 65535', { ports: [{ hostPort: 1, allowFrom: OPEN }, { hostPort: 65535, containerPort: 1, allowFrom: OPEN }] }],
  ['port 23', { ports: [{ hostPort: 23, allowFrom: OPEN }] }],
  ['one port over tcp and over udp', { ports: [{ hostPort: 53, allowFrom: OPEN }, { hostPort: 53, protocol: PortProtocol.UDP, allowFrom: OPEN }] }],
  ['a port open to a security group only', { ports: [{ hostPort: 80, allowFrom: [], allowFromSecurityGroups: ['sg-0123456789abcdef0'] }] }],
  ['the widest and narrowest ranges', { ports: [{ hostPort: 80, allowFrom: ['0.0.0.0/0', '255.255.255.255/32', '::/0', '2001:db8::1/128'] }] }],
  ['an env-file with blank lines', { environmentFile: 'A=1\n\n \t\n_B=x=y\n', secretEnvironmentFile: 'C=\n' }],
  ['a file in a folder, reloaded', { files: [{ path: '/etc/nginx/a.conf', content: '' }, { path: '/etc/nginx/b.conf', content: '' }], reload: ['nginx', '-s', 'reload'] }],
  ['a host name of 63 characters and port 65535', { ...ROUTED, route: { hostName: `a${'-'.repeat(61)}9`, port: 65535 } }],
  ['a host name of one character and port 1', { ...ROUTED, route: { hostName: 'a', port: 1 } }],
  ['a value with a tab', { environment: { A: 'x\ty' }, secretEnvironment: { _B: 'x' } }],
  ['0.01 cores', { cpus: 0.01 }],
  ['a user and a group', { user: '1000:1000' }],
  ['a user name', { user: 'nobody' }],
  ['a named volume and a host path', { volumes: [{ source: 'data', containerPath: '/data' }, { source: '/srv/www', containerPath: '/var/www' }] }],
  ['a health check of one retry, every second, of a second', { healthCheck: { command: ['true'], retries: 1, interval: Duration.seconds(1), timeout: Duration.seconds(1) } }],
  ['a health check of whole seconds given in milliseconds, started at once', { healthCheck: { command: ['true'], interval: Duration.millis(2000), timeout: Duration.millis(1000), startPeriod: Duration.seconds(0) } }],
  ['log files of 1k, one of them', { logging: ContainerLogging.jsonFile({ maxSize: '1k', maxFiles: 1 }) }],
  ['log files of 10g', { logging: ContainerLogging.jsonFile({ maxSize: '10g' }) }],
  ['an image of 255 characters', { image: `${'a'.repeat(251)}:1.6` }],
];

/** Changes of APP that synth refuses, the prop the refusal names and the start of its problem. */
const REFUSED: readonly [string, Partial<ContainerDefinition>, string, string][] = [
  ['5 MiB', { memoryMiB: 5 }, 'memoryMiB', 'must be a whole number of MiB from 6 (Docker\'s least), got 5'],
  ['a fraction of a MiB', { memoryMiB: 6.5 }, 'memoryMiB', 'must be a whole number of MiB from 6 (Docker\'s least), got 6.5'],
  ['host port 65536', { ports: [{ hostPort: 65536, allowFrom: OPEN }] }, 'ports[0].hostPort', 'must be a whole number from 1 to 65535, got 65536'],
  ['container port 0', { ports: [{ hostPort: 80, containerPort: 0, allowFrom: OPEN }] }, 'ports[0].containerPort', 'must be a whole number from 1 to 65535, got 0'],
  ['a fractional port', { ports: [{ hostPort: 80.5, allowFrom: OPEN }] }, 'ports[0].hostPort', 'must be a whole number from 1 to 65535, got 80.5'],
  ['an unknown protocol', { ports: [{ hostPort: 80, protocol: 'sctp' as PortProtocol, allowFrom: OPEN }] }, 'ports[0].protocol', 'must be tcp or udp, got "sctp"'],
  ['one port twice in one container', { ports: [{ hostPort: 80, allowFrom: OPEN }, { hostPort: 80, containerPort: 8080, allowFrom: OPEN }] }, 'ports[1].hostPort', '80/tcp is already published by container app'],
  ['a port open to nobody, with an empty list of groups', { ports: [{ hostPort: 80, allowFrom: [], allowFromSecurityGroups: [] }] }, 'ports[0].allowFrom', 'must list at least one CIDR range'],
  ['a prefix of 33', { ports: [{ hostPort: 80, allowFrom: ['10.0.0.0/33'] }] }, 'ports[0].allowFrom', 'must hold CIDR ranges such as 10.0.1.0/24, got "10.0.0.0/33"'],
  ['an octet of 256', { ports: [{ hostPort: 80, allowFrom: ['10.256.0.0/16'] }] }, 'ports[0].allowFrom', 'must hold CIDR ranges such as 10.0.1.0/24, got "10.256.0.0/16"'],
  ['an IPv6 prefix of 129', { ports: [{ hostPort: 80, allowFrom: ['2001:db8::/129'] }] }, 'ports[0].allowFrom', 'must hold CIDR ranges such as 10.0.1.0/24, got "2001:db8::/129"'],
  ['hex digits without a colon', { ports: [{ hostPort: 80, allowFrom: ['beef/16'] }] }, 'ports[0].allowFrom', 'must hold CIDR ranges such as 10.0.1.0/24, got "beef/16"'],
  ['a range with a trailing line', { ports: [{ hostPort: 80, allowFrom: ['10.0.0.0/8\n'] }] }, 'ports[0].allowFrom', 'must hold CIDR ranges such as 10.0.1.0/24, got "10.0.0.0/8\n"'],
  ['a secret env-file line starting with a space', { secretEnvironmentFile: ' A=1' }, 'secretEnvironmentFile', 'must hold KEY=value lines, got " A=1"'],
  ['a network with a space', { network: 'my net' }, 'network', 'must be a letter or digit, then letters, digits, "_", "." or "-", got "my net"'],
  ['a file outside a folder', { files: [{ path: '/app.conf', content: '' }] }, 'files[0].path', 'must be an absolute path in a folder'],
  ['a file path going up', { files: [{ path: '/etc/../root/x', content: '' }] }, 'files[0].path', 'must be an absolute path in a folder'],
  ['one file twice', { files: [{ path: '/etc/a/x', content: '1' }, { path: '/etc/a/x', content: '2' }] }, 'files[1].path', '"/etc/a/x" is already the path of another file'],
  ['an empty reload command', { files: [{ path: '/etc/a/x', content: '' }], reload: [] }, 'reload', 'must be a command, and applies only to a container with files'],
  ['a reload without files', { reload: ['nginx', '-s', 'reload'] }, 'reload', 'must be a command, and applies only to a container with files'],
  ['a host name of 64 characters', { ...ROUTED, route: { hostName: 'a'.repeat(64), port: 80 } }, 'route.hostName', 'must be one DNS label'],
  ['a host name ending in -', { ...ROUTED, route: { hostName: 'app-', port: 80 } }, 'route.hostName', 'must be one DNS label'],
  ['an upper-case host name', { ...ROUTED, route: { hostName: 'App', port: 80 } }, 'route.hostName', 'must be one DNS label'],
  ['route port 0', { ...ROUTED, route: { hostName: 'app', port: 0 } }, 'route.port', 'must be the whole number from 1 to 65535 the app listens on, got 0'],
  ['route port 65536', { ...ROUTED, route: { hostName: 'app', port: 65536 } }, 'route.port', 'must be the whole number from 1 to 65535 the app listens on, got 65536'],
  ['a route without a network', { route: { hostName: 'app', port: 80 } }, 'route', 'needs network, the Docker network the router reaches the app on'],
  ['a secret variable name starting with a digit', { secretEnvironment: { '1A': 'x' } }, 'secretEnvironment', 'name "1A" must be letters, digits and "_", not starting with a digit'],
  ['a carriage return', { environment: { A: 'x\ry' } }, 'environment.A', 'must not contain a line break, which an env-file cannot hold'],
  ['a NUL in a secret', { secretEnvironment: { A: 'x\0y' } }, 'secretEnvironment.A', 'must not contain a NUL character, which an env-file cannot hold'],
  ['0.009 cores', { cpus: 0.009 }, 'cpus', 'must be a number of cores of at least 0.01, such as 0.5, got 0.009'],
  ['unbounded cores', { cpus: Infinity }, 'cpus', 'must be a number of cores of at least 0.01, such as 0.5, got Infinity'],
  ['a user with an empty group', { user: '1000:' }, 'user', 'must be a user name or id, optionally with ":group", such as 1000:1000 or nobody, got "1000:"'],
  ['a volume source with a space', { volumes: [{ source: 'my data', containerPath: '/data' }] }, 'volumes[0].source', 'must be a volume name'],
  ['a relative container path', { volumes: [{ source: 'data', containerPath: 'data' }] }, 'volumes[0].containerPath', 'must be an absolute path of letters'],
  ['an empty health check', { healthCheck: { command: [] } }, 'healthCheck.command', 'must be a command and its arguments known at synth time'],
  ['a health check with a line break', { healthCheck: { command: ['sh', '-c', 'a\nb'] } }, 'healthCheck.command', 'must be a command and its arguments known at synth time'],
  ['a fractional retry', { healthCheck: { command: ['true'], retries: 1.5 } }, 'healthCheck.retries', 'must be a whole number of at least 1, got 1.5'],
  ['a health check every 0 s', { healthCheck: { command: ['true'], interval: Duration.seconds(0) } }, 'healthCheck.interval', 'must be whole seconds of at least 1, got 0 seconds'],
  ['a health check every 500 ms', { healthCheck: { command: ['true'], interval: Duration.millis(500) } }, 'healthCheck.interval', 'must be whole seconds of at least 1, got 500 millis'],
  ['a health check every 1.5 s', { healthCheck: { command: ['true'], interval: Duration.millis(1500) } }, 'healthCheck.interval', 'must be whole seconds of at least 1, got 1 second 500 millis'],
  ['a health check timing out after 0 s', { healthCheck: { command: ['true'], timeout: Duration.seconds(0) } }, 'healthCheck.timeout', 'must be whole seconds of at least 1, got 0 seconds'],
  ['a health check timing out after 999 ms', { healthCheck: { command: ['true'], timeout: Duration.millis(999) } }, 'healthCheck.timeout', 'must be whole seconds of at least 1, got 999 millis'],
  ['a health check starting for 2.5 s', { healthCheck: { command: ['true'], startPeriod: Duration.millis(2500) } }, 'healthCheck.startPeriod', 'must be whole seconds of at least 0, got 2 seconds 500 millis'],
  ['log files of 0m', { logging: ContainerLogging.jsonFile({ maxSize: '0m' }) }, 'logging', 'maxSize must be a number with k, m or g, such as 10m, got "0m"'],
  ['log files of 10M', { logging: ContainerLogging.jsonFile({ maxSize: '10M' }) }, 'logging', 'maxSize must be a number with k, m or g, such as 10m, got "10M"'],
  ['no log file', { logging: ContainerLogging.jsonFile({ maxFiles: 0 }) }, 'logging', 'maxFiles must be a whole number of at least 1, got 0'],
  ['half a log file', { logging: ContainerLogging.jsonFile({ maxFiles: 1.5 }) }, 'logging', 'maxFiles must be a whole number of at least 1, got 1.5'],
  ['an image of 256 characters', { image: `${'a'.repeat(252)}:1.6` }, 'image', `container "app": image "${'a'.repeat(252)}:1.6" is not a Docker image reference`],
];

describe('container props at the edges of their rules', () => {
  it.each(TAKEN)('takes %s', (_case, change) => {
    expect(() => validateContainers('Test', [{ ...APP, ...change }])).not.toThrow();
  });

  it.each(REFUSED)('refuses %s, naming the prop', (_case, change, prop, problem) => {
    const error = thrownBy(PropError, () => validateContainers('Test', [{ ...APP, ...change }]));
    expect(error.prop).toBe(`containers[0].${prop}`);
    expect(error.message.startsWith(`Test: containers[0].${prop}: ${problem}`)).toBe(true);
  });

  it('names a swarm\'s services as services', () => {
    const error = thrownBy(PropError, () => validateContainers('Test', [APP, { ...APP, ports: [] }], 'services'));
    expect(error.message).toBe('Test: services[1].name: "app" is already the name of another service');
    expect(thrownBy(PropError, () => validateContainers('Test', [], 'services')).message).toBe('Test: services: must list at least one service');
  });

  it('leaves the rule of a value known only at deploy time to the host', () => {
    const later = Token.asString({ Ref: 'Later' });
    expect(() => validateContainers('Test', [{ ...APP, image: later, user: later, environment: { A: later }, environmentFile: later, ports: [{ hostPort: 80, allowFrom: [later] }] }])).not.toThrow();
  });
});
