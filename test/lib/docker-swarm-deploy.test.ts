import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { VpcDependency } from '../../lib/dependencies';
import { DockerSwarm, type SwarmServiceDefinition } from '../../lib/swarm';
import { HOST_PATH, itRunning, runHostProgram } from '../helpers/host-tools';
import { resolveAll } from './user-data';

/**
 * The managers' deploy helper as the metadata ships it, run with a fake
 * docker that behaves like a swarm over time (test/lib/fake-swarm.py) and a
 * recording cfn-signal, with real waits of a second or two.
 */

const SAMPLES = { 'AWS::StackName': 'cache-prod', 'AWS::Region': 'eu-west-1' };
const URL = 'https://cloudformation-waitcondition-eu-west-1.s3.eu-west-1.amazonaws.com/arn%3Aaws%3Acloudformation%3Aeu-west-1%3A123456789012%3Astack/cache-prod/1/SwarmDeployedHandle?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=86399&X-Amz-Signature=5d2b9e0c1a';
const EARLIER = '2026-12-06T10:00:00Z';
const NOW = '2026-12-07T04:00:00Z';

interface Service {
  readonly image: string;
  readonly replicas?: number;
  readonly states: ReadonlyArray<Record<string, unknown>>;
}
/**
 * An SSM parameter as Parameter Store answers for it: its version and value (or, in `valueError`, the error the
 * aws CLI prints and its exit status when asked for the value of that version), or the error and exit status for any call.
 */
type Parameter =
  | { readonly version: number; readonly value: string; readonly valueError?: { readonly exitCode: number; readonly stderr: string } }
  | { readonly exitCode: number; readonly stderr: string };
interface Scenario {
  readonly leader?: boolean;
  readonly secrets?: readonly string[];
  readonly secretCreate?: { exitCode: number; stderr: string };
  /** The SSM parameters by name; the aws CLI answers any other as not found. */
  readonly parameters?: Record<string, Parameter>;
  readonly deploy?: { exitCode?: number; stdout?: string; stderr?: string };
  readonly before?: Record<string, Service>;
  readonly after?: Record<string, Service>;
}

const WEB_V1: Service = { image: 'nginx:1.26', replicas: 2, states: [{ running: 2, update: 'completed', updateStarted: EARLIER }] };

type Shipped = { helper: string; gate: string; deployFile: Record<string, any>; deployId: string };
let shipped: Shipped;

beforeAll(() => {
  shipped = ship([{ name: 'web', image: 'nginx:1.27', replicas: 2 }]);
});

/** The deploy helper, its gate and its deploy file as the managers' metadata of a swarm of `services` ships them. */
function ship(services: SwarmServiceDefinition[]): Shipped {
  const scope = new Stack(new App(), 'Cluster');
  new DockerSwarm(scope, 'Swarm', {
    vpc: new VpcDependency(scope, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 3 }),
    managers: 1,
    services,
  });
  const template = Template.fromStack(scope).toJSON();
  const manager = Object.keys(template.Resources).find((id) => id.startsWith('SwarmManager1ASG'))!;
  const files = template.Resources[manager].Metadata['AWS::CloudFormation::Init'].config.files;
  const handle = Object.keys(template.Resources).find((id) => template.Resources[id].Type === 'AWS::CloudFormation::WaitConditionHandle')!;
  const deployFile = resolveAll(files['/etc/docker-swarm/deploy.json'].content, { ...SAMPLES, [handle]: URL });
  return {
    helper: resolveAll(files['/usr/local/sbin/docker-swarm-deploy'].content, SAMPLES),
    gate: files['/usr/local/sbin/docker-swarm-gate'].content,
    deployFile,
    deployId: deployFile.deployId,
  };
}

