import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, type DescribeAutoScalingGroupsCommandInput } from '@aws-sdk/client-auto-scaling';
import {
  CloudFormationClient,
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  type DescribeStackResourceCommandInput,
  type DescribeStackResourcesCommandInput,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilterLogEventsCommandInput } from '@aws-sdk/client-cloudwatch-logs';
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient, type GetCommandInvocationCommandInput, type SendCommandCommandInput } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import type { Clients } from '../../cli/clients';
import type { Io } from '../../cli/io';
import { main } from '../../cli/main';
import { HOST_PATH, itRunning, runHostProgram } from '../helpers/host-tools';
import { appLogEvents, cliAccount, EVENTS, HOST_INSTANCE, LOG_GROUP, MANAGER_GROUP, MANAGER_INSTANCE, NODE_OUTPUTS, RESOURCES, STACK, WORKER_GROUP, WORKER_INSTANCES } from '../helpers/cli-account';

const NOW = Date.parse('2026-12-07T04:00:00.000Z');
const cloudFormation = mockClient(CloudFormationClient);
const autoScaling = mockClient(AutoScalingClient);
const ssm = mockClient(SSMClient);
const logs = mockClient(CloudWatchLogsClient);
const ACCOUNT = cliAccount(NOW);

/** What a command printed, its exit status, and the clock it waited on. */
interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line with the mocked clients in eu-west-1 and a clock that moves only when the command sleeps; `stopAfterSleeps` stops a --follow. */
async function cli(args: readonly string[], stopAfterSleeps = Infinity): Promise<Run> {
  let clock = NOW;
  let sleeps = 0;
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  const io: Io = {
    out: (text) => void (stdout += text),
    err: (text) => void (stderr += text),
    sleep: async (ms) => {
      clock += ms;
      if (++sleeps >= stopAfterSleeps) controller.abort();
    },
    now: () => clock,
    signal: controller.signal,
  };
  const clients = async (region: string | undefined, profile: string | undefined): Promise<Clients> => ({
    region: region ?? 'eu-west-1',
    profile,
    cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
    autoScaling: new AutoScalingClient({ region: 'eu-west-1' }),
    ssm: new SSMClient({ region: 'eu-west-1' }),
    logs: new CloudWatchLogsClient({ region: 'eu-west-1' }),
  });
  const code = await main(args, io, clients);
  return { code, stdout, stderr };
}

/** The mocks answer from the fixture's account; each Run Command invocation is in progress once, then done with the node's output. */
beforeEach(() => {
  cloudFormation.reset();
  autoScaling.reset();
  ssm.reset();
  logs.reset();
  cloudFormation.on(DescribeStackResourcesCommand).callsFake((input: DescribeStackResourcesCommandInput) => {
    if (input.StackName !== STACK) throw Object.assign(new Error(`Stack with id ${input.StackName} does not exist`), { name: 'ValidationError' });
    return { StackResources: RESOURCES.map(({ Metadata: _, LastUpdatedTimestamp, ...resource }) => ({ ...resource, Timestamp: LastUpdatedTimestamp })) };
  });
  cloudFormation.on(DescribeStackResourceCommand).callsFake((input: DescribeStackResourceCommandInput) => ({
    StackResourceDetail: RESOURCES.find((resource) => resource.LogicalResourceId === input.LogicalResourceId),
  }));
  cloudFormation.on(DescribeStackEventsCommand).resolves({ StackEvents: EVENTS });
  autoScaling.on(DescribeAutoScalingGroupsCommand).callsFake((input: DescribeAutoScalingGroupsCommandInput) => ({
    AutoScalingGroups: ACCOUNT.autoScalingGroups!.filter((group) => input.AutoScalingGroupNames!.includes(group.AutoScalingGroupName!)),
  }));
  answerCommands((instanceId, script) => (script === NODE_OUTPUTS[HOST_INSTANCE].script ? { stdout: NODE_OUTPUTS[instanceId].stdout, stderr: '', exitCode: 0 } : undefined));
});

