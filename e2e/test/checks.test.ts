import {
  checkContainer,
  checkDockerInstalled,
  checkEnvFile,
  checkEnvironment,
  checkOutputsInEnvironment,
  checkSignal,
  checkTenants,
  memoryBytes,
  parsePublish,
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

  it('reports user data that never installs or starts Docker', () => {
    // WHEN
    const problems = checkDockerInstalled([{ command: 'dnf', args: ['install', '-y', 'podman'] }]);

    // THEN
    expect(problems).toEqual(['the user data never runs dnf install docker', 'the user data never starts the docker service with systemctl']);
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
  running?: boolean;
  image?: string;
  memory?: number;
  restart?: string;
  port?: string;
  ports?: ContainerInspect['NetworkSettings']['Ports'];
}): ContainerInspect {
  const port = options.port ?? '11211';
  return {
    Name: `/${options.name ?? 'memcached-alpha'}`,
    Config: { Image: options.image ?? 'e2e/memcached:local', Env: ['PATH=/usr/bin'] },
    State: options.running === false ? { Status: 'exited', Running: false, ExitCode: 1 } : { Status: 'running', Running: true, ExitCode: 0 },
    HostConfig: { Memory: options.memory ?? 96 * 1024 * 1024, RestartPolicy: { Name: options.restart ?? 'always' } },
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

function signal(exitCode: string) {
  return { command: 'cfn-signal', args: ['--exit-code', exitCode, '--stack', 'App', '--resource', 'HostInstance', '--region', 'eu-west-1'] };
}