describe('the deploy helper\'s gate', () => {
  itRunning('bash', 'python3', 'flock')('signals SUCCESS once the updated service completed its update and the new one runs its tasks, not on an old update\'s state', () => {
    // GIVEN web, whose update starts 6 s after the deploy (its last update's "completed" shows until then) and completes at 7 s;
    // a new service whose task runs at 0.5 s; and an unchanged one whose update was rolled back by an earlier deploy
    const scenario: Scenario = {
      before: { app_web: WEB_V1, app_cache: { image: 'memcached:1.6', states: [{ running: 1, update: 'rollback_completed', updateStarted: EARLIER }] } },
      after: {
        app_web: {
          image: 'nginx:1.27',
          replicas: 2,
          states: [{ at: 0, running: 2, update: 'completed', updateStarted: EARLIER }, { at: 6, running: 1, update: 'updating', updateStarted: NOW }, { at: 7, running: 2, update: 'completed' }],
        },
        app_cache: { image: 'memcached:1.6', states: [{ running: 1, update: 'rollback_completed', updateStarted: EARLIER }] },
        app_worker: { image: 'busybox:1.36', states: [{ at: 0, running: 0 }, { at: 0.5, running: 1 }] },
      },
    };
    // WHEN
    const run = deploy(scenario, { waitSeconds: 20 });
    // THEN
    expect(run.status).toBe(0);
    expect(run.signals).toEqual([signal('0', 'every service of stack app converged')]);
    expect(run.seconds).toBeGreaterThanOrEqual(7);
    expect(run.calls).toContainEqual(['docker', 'stack', 'deploy', '--prune', '--compose-file', expect.stringMatching(/\/etc\/docker-swarm\/stack\.yml$/), 'app']);
  });

  itRunning('bash', 'python3', 'flock')('signals FAILURE naming the service and its task\'s error as soon as swarm rolls the update back', () => {
    // GIVEN web's new task exits 1 within the monitor window, so swarm starts rolling back at 0.8 s, putting the old spec back
    const scenario: Scenario = {
      before: { app_web: WEB_V1 },
      after: {
        app_web: {
          image: 'nginx:1.27',
          replicas: 2,
          states: [
            { at: 0, running: 2 },
            { at: 0.3, update: 'updating', updateStarted: NOW, tasks: [{ name: 'app_web.1', state: 'Starting 1 second ago' }, { name: 'app_web.1', state: 'Shutdown 1 second ago' }] },
            {
              at: 0.8,
              image: 'nginx:1.26',
              update: 'rollback_started',
              message: 'update rolled back due to failure or early termination of task 8kq0ihx7cu1m',
              tasks: [{ name: 'app_web.1', state: 'Running 1 second ago' }, { name: 'app_web.1', error: 'task: non-zero exit (1)', state: 'Failed 1 second ago' }],
            },
          ],
        },
      },
    };
    // WHEN
    const run = deploy(scenario, { waitSeconds: 20 });
    // THEN
    expect(run.status).toBe(3);
    expect(run.signals).toEqual([signal('1', 'service app_web: swarm is rolling the update back (rollback_started); task app_web.1: task: non-zero exit (1) (Failed 1 second ago)')]);
    expect(run.seconds).toBeLessThan(15);
  });

  itRunning('bash', 'python3', 'flock')('signals FAILURE naming the service that has not converged when the time runs out, with its task\'s error', () => {
    // GIVEN a new service whose task keeps exiting 1
    const scenario: Scenario = {
      before: { app_web: WEB_V1 },
      after: {
        app_web: WEB_V1,
        app_worker: { image: 'busybox:1.36', states: [{ at: 0, running: 0, tasks: [{ name: 'app_worker.1', state: 'Ready 1 second ago' }, { name: 'app_worker.1', error: 'task: non-zero exit (1)', state: 'Failed 2 seconds ago' }] }] },
      },
    };
    // WHEN the deploy may wait 1 s
    const run = deploy(scenario, { waitSeconds: 1 });
    // THEN
    expect(run.status).toBe(3);
    expect(run.signals).toEqual([signal('1', 'service app_worker has not converged in 1 s (0 of 1 tasks running); task app_worker.1: task: non-zero exit (1) (Failed 2 seconds ago)')]);
    expect(run.seconds).toBeGreaterThanOrEqual(1);
  });

  itRunning('bash', 'python3', 'flock')('signals FAILURE with the state of the update that does not complete in time', () => {
    // GIVEN web's update, whose second task never starts
    const scenario: Scenario = {
      before: { app_web: WEB_V1 },
      after: { app_web: { image: 'nginx:1.27', replicas: 2, states: [{ at: 0, running: 2 }, { at: 0.2, running: 1, update: 'updating', updateStarted: NOW, tasks: [{ name: 'app_web.2', state: 'Pending 2 seconds ago' }] }] } },
    };
    // WHEN
    const run = deploy(scenario, { waitSeconds: 1 });
    // THEN
    expect(run.signals).toEqual([signal('1', 'service app_web has not converged in 1 s (update updating, 1 of 2 tasks running); task app_web.2: Pending 2 seconds ago')]);
  });


  itRunning('bash', 'python3', 'flock')('signals SUCCESS at once for a changed service scaled to no task, which swarm does not update', () => {
    // GIVEN
    const scenario: Scenario = { before: { app_web: WEB_V1 }, after: { app_web: { image: 'nginx:1.27', replicas: 0, states: [{ at: 0, running: 0, update: 'completed', updateStarted: EARLIER }] } } };
    // WHEN
    const run = deploy(scenario, { waitSeconds: 3 });
    // THEN
    expect(run.signals).toEqual([signal('0', 'every service of stack app converged')]);
  });

  itRunning('bash', 'python3', 'flock')('says so when no task of the service that has not converged reports an error', () => {
    // GIVEN a new service whose tasks swarm has not listed yet
    const run = deploy({ before: {}, after: { app_web: { image: 'nginx:1.27', states: [{ at: 0, running: 0 }] } } }, { waitSeconds: 1 });
    // THEN
    expect(run.signals).toEqual([signal('1', 'service app_web has not converged in 1 s (0 of 1 tasks running); no task reports an error')]);
  });
});