/** SendCommand answers with a command id, and GetCommandInvocation, after one `InProgress`, with what `output` gives for the instance and script. */
function answerCommands(output: (instanceId: string, script: string) => { stdout: string; stderr: string; exitCode: number } | undefined, inProgress = 1): void {
  const scripts = new Map<string, string>();
  const polls = new Map<string, number>();
  ssm.on(SendCommandCommand).callsFake((input: SendCommandCommandInput) => {
    const commandId = `c0de-${scripts.size + 1}`;
    scripts.set(commandId, input.Parameters!.commands![0]);
    return { Command: { CommandId: commandId } };
  });
  ssm.on(GetCommandInvocationCommand).callsFake((input: GetCommandInvocationCommandInput) => {
    const key = `${input.CommandId}/${input.InstanceId}`;
    const count = (polls.get(key) ?? 0) + 1;
    polls.set(key, count);
    if (count <= inProgress) return { Status: 'InProgress', ResponseCode: -1 };
    const result = output(input.InstanceId!, scripts.get(input.CommandId!)!);
    if (!result) throw new Error(`the test gives no output for ${key}`);
    return { Status: result.exitCode === 0 ? 'Success' : 'Failed', ResponseCode: result.exitCode, StandardOutputContent: result.stdout, StandardErrorContent: result.stderr };
  });
}

/** The status command, word for word as the nodes run it. */
const STATUS_SCRIPT_TEXT = [
  'docker info > /dev/null || exit',
  `docker ps --all --quiet --no-trunc | xargs --no-run-if-empty docker inspect --format '{"kind":"container","id":{{json .Id}},"name":{{json .Name}},"image":{{json .Config.Image}},"state":{{json .State.Status}},"health":{{if .State.Health}}{{json .State.Health.Status}}{{else}}null{{end}},"restarts":{{.RestartCount}},"created":{{json .Created}},"service":{{json (index .Config.Labels "com.docker.swarm.service.name")}},"namespace":{{json (index .Config.Labels "com.docker.stack.namespace")}}}'`,
  `if [ "$(docker info --format '{{.Swarm.ControlAvailable}}')" = true ]; then docker service ls --format '{"kind":"service","name":{{json .Name}},"mode":{{json .Mode}},"replicas":{{json .Replicas}},"image":{{json .Image}}}'; fi`,
].join('\n');

