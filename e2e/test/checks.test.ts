import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  checkContainer,
  checkDockerInstalled,
  checkEnvFile,
  checkEnvironment,
  checkFailureSignal,
  checkOutputsInEnvironment,
  checkSignal,
  checkTenants,
  checkUpdateCalls,
  containerChanges,
  memoryBytes,
  parsePublish,
  searchFiles,
  type ContainerInspect,
} from '../docker/checks';
import type { DockerRun } from '../docker/script';

const MEMCACHED: DockerRun = {
  name: 'memcached-alpha',
  image: 'e2e/memcached:local',
  command: ['memcached', '-m', '64'],
  restart: 'always',
  memory: '96m',
  publish: ['11211:11211/tcp'],
  envFiles: [],
};

describe('checkContainer', () => {
  it('finds nothing wrong with a container started as its docker run says', () => {
    // WHEN
    const problems = checkContainer(MEMCACHED, inspect({}));

    // THEN
    expect(problems).toEqual([]);
  });

  it.each([
    ['a container that was never started', undefined, 'container memcached-alpha does not exist: its docker run did not start it'],
    ['an exited container', inspect({ running: false }), 'container memcached-alpha is exited (exit code 1), not running'],
    ['another image', inspect({ image: 'memcached:1.6' }), 'container memcached-alpha runs image memcached:1.6, not e2e/memcached:local'],
    ['no memory limit', inspect({ memory: 0 }), 'container memcached-alpha has a memory limit of none, not 96 MiB'],
    ['another restart policy', inspect({ restart: 'no' }), 'container memcached-alpha has restart policy no, not always'],
    ['an unpublished port', inspect({ ports: {} }), 'container memcached-alpha: port 11211 is not published to 11211/tcp; nothing is published'],
    [
      'a port published elsewhere',
      inspect({ ports: { '11211/tcp': [{ HostIp: '0.0.0.0', HostPort: '11311' }] } }),
      'container memcached-alpha: port 11211 is not published to 11211/tcp; published: 11311->11211/tcp',
    ],
  ])('reports %s', (_, actual, problem) => {
    // WHEN
    const problems = checkContainer(MEMCACHED, actual);

    // THEN
    expect(problems).toEqual([problem]);
  });

  it('finds nothing wrong with the log driver, its options, the user and a read-only root the host file asks for', () => {
    // GIVEN
    const expected: DockerRun = { ...MEMCACHED, logging: { driver: 'json-file', options: { 'max-size': '5m', 'max-file': '2' } }, user: '65534:65534', readOnlyRootFilesystem: true };
    const actual = inspect({ logConfig: { Type: 'json-file', Config: { 'max-file': '2', 'max-size': '5m' } }, user: '65534:65534', readOnly: true });

    // WHEN
    const problems = checkContainer(expected, actual);

    // THEN
    expect(problems).toEqual([]);
  });

  it('reports another log driver or option, another user and a writable root', () => {
    // GIVEN
    const expected: DockerRun = { ...MEMCACHED, logging: { driver: 'json-file', options: { 'max-size': '5m', 'max-file': '2' } }, user: '65534:65534', readOnlyRootFilesystem: true };
    const actual = inspect({ logConfig: { Type: 'json-file', Config: { 'max-size': '10m' } }, user: '', readOnly: false });

    // WHEN
    const problems = checkContainer(expected, actual);

    // THEN
    expect(problems).toEqual([
      'container memcached-alpha logs with json-file {"max-size":"10m"}, not json-file {"max-file":"2","max-size":"5m"}',
      "container memcached-alpha runs as user (the image's), not 65534:65534",
      'container memcached-alpha has a writable root filesystem, not a read-only one',
    ]);
  });
});