describe('a deploy docker refuses', () => {
  itRunning('bash', 'python3', 'flock')('signals FAILURE with docker\'s exit status and last lines, without waiting', () => {
    // GIVEN the daemon refuses the new spec
    const stderr = 'failed to update service app_web: Error response from daemon: rpc error: code = InvalidArgument desc = ContainerSpec: "nginx:1.27 " is not a valid repository/tag\n';
    // WHEN
    const run = deploy({ before: { app_web: WEB_V1 }, deploy: { exitCode: 1, stdout: 'Updating service app_web (id: id-app_web)\n', stderr } }, { waitSeconds: 10 });
    // THEN
    expect(run.status).toBe(3);
    expect(run.signals).toEqual([signal('1', `docker stack deploy refused the deploy (exit 1): ${stderr.trim()}`)]);
    expect(run.calls.filter((call) => call[1] === 'service' && call[2] === 'ps')).toEqual([]);
  });

  itRunning('bash', 'python3', 'flock')('leaves docker\'s help hint out of the reason', () => {
    // WHEN an engine too old for --prune refuses the command line, as docker does, with exit status 125
    const run = deploy({ before: { app_web: WEB_V1 }, deploy: { exitCode: 125, stderr: "unknown flag: --prune\nSee 'docker stack deploy --help'.\n" } }, { waitSeconds: 10 });
    // THEN
    expect(run.signals).toEqual([signal('1', 'docker stack deploy refused the deploy (exit 125): unknown flag: --prune')]);
  });

  itRunning('bash', 'python3', 'flock')('cuts the reason to 900 characters, CloudFormation\'s limit', () => {
    // WHEN docker's error is longer
    const run = deploy({ before: { app_web: WEB_V1 }, deploy: { exitCode: 1, stderr: `Error response from daemon: ${'x'.repeat(2000)}\n` } }, { waitSeconds: 10 });
    // THEN
    expect(run.signals).toHaveLength(1);
    expect(reason(run.signals[0])).toHaveLength(900);
  });

  itRunning('bash', 'python3', 'flock')('shows no value of the services\' env-files in the reason or the output, and never the signed URL of the wait handle', () => {
    // GIVEN an env-file value that docker repeats in its error, and a cfn-signal that fails printing the URL it was given
    const stderr = 'failed to create service app_web: Error response from daemon: invalid environment DB_PASSWORD=hunter2 correct\n';
    // WHEN
    const run = deploy({ before: {}, deploy: { exitCode: 1, stderr } }, { waitSeconds: 10, envFiles: { 'web.env': 'DB_HOST=db.internal\nDB_PASSWORD=hunter2 correct\n' }, failingSignal: true });
    // THEN
    expect(run.status).toBe(1);
    expect(reason(run.signals[0])).toBe('docker stack deploy refused the deploy (exit 1): failed to create service app_web: Error response from daemon: invalid environment DB_PASSWORD=***');
    expect(run.output).not.toContain('hunter2');
    expect(run.output).not.toContain('X-Amz-Signature');
    expect(run.output).toContain('cfn-signal could not report: Error: 403 Client Error: Forbidden for url: ***');
  });

  itRunning('bash', 'python3', 'flock')('with --fail, runs nothing and signals FAILURE with the reason it is given, env-file values as ***', () => {
    // WHEN the gate is handed a reason that holds an env-file value
    const run = deploy({ before: { app_web: WEB_V1 } }, {
      waitSeconds: 10,
      gate: ['--fail', 'swarm secret db-password could not be made: refused DB_PASSWORD=hunter2 correct'],
      envFiles: { 'web.env': 'DB_PASSWORD=hunter2 correct\n' },
    });
    // THEN
    expect(run.status).toBe(3);
    expect(run.signals).toEqual([signal('1', 'swarm secret db-password could not be made: refused DB_PASSWORD=***')]);
    expect(run.calls).toEqual([]);
    expect(run.output).toBe('docker-swarm-gate: swarm secret db-password could not be made: refused DB_PASSWORD=***\n');
  });
});