describe('status', () => {
  it('reads the stack\'s resources, their metadata and the swarm\'s groups, and runs the fixed docker command on every node in service', async () => {
    // WHEN
    const run = await cli(['status', STACK]);

    // THEN
    expect(run.code).toBe(0);
    expect(cloudFormation.commandCalls(DescribeStackResourcesCommand).map((call) => call.args[0].input)).toEqual([{ StackName: STACK }]);
    expect(cloudFormation.commandCalls(DescribeStackResourceCommand).map((call) => call.args[0].input)).toEqual([
      { StackName: STACK, LogicalResourceId: 'HostInstance2C59A3BE' },
      { StackName: STACK, LogicalResourceId: 'OtherInstanceA1B2C3D4' },
      { StackName: STACK, LogicalResourceId: 'SwarmManager1ASGFA7D6CCF' },
      { StackName: STACK, LogicalResourceId: 'SwarmWorkersASGB10E0800' },
    ]);
    expect(autoScaling.commandCalls(DescribeAutoScalingGroupsCommand).map((call) => call.args[0].input)).toEqual([{ AutoScalingGroupNames: [MANAGER_GROUP, WORKER_GROUP] }]);
    expect(ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input)).toEqual([
      {
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [HOST_INSTANCE, MANAGER_INSTANCE, ...WORKER_INSTANCES],
        Comment: 'docker-host-dependencies status',
        Parameters: { commands: [STATUS_SCRIPT_TEXT], executionTimeout: ['60'] },
      },
    ]);
    expect(ssm.commandCalls(GetCommandInvocationCommand).map((call) => call.args[0].input.InstanceId)).toEqual([
      HOST_INSTANCE, MANAGER_INSTANCE, ...WORKER_INSTANCES, HOST_INSTANCE, MANAGER_INSTANCE, ...WORKER_INSTANCES,
    ]);
    expect(run.stdout).toContain('Host (host)     i-0a1b2c3d4e5f60001  app        running  unhealthy  3         public.ecr.aws/nginx/nginx:1.27-alpine\n');
    expect(run.stdout).toContain("Host         CREATE_FAILED    2026-12-07T03:46:12.000Z  WaitCondition received failed message: 'container app: unhealthy after 300 s;");
  });

  it('shows a declared container the host does not run as missing', async () => {
    // GIVEN a host that runs only its cache container
    answerCommands((instanceId) => ({ stdout: NODE_OUTPUTS[instanceId].stdout.split('\n').filter((line) => !line.includes('"/app"')).join('\n'), stderr: '', exitCode: 0 }));

    // WHEN
    const run = await cli(['status', STACK, '--json']);

    // THEN
    expect(JSON.parse(run.stdout).containers[0]).toEqual({ node: 'Host', role: 'host', instanceId: HOST_INSTANCE, container: 'app', state: 'missing', health: '-', restarts: 0, image: 'public.ecr.aws/nginx/nginx:1.27-alpine' });
  });

  it('says on stderr, every 5 s, which instances it still waits for', async () => {
    // GIVEN nodes that take 12 s to answer
    answerCommands((instanceId) => ({ stdout: NODE_OUTPUTS[instanceId].stdout, stderr: '', exitCode: 0 }), 12);

    // WHEN
    const run = await cli(['status', STACK]);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      [
        `waiting for ${HOST_INSTANCE}, ${MANAGER_INSTANCE}, ${WORKER_INSTANCES.join(', ')} to run the command (Run Command c0de-1)`,
        `still waiting for ${HOST_INSTANCE}, ${MANAGER_INSTANCE}, ${WORKER_INSTANCES.join(', ')} (5 s)`,
        `still waiting for ${HOST_INSTANCE}, ${MANAGER_INSTANCE}, ${WORKER_INSTANCES.join(', ')} (10 s)`,
        '',
      ].join('\n'),
    );
  });

  it('stops waiting when the user stops it, with exit status 130, saying how to follow the command still running', async () => {
    // GIVEN nodes that take 12 s to answer
    answerCommands((instanceId) => ({ stdout: NODE_OUTPUTS[instanceId].stdout, stderr: '', exitCode: 0 }), 12);

    // WHEN the user presses Ctrl-C during the second wait
    const run = await cli(['status', STACK], 2);

    // THEN
    expect(run.code).toBe(130);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`docker-host-dependencies: stopped while waiting; the command may still run on ${HOST_INSTANCE}, ${MANAGER_INSTANCE}, ${WORKER_INSTANCES.join(', ')}: \`aws ssm list-command-invocations --command-id c0de-1 --details --region eu-west-1\` shows it`);
    expect(ssm.commandCalls(GetCommandInvocationCommand)).toHaveLength(8);
  });

  it('says an instance is not registered with Session Manager, and how to check, when SendCommand refuses it', async () => {
    // GIVEN
    ssm.on(SendCommandCommand).rejects(Object.assign(new Error(''), { name: 'InvalidInstanceId' }));

    // WHEN
    const run = await cli(['status', STACK]);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Run Command cannot reach ${HOST_INSTANCE}, ${MANAGER_INSTANCE}, ${WORKER_INSTANCES.join(', ')}: the instance is not registered with Session Manager, or is not running.`);
    expect(run.stderr).toContain('aws ssm describe-instance-information --region eu-west-1');
  });

  it('shows what the other nodes run, and which node\'s docker failed with its error, when one engine does not answer', async () => {
    // GIVEN a worker whose Docker engine is stopped
    const stopped = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\nfailed to run commands: exit status 1\n';
    answerCommands((instanceId) =>
      instanceId === WORKER_INSTANCES[1] ? { stdout: '', stderr: stopped, exitCode: 1 } : { stdout: NODE_OUTPUTS[instanceId].stdout, stderr: '', exitCode: 0 },
    );

    // WHEN
    const run = await cli(['status', STACK]);
    const json = await cli(['status', STACK, '--json']);

    // THEN
    expect([run.code, json.code]).toEqual([1, 1]);
    const message =
      `docker-host-dependencies: docker on ${WORKER_INSTANCES[1]} failed (exit status 1): Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n` +
      'failed to run commands: exit status 1\nIs the Docker engine running there? `sudo systemctl status docker` in a Session Manager session tells.\n';
    expect(run.stderr.endsWith(`(Run Command c0de-1)\n${message}`)).toBe(true);
    expect(run.stdout).toContain('Host (host)     i-0a1b2c3d4e5f60001  app        running  unhealthy  3         public.ecr.aws/nginx/nginx:1.27-alpine\n');
    expect(run.stdout).toContain(
      `NODE            INSTANCE             DOCKER DID NOT ANSWER\nSwarm (worker)  ${WORKER_INSTANCES[1]}  exit status 1: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n`,
    );
    const status = JSON.parse(json.stdout);
    expect(status.unreadableNodes).toEqual([{ node: 'Swarm', role: 'worker', instanceId: WORKER_INSTANCES[1], exitCode: 1, error: stopped.trim() }]);
    expect(status.pendingNodes.map((node: { instanceId: string }) => node.instanceId)).not.toContain(WORKER_INSTANCES[1]);
    expect(status.containers.map((row: { instanceId: string }) => row.instanceId)).not.toContain(WORKER_INSTANCES[1]);
    expect(status.containers.length).toBeGreaterThan(0);
  });

  it('shows the swarm\'s services as unknown when its manager\'s engine does not answer', async () => {
    // GIVEN the manager's Docker engine stopped
    answerCommands((instanceId) =>
      instanceId === MANAGER_INSTANCE ? { stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n', exitCode: 1 } : { stdout: NODE_OUTPUTS[instanceId].stdout, stderr: '', exitCode: 0 },
    );

    // WHEN
    const run = await cli(['status', STACK, '--json']);

    // THEN
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).services).toEqual([
      { swarm: 'Swarm', service: 'web', mode: '-', replicas: 'unknown: no manager answered' },
      { swarm: 'Swarm', service: 'worker', mode: '-', replicas: 'unknown: no manager answered' },
    ]);
  });

  it('says the stack does not exist, naming the region', async () => {
    // WHEN
    const run = await cli(['status', 'web-prdo', '--region', 'eu-west-1']);

    // THEN
    expect(run).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^docker-host-dependencies: no stack named web-prdo in eu-west-1: check the name/) });
  });

  it('names the permissions the commands need when AWS denies a call', async () => {
    // GIVEN a user whose policy does not allow Run Command
    ssm.on(SendCommandCommand).rejects(Object.assign(new Error('User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ssm:SendCommand on resource: arn:aws:ec2:eu-west-1:123456789012:instance/i-0a1b2c3d4e5f60001'), { name: 'AccessDeniedException' }));

    // WHEN
    const run = await cli(['status', STACK]);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('AWS denied a call in eu-west-1: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ssm:SendCommand');
    expect(run.stderr).toContain('ssm:SendCommand (document AWS-RunShellScript and the instances) and ssm:GetCommandInvocation for status and exec');
  });

  it('says what to do when there are no credentials', async () => {
    // GIVEN the SDK's error when no provider of the chain has credentials
    cloudFormation.on(DescribeStackResourcesCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));

    // WHEN
    const run = await cli(['status', STACK]);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('docker-host-dependencies: no AWS credentials found: run `aws configure` or `aws sso login`, or pass --profile NAME (or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)\n');
  });
});

describe('exec', () => {
  /** Words a shell would read as commands, substitutions, globs, redirections and quotes, were they not quoted. */
  const HOSTILE = ['sh', '-c', 'echo "$HOME" `id` $(id) ; rm -rf ./victim && true || false', "it's", '*', '>out', '\\', '$(touch pwned)', '', ' spaced  words ', 'line\nbreak'];

  it('runs docker exec on the host with every word single-quoted, prints the output and exits with the command\'s status', async () => {
    // GIVEN
    answerCommands((instanceId, script) => (instanceId === HOST_INSTANCE && script.startsWith("'docker' 'exec'") ? { stdout: 'out\n', stderr: 'err\n', exitCode: 3 } : undefined));

    // WHEN
    const run = await cli(['exec', STACK, 'app', '--', ...HOSTILE]);

    // THEN
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('out\n');
    expect(run.stderr).toMatch(/err\n$/);
    const [sent] = ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input);
    expect(sent).toEqual({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [HOST_INSTANCE],
      Comment: 'docker-host-dependencies exec',
      Parameters: {
        commands: [
          "'docker' 'exec' 'app' 'sh' '-c' 'echo \"$HOME\" `id` $(id) ; rm -rf ./victim && true || false' 'it'\\''s' '*' '>out' '\\' '$(touch pwned)' '' ' spaced  words ' 'line\nbreak'",
        ],
        executionTimeout: ['600'],
      },
    });
  });

  itRunning('bash')('hands docker exactly the words given when the node\'s shell runs the command text', async () => {
    // GIVEN a docker that prints each argument it gets, between brackets
    const folder = mkdtempSync(path.join(tmpdir(), 'cli-exec-'));
    try {
      writeFileSync(path.join(folder, 'docker'), '#!/bin/sh\nfor word in "$@"; do printf "[%s]\\n" "$word"; done\n');
      chmodSync(path.join(folder, 'docker'), 0o755);
      answerCommands(() => ({ stdout: '', stderr: '', exitCode: 0 }));
      await cli(['exec', STACK, 'app', '--', ...HOSTILE]);
      const script = ssm.commandCalls(SendCommandCommand)[0].args[0].input.Parameters!.commands![0];

      // WHEN bash, the shell of Amazon Linux's Run Command, runs the text exec sends
      const printed = runHostProgram('bash', ['-c', script], { cwd: folder, env: { PATH: `${folder}:${HOST_PATH}`, HOME: folder }, encoding: 'utf8' });

      // THEN
      expect(printed.stdout).toBe(['exec', 'app', ...HOSTILE].map((word) => `[${word}]\n`).join(''));
      expect(existsSync(path.join(folder, 'out'))).toBe(false);
      expect(existsSync(path.join(folder, 'pwned'))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('runs in a swarm service\'s task on the worker that runs one, by the container\'s id', async () => {
    // GIVEN
    answerCommands((instanceId, script) =>
      script === STATUS_SCRIPT_TEXT ? { stdout: NODE_OUTPUTS[instanceId].stdout, stderr: '', exitCode: 0 } : { stdout: `${instanceId}\n`, stderr: '', exitCode: 0 },
    );

    // WHEN
    const run = await cli(['exec', STACK, 'web', '--', 'hostname']);

    // THEN
    expect(run).toMatchObject({ code: 0, stdout: `${WORKER_INSTANCES[0]}\n` });
    const sent = ssm.commandCalls(SendCommandCommand).map((call) => call.args[0].input);
    expect(sent.map((input) => input.InstanceIds)).toEqual([[MANAGER_INSTANCE, ...WORKER_INSTANCES], [WORKER_INSTANCES[0]]]);
    expect(sent[1].Parameters!.commands).toEqual([`'docker' 'exec' '${'5b6c7d8e9f0a'.padEnd(64, '0')}' 'hostname'`]);
  });

  it.each<[string, string, number, string]>([
    ['runs in a task of a node that answered while another node\'s engine does not', WORKER_INSTANCES[1], 0, `${WORKER_INSTANCES[0]}\n`],
    ['says the engine of the node with the task did not answer, with its error, when no node that answered runs one', WORKER_INSTANCES[0], 1, ''],
  ])('%s', async (_, stopped, code, stdout) => {
    // GIVEN a task of the web service on the first worker only, and one stopped engine
    answerCommands((instanceId, script) => {
      if (script !== STATUS_SCRIPT_TEXT) return { stdout: `${instanceId}\n`, stderr: '', exitCode: 0 };
      if (instanceId === stopped) return { stdout: '', stderr: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n', exitCode: 1 };
      return { stdout: instanceId === WORKER_INSTANCES[1] ? '' : NODE_OUTPUTS[instanceId].stdout, stderr: '', exitCode: 0 };
    });

    // WHEN
    const run = await cli(['exec', STACK, 'web', '--', 'hostname']);

    // THEN
    expect(run).toMatchObject({ code, stdout });
    if (code === 1) {
      expect(run.stderr).toContain(
        `docker-host-dependencies: no node of swarm Swarm that answered runs a task of service web, and docker on ${WORKER_INSTANCES[0]} failed (exit status 1): ` +
          'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\nIs the Docker engine running there?',
      );
    }
  });

  it('prints the Session Manager command of an interactive shell when no command is given', async () => {
    // WHEN
    const run = await cli(['exec', STACK, 'app', '--profile', 'ops']);

    // THEN
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^An interactive shell needs the Session Manager plugin for the AWS CLI/);
    expect(run.stdout).toBe(
      `aws ssm start-session --region eu-west-1 --profile 'ops' --target ${HOST_INSTANCE} --document-name AWS-StartInteractiveCommand --parameters 'command="sudo docker exec -it app sh"'\n`,
    );
    expect(ssm.commandCalls(SendCommandCommand)).toEqual([]);
  });

  it('names the containers and services there are when none has the name', async () => {
    // WHEN
    const run = await cli(['exec', STACK, 'ap', '--', 'true']);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('docker-host-dependencies: stack web-prod has no container or service named "ap"; it has app (Host), cache (Host), web (Swarm), worker (Swarm)\n');
  });
});

describe('logs', () => {
  it('reads the container\'s group and stream from its metadata, from 10 minutes ago', async () => {
    // GIVEN
    logs.on(FilterLogEventsCommand).callsFake((input: FilterLogEventsCommandInput) => ({ events: appLogEvents(NOW).filter((event) => event.timestamp >= input.startTime!) }));

    // WHEN
    const run = await cli(['logs', STACK, 'app']);

    // THEN
    expect(run.code).toBe(0);
    expect(logs.commandCalls(FilterLogEventsCommand).map((call) => call.args[0].input)).toEqual([
      { logGroupName: LOG_GROUP, logStreamNames: ['app'], startTime: NOW - 600_000, nextToken: undefined },
    ]);
    expect(run.stdout).toBe(
      '2026-12-07T03:55:00.000Z [error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.1.17\n' +
        '2026-12-07T03:59:00.000Z 10.0.1.17 - - "GET /health HTTP/1.1" 502 157\n',
    );
  });

  it('follows with --follow: asks every 2 s from the newest event, prints each event once, until stopped', async () => {
    // GIVEN a stream that gets a new event after the first poll
    const later = { eventId: 'later', timestamp: NOW + 1000, message: 'GET /health 200' };
    let polls = 0;
    logs.on(FilterLogEventsCommand).callsFake((input: FilterLogEventsCommandInput) => {
      polls++;
      const events = [...appLogEvents(NOW), ...(polls > 1 ? [later] : [])];
      return { events: events.filter((event) => event.timestamp >= input.startTime!) };
    });

    // WHEN it is stopped after its third wait
    const run = await cli(['logs', STACK, 'app', '--follow', '--since', '2m'], 3);

    // THEN
    expect(logs.commandCalls(FilterLogEventsCommand).map((call) => call.args[0].input.startTime)).toEqual([NOW - 120_000, NOW - 60_000, NOW + 1000]);
    expect(run.stdout).toBe('2026-12-07T03:59:00.000Z 10.0.1.17 - - "GET /health HTTP/1.1" 502 157\n2026-12-07T04:00:01.000Z GET /health 200\n');
    expect(run.code).toBe(0);
  });

  it('says where a container that does not log to CloudWatch Logs keeps its logs', async () => {
    // WHEN
    const run = await cli(['logs', STACK, 'cache']);

    // THEN
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('docker-host-dependencies: container cache logs with json-file, on its host, not to CloudWatch Logs: read it on the host with `docker logs cache` in a Session Manager session\n');
    expect(logs.commandCalls(FilterLogEventsCommand)).toEqual([]);
  });

  it('reads a swarm service\'s logs with docker service logs on a manager, by its name in the swarm', async () => {
    // GIVEN
    const serviceLogs = '2026-12-07T03:59:58.120417000Z app_web.1.k3j2h1g0f9e8@ip-10-0-1-21    | 10.0.2.9 - - "GET / HTTP/1.1" 200 615\n';
    answerCommands((instanceId, script) =>
      script === STATUS_SCRIPT_TEXT ? { stdout: NODE_OUTPUTS[instanceId].stdout, stderr: '', exitCode: 0 } : { stdout: serviceLogs, stderr: '', exitCode: 0 },
    );

    // WHEN
    const run = await cli(['logs', STACK, 'web', '--since', '1h']);

    // THEN
    expect(run).toMatchObject({ code: 0, stdout: serviceLogs });
    expect(ssm.commandCalls(SendCommandCommand).map((call) => [call.args[0].input.InstanceIds, call.args[0].input.Parameters!.commands![0]])).toEqual([
      [[MANAGER_INSTANCE], STATUS_SCRIPT_TEXT],
      [[MANAGER_INSTANCE], "docker service logs --timestamps --no-trunc --since 3600s 'app_web'"],
    ]);
    expect(logs.commandCalls(FilterLogEventsCommand)).toEqual([]);
  });

  it('refuses --follow for a swarm service, which does not log to CloudWatch Logs', async () => {
    // WHEN
    const run = await cli(['logs', STACK, 'web', '--follow']);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--follow reads CloudWatch Logs, and swarm service web logs on its nodes: leave out --follow to read its logs through a manager');
    expect(ssm.commandCalls(SendCommandCommand)).toEqual([]);
  });

  it.each([['10'], ['10x'], ['0m'], ['1.5h']])('refuses --since %s with exit status 2 and the usage', async (since) => {
    // WHEN
    const run = await cli(['logs', STACK, 'app', '--since', since]);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--since must be a whole number with s, m, h or d, such as 30s, 10m, 2h or 7d, got "${since}"`);
    expect(run.stderr).toContain('Usage: docker-host-dependencies logs <stack> <container>');
  });
});

