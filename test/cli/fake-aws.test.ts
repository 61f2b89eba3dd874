import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { FakeAws } from '../../testkit/fake-aws/server';
import { cliAccount, RESOURCES, HOST_INSTANCE, LOG_GROUP, MANAGER_INSTANCE, STACK, WORKER_INSTANCES } from '../helpers/cli-account';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'dist', 'cli', 'index.js');

/**
 * The built command, as `npx docker-host-dependencies` runs it, against
 * the test kit's fake AWS over HTTP in the services' wire formats.
 */
let aws: FakeAws;
let endpoint: string;

beforeAll(async () => {
  aws = new FakeAws(cliAccount(Date.now()));
  endpoint = await aws.start();
});

afterAll(async () => {
  await aws.stop();
});

function cli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return runAt(endpoint, ...args);
}

/** Runs the built command with credentials of its own, its AWS calls going to the fake at `url`. */
function runAt(url: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], {
    env: {
      PATH: process.env.PATH,
      HOME: '/nonexistent',
      AWS_ENDPOINT_URL: url,
      AWS_ACCESS_KEY_ID: 'AKIAE2EEXAMPLE000000',
      AWS_SECRET_ACCESS_KEY: 'e2e-secret-access-key',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      NODE_NO_WARNINGS: '1',
    },
  });
}