describe('a secret that cannot be made', () => {
  let withSecret: Shipped;
  beforeAll(() => {
    withSecret = ship([{ name: 'web', image: 'nginx:1.27', replicas: 2, secrets: [{ name: 'db-password', parameterName: '/web/db-password' }] }]);
  });
  const VERSION_CALL = ['aws', 'ssm', 'get-parameter', '--region', 'eu-west-1', '--name', '/web/db-password', '--query', 'Parameter.Version', '--output', 'text'];
  const ACCESS_DENIED = 'An error occurred (AccessDeniedException) when calling the GetParameter operation: User: arn:aws:sts::123456789012:assumed-role/cache-prod-SwarmManagerRole/i-0abc is not authorized to perform: ssm:GetParameter on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/web/db-password because no identity-based policy allows the ssm:GetParameter action';

  itRunning('bash', 'python3', 'flock')('signals FAILURE naming the secret, its parameter and the aws CLI\'s error when the parameter does not exist, and deploys nothing', () => {
    // WHEN the deploy runs and Parameter Store has no /web/db-password
    const run = deploy({ before: { app_web: WEB_V1 }, after: { app_web: WEB_V1 } }, { waitSeconds: 10, of: withSecret });
    // THEN
    expect(run.status).toBe(3);
    expect(run.signals).toEqual([signal('1', 'swarm secret db-password from SSM parameter /web/db-password could not be made, '
      + 'so nothing was deployed: aws ssm get-parameter failed (exit 254): An error occurred (ParameterNotFound) when calling the GetParameter operation:', withSecret)]);
    expect(run.awsCalls).toEqual([VERSION_CALL]);
    expect(run.calls.filter((call) => call[1] === 'stack' || call[1] === 'secret')).toEqual([]);
  });

  itRunning('bash', 'python3', 'flock')('signals FAILURE with docker\'s error when docker refuses to create the secret, never its value, and deploys nothing', () => {
    // GIVEN version 3 of the parameter, which the swarm does not have, and a daemon that refuses the secret
    const scenario: Scenario = {
      before: { app_web: WEB_V1 },
      after: { app_web: WEB_V1 },
      parameters: { '/web/db-password': { version: 3, value: 'hunter2 correct' } },
      secrets: ['db-password-v2'],
      secretCreate: { exitCode: 1, stderr: 'Error response from daemon: rpc error: code = ResourceExhausted desc = raft: raft message is too large and can\'t be sent\n' },
    };
    // WHEN
    const run = deploy(scenario, { waitSeconds: 10, of: withSecret });
    // THEN
    expect(run.status).toBe(3);
    expect(run.signals).toEqual([signal('1', 'swarm secret db-password from SSM parameter /web/db-password could not be made, '
      + 'so nothing was deployed: docker secret create db-password-v3 failed (exit 1): Error response from daemon: rpc error: code = ResourceExhausted desc = raft: raft message is too large and can\'t be sent', withSecret)]);
    expect(run.calls.filter((call) => call[1] === 'stack' || call[1] === 'secret')).toEqual([['docker', 'secret', 'inspect', 'db-password-v3'], ['docker', 'secret', 'create', 'db-password-v3', '-']]);
    expect(run.output).not.toContain('hunter2');
    expect(run.output).not.toContain('X-Amz-Signature');
  });

  itRunning('bash', 'python3', 'flock')('signals FAILURE with the aws CLI\'s error when the value of the version cannot be read, not docker\'s refusal of the empty value it was handed', () => {
    // GIVEN version 3 of the parameter, whose key the managers' role may not decrypt with
    const KMS_DENIED = 'An error occurred (AccessDeniedException) when calling the GetParameter operation: User: arn:aws:sts::123456789012:assumed-role/cache-prod-SwarmManagerRole/i-0abc '
      + 'is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action';
    const scenario: Scenario = {
      before: { app_web: WEB_V1 },
      after: { app_web: WEB_V1 },
      parameters: { '/web/db-password': { version: 3, value: 'hunter2 correct', valueError: { exitCode: 254, stderr: `\n${KMS_DENIED}\n` } } },
    };
    // WHEN
    const run = deploy(scenario, { waitSeconds: 10, of: withSecret });
    // THEN
    expect(run.status).toBe(3);
    expect(run.signals).toEqual([signal('1', 'swarm secret db-password from SSM parameter /web/db-password could not be made, '
      + `so nothing was deployed: aws ssm get-parameter of version 3 failed (exit 254): ${KMS_DENIED}`, withSecret)]);
    expect(run.awsCalls).toEqual([VERSION_CALL,
      ['aws', 'ssm', 'get-parameter', '--region', 'eu-west-1', '--name', '/web/db-password:3', '--with-decryption', '--query', 'Parameter.Value', '--output', 'text']]);
    expect(run.calls.filter((call) => call[1] === 'stack' || call[1] === 'secret')).toEqual([['docker', 'secret', 'inspect', 'db-password-v3'], ['docker', 'secret', 'create', 'db-password-v3', '-']]);
  });

  itRunning('bash', 'python3', 'flock')('cuts the reason to 900 characters, as the gate cuts docker\'s', () => {
    // WHEN the aws CLI's error is longer
    const scenario: Scenario = { before: { app_web: WEB_V1 }, parameters: { '/web/db-password': { exitCode: 254, stderr: `\nAn error occurred (ThrottlingException) when calling the GetParameter operation: ${'Rate exceeded '.repeat(100)}\n` } } };
    const run = deploy(scenario, { waitSeconds: 10, of: withSecret });
    // THEN
    expect(run.status).toBe(3);
    expect(run.signals).toHaveLength(1);
    expect(reason(run.signals[0])).toBe(('swarm secret db-password from SSM parameter /web/db-password could not be made, so nothing was deployed: '
      + `aws ssm get-parameter failed (exit 254): An error occurred (ThrottlingException) when calling the GetParameter operation: ${'Rate exceeded '.repeat(100)}`).slice(0, 900));
  });

  itRunning('bash', 'python3', 'flock')('with --refresh, signals nothing, prints the reason and exits 1, leaving the services as they run', () => {
    // GIVEN the managers' role may not read the parameter
    const scenario: Scenario = { before: { app_web: WEB_V1 }, parameters: { '/web/db-password': { exitCode: 254, stderr: `\n${ACCESS_DENIED}\n` } } };
    // WHEN the timer runs the refresh
    const run = deploy(scenario, { waitSeconds: 10, args: ['--refresh'], of: withSecret });
    // THEN
    expect(run.status).toBe(1);
    expect(run.signals).toEqual([]);
    expect(run.output).toContain(`swarm secret db-password from SSM parameter /web/db-password could not be made, so nothing was deployed: aws ssm get-parameter failed (exit 254): ${ACCESS_DENIED}\n`);
    expect(run.calls.map((call) => call.slice(0, 4).join(' '))).toEqual(['docker node inspect self']);
  });
});