describe('containerChanges', () => {
  it('tells recreated, untouched, restarted, started and removed containers apart by id and start time', () => {
    // GIVEN
    const before = [
      inspect({ name: 'alpha', id: 'a1', startedAt: 't1' }),
      inspect({ name: 'beta', id: 'b1', startedAt: 't1' }),
      inspect({ name: 'delta', id: 'd1', startedAt: 't1' }),
      inspect({ name: 'omega', id: 'o1', startedAt: 't1' }),
    ];
    const after = [
      inspect({ name: 'gamma', id: 'g1', startedAt: 't2' }),
      inspect({ name: 'beta', id: 'b1', startedAt: 't1' }),
      inspect({ name: 'alpha', id: 'a2', startedAt: 't2' }),
      inspect({ name: 'delta', id: 'd1', startedAt: 't2' }),
    ];

    // WHEN
    const changes = containerChanges(before, after);

    // THEN
    expect(changes).toEqual({ recreated: ['alpha'], kept: ['beta'], restarted: ['delta'], started: ['gamma'], removed: ['omega'] });
  });
});

describe('environment and env-file', () => {
  it('names each env-file line the container environment lacks, and what it has instead', () => {
    // WHEN
    const problems = checkEnvironment('container app', ['PATH=/bin', 'DatabasePort=5433'], ['DatabasePort=5432', 'Greeting=Grüße', '', '# comment']);

    // THEN
    expect(problems).toEqual([
      'container app: environment lacks line DatabasePort=5432 (it has DatabasePort=5433)',
      'container app: environment lacks line Greeting=Grüße',
    ]);
  });

  it('reports an env-file readable by others and a line it lacks', () => {
    // WHEN
    const problems = checkEnvFile('/etc/docker-host/app.env', 0o100644, 'A=1\n', 'A=1\nB=2\n');

    // THEN
    expect(problems).toEqual(['env-file /etc/docker-host/app.env has mode 0644, not 0600', 'env-file /etc/docker-host/app.env lacks line B=2']);
  });

  it('reports an env-file that was not written', () => {
    // WHEN
    const problems = checkEnvFile('/etc/docker-host/app.env', undefined, undefined, 'A=1\n');

    // THEN
    expect(problems).toEqual(['env-file /etc/docker-host/app.env was not written']);
  });

  it("names each stack output missing from the handler's env-file", () => {
    // WHEN
    const problems = checkOutputsInEnvironment('Custom::StackDependency Datastores', 'A=1\nB=x\n', { A: '1', B: '2', C: 'ü' });

    // THEN
    expect(problems).toEqual(['Custom::StackDependency Datastores: env-file lacks line B=2', 'Custom::StackDependency Datastores: env-file lacks line C=ü']);
  });
});

describe('checkTenants', () => {
  const tenants = [
    { name: 'alpha', port: 11211, memoryMiB: 64 },
    { name: 'beta', port: 11212, memoryMiB: 32 },
  ];

  it('finds nothing wrong with one running container per tenant on its port', () => {
    // WHEN
    const problems = checkTenants(tenants, [inspect({}), inspect({ name: 'memcached-beta', port: '11212' })]);

    // THEN
    expect(problems).toEqual([]);
  });

  it('reports a tenant whose port is not published and the count of containers', () => {
    // WHEN
    const problems = checkTenants(tenants, [inspect({})]);

    // THEN
    expect(problems).toEqual(['the memcached host runs 1 containers for 2 tenants: memcached-alpha', 'tenant beta: port 11212 not published']);
  });

  it('reports a tenant container with less memory than the tenant has', () => {
    // WHEN
    const problems = checkTenants([tenants[0]], [inspect({ memory: 32 * 1024 * 1024 })]);

    // THEN
    expect(problems).toEqual(["tenant alpha: container memcached-alpha may use 32 MiB, less than the tenant's 64 MiB"]);
  });
});