describe('docker-host-dependencies against the fake AWS', () => {
  it('status prints each host and swarm node with its containers, the services and the last deploy', async () => {
    // WHEN
    const { stdout, stderr } = await cli('status', STACK, '--region', 'eu-west-1');

    // THEN
    expect(stdout).toBe(
      [
        'Stack web-prod',
        '',
        'NODE            INSTANCE             CONTAINER  STATE    HEALTH     RESTARTS  IMAGE',
        'Host (host)     i-0a1b2c3d4e5f60001  app        running  unhealthy  3         public.ecr.aws/nginx/nginx:1.27-alpine',
        'Host (host)     i-0a1b2c3d4e5f60001  cache      running  -          0         memcached:1.6-alpine',
        'Swarm (worker)  i-0a1b2c3d4e5f60021  web        running  healthy    0         public.ecr.aws/nginx/nginx:1.27-alpine',
        'Swarm (worker)  i-0a1b2c3d4e5f60022  web        running  healthy    0         public.ecr.aws/nginx/nginx:1.27-alpine',
        'Swarm (worker)  i-0a1b2c3d4e5f60021  worker     exited   -          1         ghcr.io/example/worker:2.4.1',
        '',
        'SWARM  SERVICE  MODE        REPLICAS',
        'Swarm  web      replicated  2/2',
        'Swarm  worker   replicated  0/1',
        '',
        'NODE            INSTANCE             LIFECYCLE',
        'Swarm (worker)  i-0a1b2c3d4e5f60023  Pending',
        '',
        'LAST DEPLOY  STATUS           TIME                      REASON',
        "Host         CREATE_FAILED    2026-12-07T03:46:12.000Z  WaitCondition received failed message: 'container app: unhealthy after 300 s; last log line: connect() failed (111: Connection refused) while connecting to upstream' for uniqueId: i-0a1b2c3d4e5f60001",
        'Swarm        UPDATE_COMPLETE  2026-12-07T03:41:09.000Z  -',
        '',
      ].join('\n'),
    );
    // The README and the operations guide show this very output.
    for (const doc of ['README.md', 'docs/operations.md']) expect(readFileSync(path.join(ROOT, doc), 'utf8')).toContain(`$ npx docker-host-dependencies status web-prod\n${doc === 'README.md' ? '' : `${stderr}`}${stdout}`);
    expect(stderr).toContain(`waiting for ${HOST_INSTANCE}, ${MANAGER_INSTANCE}, ${WORKER_INSTANCES.join(', ')} to run the command`);
    expect(aws.problems()).toEqual([]);
  });

  it('status finds the host and the swarm past the 100 resources DescribeStackResources lists, on the pages of ListStackResources', async () => {
    // GIVEN the stack with 150 other resources before its own
    const fillers = Array.from({ length: 150 }, (_, i) => ({ ...RESOURCES[2], LogicalResourceId: `Parameter${String(i).padStart(3, '0')}0A1B2C3D`, PhysicalResourceId: `/web-prod/p${i}`, ResourceType: 'AWS::SSM::Parameter' }));
    const large = new FakeAws({ ...cliAccount(Date.now()), stackResources: { [STACK]: [...fillers, ...RESOURCES] } });
    const largeEndpoint = await large.start();
    try {
      // WHEN
      const { stdout } = await runAt(largeEndpoint, 'status', STACK, '--region', 'eu-west-1', '--json');

      // THEN
      expect(JSON.parse(stdout).containers).toHaveLength(5);
      expect(large.calls.filter((call) => call.action === 'ListStackResources').map((call) => call.input)).toEqual([{ StackName: STACK }, { StackName: STACK, NextToken: expect.any(String) }]);
      expect(large.problems()).toEqual([]);
    } finally {
      await large.stop();
    }
  });

  it('status --json prints the same as JSON', async () => {
    // WHEN
    const { stdout } = await cli('status', STACK, '--region', 'eu-west-1', '--json');

    // THEN
    const status = JSON.parse(stdout);
    expect(status.containers[0]).toEqual({ node: 'Host', role: 'host', instanceId: HOST_INSTANCE, container: 'app', state: 'running', health: 'unhealthy', restarts: 3, image: 'public.ecr.aws/nginx/nginx:1.27-alpine' });
    expect(status.services).toEqual([
      { swarm: 'Swarm', service: 'web', mode: 'replicated', replicas: '2/2' },
      { swarm: 'Swarm', service: 'worker', mode: 'replicated', replicas: '0/1' },
    ]);
    expect(status.lastDeploys[0]).toMatchObject({ node: 'Host', status: 'CREATE_FAILED', resource: 'HostApplied51c0ffee4a2bC7E3D9A1' });
  });

  it('logs prints the events of the container\'s stream of the last 10 minutes, from the group its metadata names', async () => {
    // WHEN
    const { stdout } = await cli('logs', STACK, 'app', '--region', 'eu-west-1');

    // THEN
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[error\] 29#29: \*1 connect\(\) failed \(111: Connection refused\) while connecting to upstream, client: 10\.0\.1\.17$/),
      expect.stringMatching(/^\S+Z 10\.0\.1\.17 - - "GET \/health HTTP\/1\.1" 502 157$/),
    ]);
    const call = aws.calls.find((each) => each.action === 'FilterLogEvents');
    expect(call?.input).toMatchObject({ logGroupName: LOG_GROUP, logStreamNames: ['app'] });
  });

  it('logs --since 4h reaches back 4 hours', async () => {
    // WHEN
    const { stdout } = await cli('logs', STACK, 'app', '--since', '4h', '--region', 'eu-west-1');

    // THEN
    expect(stdout.trimEnd().split('\n')).toHaveLength(3);
  });

  it('says which stacks hold no Docker host or swarm, and exits 1', async () => {
    // WHEN
    const result = cli('status', 'e2e-datastores', '--region', 'eu-west-1');

    // THEN
    await expect(result).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('stack e2e-datastores holds no Docker host and no Docker swarm of docker-host-dependencies') });
  });

  it('says there is no such stack, naming the region, and exits 1', async () => {
    // WHEN
    const result = cli('status', 'web-prdo', '--region', 'eu-west-1');

    // THEN
    await expect(result).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('no stack named web-prdo in eu-west-1: check the name') });
  });

  it('says what to do when the SDK\'s credentials chain finds none, and exits 1', async () => {
    // GIVEN no credentials in the environment, no files, and no instance metadata service
    const result = run(process.execPath, [BIN, 'status', STACK, '--region', 'eu-west-1'], {
      env: { PATH: process.env.PATH, HOME: '/nonexistent', AWS_ENDPOINT_URL: endpoint, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_EC2_METADATA_DISABLED: 'true', NODE_NO_WARNINGS: '1' },
    });

    // THEN
    await expect(result).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('docker-host-dependencies: no AWS credentials found: run `aws configure` or `aws sso login`, or pass --profile NAME') });
  });

  it('prints the usage and exits 0 with --help, and 2 with a bad flag', async () => {
    // WHEN
    const help = await cli('--help');
    const logsHelp = await cli('logs', '--help');
    const bad = cli('status', STACK, '--jsno');

    // THEN
    expect(help.stdout).toMatch(/^Usage: docker-host-dependencies <command> \[options\]/);
    expect(logsHelp.stdout).toMatch(/^Usage: docker-host-dependencies logs <stack> <container> \[--follow\] \[--since 10m\]/);
    await expect(bad).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--jsno'[^]*Usage: docker-host-dependencies status <stack> \[--json\]/) });
  });
});