describe('one deploy at a time', () => {
  itRunning('bash', 'python3', 'flock')('waits for a deploy in progress on the leader before it deploys and signals', () => {
    // GIVEN another deploy holds the leader's lock for 2 s
    const scenario: Scenario = { before: { app_web: WEB_V1 }, after: { app_web: WEB_V1 } };
    // WHEN the helper runs
    const run = deploy(scenario, { waitSeconds: 10, lockHeldSeconds: 2 });
    // THEN it says it waits, deploys only once the other ended, and signals
    expect(run.output).toContain('another deploy runs on this manager; waiting for it');
    expect(run.seconds).toBeGreaterThanOrEqual(1.5);
    expect(run.signals).toEqual([signal('0', 'every service of stack app converged')]);
  });
});

describe('runs that do not signal', () => {
  itRunning('bash', 'python3', 'flock')('a manager that does not lead deploys nothing and signals nothing', () => {
    const run = deploy({ leader: false, before: { app_web: WEB_V1 } }, { waitSeconds: 1 });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([['docker', 'node', 'inspect', 'self', '--format', '{{.ManagerStatus.Leader}}']]);
  });

  itRunning('bash', 'python3', 'flock')('with --refresh, the leader signals nothing, and deploys nothing when no secret moved and no service is pulled always', () => {
    const run = deploy({ before: { app_web: WEB_V1 }, after: { app_web: WEB_V1 } }, { waitSeconds: 1, args: ['--refresh'] });
    expect(run.status).toBe(0);
    expect(run.calls.map((call) => call.slice(0, 3).join(' '))).toEqual(['docker node inspect', 'docker service ls']);
    expect(run.signals).toEqual([]);
  });
});