describe('stubbed commands', () => {
  const expected = { stack: 'App', resource: 'HostInstance', region: 'eu-west-1' };

  it('accepts one cfn-signal reporting success for the stack, resource and region', () => {
    // WHEN
    const problems = checkSignal([signal('0')], expected);

    // THEN
    expect(problems).toEqual([]);
  });

  it('reports a cfn-signal of failure', () => {
    // WHEN
    const problems = checkSignal([signal('1')], expected);

    // THEN
    expect(problems).toEqual(['cfn-signal reported exit code 1, not 0 (success)']);
  });

  it('reports a cfn-signal for another resource and a missing one', () => {
    // WHEN
    const wrong = checkSignal([{ command: 'cfn-signal', args: ['-e', '0', '--stack', 'App', '--resource', 'Other', '--region', 'eu-west-1'] }], expected);
    const none = checkSignal([], expected);

    // THEN
    expect(wrong).toEqual(['cfn-signal was given --resource Other, not HostInstance']);
    expect(none).toEqual(['cfn-signal to the instance was called 0 times, not once']);
  });

  it('reads a failed start from the signals: the reason names the container and holds its last log line', () => {
    // GIVEN
    const reason = 'container crasher is restarting; last log lines: crasher: starting | crasher: cannot open /srv/state';
    const calls = [failure(reason, ['--stack', 'App', '--resource', 'HostInstance', '--region', 'eu-west-1']), failure(reason, ['--id', 'abc', 'https://handle'])];

    // WHEN
    const checked = checkFailureSignal(calls, 'crasher', 'crasher: cannot open /srv/state');

    // THEN
    expect(checked).toEqual({ problems: [], reason });
  });

  it('reports a failed start signalled as success, or with a reason that names another container and lacks the log line', () => {
    // GIVEN
    const calls = [failure('container other is not running (exit code 1); last log lines: (no output)', ['--stack', 'App']), signal('0')];

    // WHEN
    const twice = checkFailureSignal(calls, 'crasher', 'crasher: cannot open /srv/state');
    const once = checkFailureSignal([{ command: 'cfn-signal', args: ['--exit-code', '0', '--reason', 'every container runs', '--stack', 'App'] }], 'crasher', 'boom');

    // THEN
    expect(twice.problems).toEqual(['cfn-signal to the instance was called 2 times, not once']);
    expect(once.problems).toEqual([
      'cfn-signal reported exit code 0, not failure',
      'the failure reason does not name container crasher: "every container runs"',
      'the failure reason lacks the container\'s last log line "boom": "every container runs"',
    ]);
  });

  it('accepts an update that ran cfn-init once and signalled success to the new wait condition only', () => {
    // GIVEN
    const calls = [
      { command: 'cfn-init', args: ['-v', '--stack', 'App'] },
      { command: 'cfn-signal', args: ['--exit-code', '0', '--reason', 'every container runs', '--id', 'new', 'https://handle'] },
    ];

    // WHEN
    const problems = checkUpdateCalls(calls, 'new');

    // THEN
    expect(problems).toEqual([]);
  });

  it('reports an update that ran the user data again, signalled another wait condition or failed', () => {
    // GIVEN
    const rebooted = [
      { command: 'dnf', args: ['install', '-y', 'docker'] },
      { command: 'cfn-init', args: ['-v'] },
      { command: 'cfn-signal', args: ['--exit-code', '0', '--id', 'old', 'https://handle'] },
    ];
    const failed = [{ command: 'cfn-init', args: ['-v'] }, failure('container alpha is unhealthy', ['--id', 'new', 'https://handle'])];

    // WHEN
    const again = checkUpdateCalls(rebooted, 'new');
    const unhealthy = checkUpdateCalls(failed, 'new');

    // THEN
    expect(again).toEqual([
      "the update ran the user data's commands again: dnf install -y docker",
      'the update signalled 1 times (--exit-code 0 --id old https://handle), not once to the wait condition of apply id new',
    ]);
    expect(unhealthy).toEqual(['the update signalled the wait condition with exit code 1, not 0: container alpha is unhealthy']);
  });

  it('reports user data that never installs or starts Docker', () => {
    // WHEN
    const problems = checkDockerInstalled([{ command: 'dnf', args: ['install', '-y', 'podman'] }]);

    // THEN
    expect(problems).toEqual(['the user data never runs dnf install docker', 'the user data never starts the docker service with systemctl']);
  });
});