describe('the command line', () => {
  it.each([
    [['--help'], /^Usage: docker-host-dependencies <command>/],
    [['status', '--help'], /^Usage: docker-host-dependencies status <stack> \[--json\]/],
    [['exec', '-h'], /^Usage: docker-host-dependencies exec <stack> <container> -- <command>/],
  ])('%j prints the usage and exits 0', async (args, usage) => {
    // WHEN
    const run = await cli(args);

    // THEN
    expect(run).toEqual({ code: 0, stdout: expect.stringMatching(usage), stderr: '' });
  });

  it.each([
    [[], 'a command is missing'],
    [['stats', STACK], 'unknown command "stats"; the commands are status, logs, exec'],
    [['status'], 'status needs <stack>; stack is missing'],
    [['logs', STACK], 'logs needs <stack> <container>; container is missing'],
    [['status', STACK, '--follow'], 'status takes no --follow'],
    [['exec', STACK, 'app', 'ls'], 'exec takes <stack> <container>, got also "ls"; put the command after --'],
    [['exec', STACK, 'app', '--'], 'exec needs a command after --'],
    [['status', STACK, '--region'], "Option '--region <value>' argument missing"],
  ])('%j exits 2 with the problem and the usage', async (args, problem) => {
    // WHEN
    const run = await cli(args as string[]);

    // THEN
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(problem);
    expect(run.stderr).toMatch(/\n\nUsage: docker-host-dependencies /);
    expect(cloudFormation.calls()).toEqual([]);
  });
});