/** The cfn-signal call the helper makes to the wait handle of the services' digest. */
function signal(exitCode: string, why: string, of: Shipped = shipped): string[] {
  return ['cfn-signal', '--exit-code', exitCode, '--reason', why, '--id', of.deployId, URL];
}

function reason(call: readonly string[]): string {
  return call[call.indexOf('--reason') + 1];
}

/**
 * Runs the shipped deploy helper (or, with `gate`, its gate with those arguments after the deploy file and stack), its folders moved into a folder of the
 * test, with the fake swarm as docker and a recording cfn-signal; returns
 * its exit status, output, the docker calls, the cfn-signal calls and how
 * long it took.
 */
function deploy(
  scenario: Scenario,
  options: { waitSeconds: number; args?: string[]; gate?: string[]; envFiles?: Record<string, string>; failingSignal?: boolean; lockHeldSeconds?: number; of?: Shipped },
): { status: number | null; output: string; calls: string[][]; awsCalls: string[][]; signals: string[][]; seconds: number } {
  const { helper, gate, deployFile } = options.of ?? shipped;
  const work = mkdtempSync(path.join(tmpdir(), 'swarm-deploy-'));
  const [bin, sbin, etc] = ['bin', 'sbin', 'etc/docker-swarm'].map((folder) => path.join(work, folder));
  for (const folder of [bin, sbin, path.join(etc, 'env')]) mkdirSync(folder, { recursive: true });
  const moved = (text: string) => text.replaceAll('/usr/local/sbin/', `${sbin}/`).replaceAll('/etc/docker-swarm/', `${etc}/`);
  writeFileSync(path.join(sbin, 'docker-swarm-deploy'), moved(helper), { mode: 0o700 });
  writeFileSync(path.join(sbin, 'docker-swarm-gate'), gate, { mode: 0o700 });
  writeFileSync(path.join(etc, 'deploy.json'), moved(JSON.stringify({ ...deployFile, waitSeconds: options.waitSeconds })));
  for (const [name, content] of Object.entries(options.envFiles ?? {})) writeFileSync(path.join(etc, 'env', name), content, { mode: 0o600 });
  copyFileSync(path.join(__dirname, 'fake-swarm.py'), path.join(bin, 'docker'));
  chmodSync(path.join(bin, 'docker'), 0o755);
  const refusal = options.failingSignal ? 'sys.stderr.write("Error: 403 Client Error: Forbidden for url: " + sys.argv[-1] + "\\n"); sys.exit(1)' : '';
  writeFileSync(path.join(bin, 'cfn-signal'), `#!/usr/bin/env python3\nimport json, os, sys\nopen(os.environ["FAKE_SWARM_CALLS"], "a").write(json.dumps(["cfn-signal"] + sys.argv[1:]) + "\\n")\n${refusal}\n`, { mode: 0o755 });
  writeFileSync(path.join(bin, 'aws'), FAKE_AWS, { mode: 0o755 });
  const calls = path.join(work, 'calls.jsonl');
  writeFileSync(calls, '');
  writeFileSync(path.join(work, 'scenario.json'), JSON.stringify(scenario));
  const lock = path.join(work, 'deploy.lock');
  if (options.lockHeldSeconds) holdLock(lock, options.lockHeldSeconds);
  const started = Date.now();
  const [tool, args] = options.gate
    ? ['python3' as const, [path.join(sbin, 'docker-swarm-gate'), path.join(etc, 'deploy.json'), 'app', ...options.gate]]
    : ['bash' as const, [path.join(sbin, 'docker-swarm-deploy'), ...(options.args ?? [])]];
  const result = runHostProgram(tool, args, {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${HOST_PATH}`,
      FAKE_SWARM_CALLS: calls,
      FAKE_SWARM_SCENARIO: path.join(work, 'scenario.json'),
      FAKE_SWARM_STATE: path.join(work, 'deployed-at'),
      DOCKER_SWARM_DEPLOY_LOCK: lock,
    },
  });
  const seconds = (Date.now() - started) / 1000;
  const recorded = readFileSync(calls, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]);
  return {
    status: result.status,
    output: result.stdout + result.stderr,
    calls: recorded.filter(([program]) => program === 'docker'),
    awsCalls: recorded.filter(([program]) => program === 'aws'),
    signals: recorded.filter(([program]) => program === 'cfn-signal'),
    seconds,
  };
}

/**
 * The aws CLI for `aws ssm get-parameter`, answering from the scenario's
 * parameters as Parameter Store does: the version, or the value of NAME:VERSION;
 * for a parameter it does not have, the CLI's error and exit status 254.
 */
const FAKE_AWS = `#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
open(os.environ["FAKE_SWARM_CALLS"], "a").write(json.dumps(["aws"] + args) + "\\n")
parameters = json.load(open(os.environ["FAKE_SWARM_SCENARIO"])).get("parameters", {})
if args[:2] != ["ssm", "get-parameter"] or "--name" not in args:
    sys.stderr.write("aws: error: argument operation: Invalid choice\\n")
    sys.exit(252)
parameter = parameters.get(args[args.index("--name") + 1].partition(":")[0])
if parameter is None:
    sys.stderr.write("\\nAn error occurred (ParameterNotFound) when calling the GetParameter operation: \\n")
    sys.exit(254)
failure = parameter if "exitCode" in parameter else parameter.get("valueError") if ":" in args[args.index("--name") + 1] else None
if failure:
    sys.stderr.write(failure["stderr"])
    sys.exit(failure["exitCode"])
print(parameter["version"] if "Parameter.Version" in args else parameter["value"])
`;

/** Has another run hold the deploy lock for `seconds`, as a deploy in progress does, and returns once it holds it. */
function holdLock(lock: string, seconds: number): void {
  spawn('flock', [lock, 'sleep', String(seconds)], { stdio: 'ignore', detached: true }).unref();
  while (spawnSync('flock', ['--nonblock', lock, 'true']).status === 0) spawnSync('sleep', ['0.05']);
}