describe('searchFiles', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'search-files-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds each needle as UTF-8 bytes in the files under the roots, but not in what it is told to skip or behind a link', () => {
    // GIVEN
    const secret = 'it\'s "x" $HOME \\ 東京 ✓';
    mkdirSync(path.join(root, 'logs'));
    mkdirSync(path.join(root, 'engine', 'layers'), { recursive: true });
    writeFileSync(path.join(root, 'logs', 'user-data.log'), `before ${secret} after`);
    writeFileSync(path.join(root, 'logs', 'metadata.json'), JSON.stringify({ value: `marker-1 ${secret}` }));
    writeFileSync(path.join(root, 'clean.txt'), 'nothing here');
    writeFileSync(path.join(root, 'engine', 'layers', 'env'), secret);
    symlinkSync(path.join(root, 'logs', 'user-data.log'), path.join(root, 'link'));

    // WHEN
    const search = searchFiles([root], [secret, 'marker-1'], (file) => file.endsWith('/layers'));

    // THEN
    expect(search.found).toEqual([
      { file: path.join(root, 'logs', 'metadata.json'), needle: 'marker-1' },
      { file: path.join(root, 'logs', 'user-data.log'), needle: secret },
    ]);
    expect(search.files).toBe(3);
    expect(search.unreadable).toEqual([]);
  });
});

describe('sizes and ports', () => {
  it.each([
    ['96m', 96 * 1024 * 1024],
    ['1g', 1024 ** 3],
    ['512k', 512 * 1024],
    ['1000', 1000],
  ])('reads the memory size %s', (size, bytes) => {
    // WHEN
    const read = memoryBytes(size);

    // THEN
    expect(read).toBe(bytes);
  });

  it.each([
    ['11211:11211/tcp', { hostPort: '11211', containerPort: '11211/tcp' }],
    ['8080:80', { hostPort: '8080', containerPort: '80/tcp' }],
    ['127.0.0.1:5353:53/udp', { hostPort: '5353', containerPort: '53/udp' }],
  ])('reads the port mapping %s', (mapping, expected) => {
    // WHEN
    const read = parsePublish(mapping);

    // THEN
    expect(read).toEqual(expected);
  });
});

function inspect(options: {
  name?: string;
  id?: string;
  startedAt?: string;
  running?: boolean;
  image?: string;
  memory?: number;
  restart?: string;
  port?: string;
  ports?: ContainerInspect['NetworkSettings']['Ports'];
  logConfig?: ContainerInspect['HostConfig']['LogConfig'];
  user?: string;
  readOnly?: boolean;
}): ContainerInspect {
  const port = options.port ?? '11211';
  const state = options.running === false ? { Status: 'exited', Running: false, ExitCode: 1 } : { Status: 'running', Running: true, ExitCode: 0 };
  return {
    Id: options.id,
    Name: `/${options.name ?? 'memcached-alpha'}`,
    Config: { Image: options.image ?? 'e2e/memcached:local', Env: ['PATH=/usr/bin'], User: options.user },
    State: { ...state, StartedAt: options.startedAt },
    HostConfig: {
      Memory: options.memory ?? 96 * 1024 * 1024,
      RestartPolicy: { Name: options.restart ?? 'always' },
      LogConfig: options.logConfig,
      ReadonlyRootfs: options.readOnly,
    },
    NetworkSettings: {
      Ports: options.ports ?? {
        '11211/tcp': [
          { HostIp: '0.0.0.0', HostPort: port },
          { HostIp: '::', HostPort: port },
        ],
      },
    },
  };
}

function failure(reason: string, target: string[]) {
  return { command: 'cfn-signal', args: ['--exit-code', '1', '--reason', reason, ...target] };
}

function signal(exitCode: string) {
  return { command: 'cfn-signal', args: ['--exit-code', exitCode, '--stack', 'App', '--resource', 'HostInstance', '--region', 'eu-west-1'] };
}
