import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { VpcDependency } from '../../lib/dependencies';
import { DockerHost } from '../../lib/host';
import { HOST_METRICS_SOURCE, NODE_METRICS_SOURCE, SWARM_METRICS_SOURCE } from '../../lib/host-programs';
import { DockerSwarm } from '../../lib/swarm';
import { HOST_PATH, itRunning, runHostProgram } from '../helpers/host-tools';
import { fakeDocker, type FakeContainer } from './user-data';

/**
 * The nodes' metric publishers, run as their timers run them, against the
 * fake docker (test/lib/fake-docker.py) and an AWS CLI that records each
 * put-metric-data call with the metric data it reads from stdin, or fails
 * as the CLI does when CloudWatch refuses the call.
 */

const REPO = path.join(__dirname, '..', '..');
const IMAGE = 'public.ecr.aws/docker/library/httpd:2.4';
const HOST_DIMENSIONS = [
  { Name: 'Stack', Value: 'shop-prod' },
  { Name: 'Host', Value: 'WebHostInstance1A2B3C4D' },
];
const PUT = ['cloudwatch', 'put-metric-data', '--region', 'eu-west-1', '--namespace', 'DockerNodes', '--metric-data', 'file:///dev/stdin'];
const REFUSED =
  'An error occurred (AccessDenied) when calling the PutMetricData operation: User: arn:aws:sts::123456789012:assumed-role/shop-prod-WebHostInstanceRole/i-0abc is not authorized to perform: cloudwatch:PutMetricData because no identity-based policy allows the cloudwatch:PutMetricData action';

/** One put-metric-data call: its arguments and the metric data it read. */
interface Put {
  readonly args: string[];
  readonly data: unknown[];
}

/** What one run of a publisher did. */
interface PublisherRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly puts: Put[];
}

function work(): string {
  return mkdtempSync(path.join(tmpdir(), 'node-metrics-'));
}

/**
 * Runs the publisher `program` of lib/ from a copy beside the metric rules,
 * with the fake docker of `dir` and the recording AWS CLI, which refuses
 * the put when `refuse` is set; `env` points it at its host file or settings.
 */
function runPublisher(program: string, dir: string, env: Record<string, string>, refuse = false): PublisherRun {
  const bin = path.join(dir, 'bin');
  const copy = path.join(dir, 'program');
  mkdirSync(bin, { recursive: true });
  mkdirSync(copy, { recursive: true });
  copyFileSync(path.join(REPO, 'lib', 'nodes', 'node_metrics.py'), path.join(copy, 'node_metrics.py'));
  copyFileSync(path.join(REPO, 'lib', program), path.join(copy, path.basename(program)));
  copyFileSync(path.join(__dirname, 'fake-docker.py'), path.join(bin, 'docker'));
  const puts = path.join(dir, 'puts.jsonl');
  writeFileSync(puts, '');
  writeFileSync(
    path.join(bin, 'aws'),
    [
      '#!/usr/bin/env python3',
      'import json, os, sys',
      'data = json.loads(sys.stdin.read()) if "file:///dev/stdin" in sys.argv else None',
      `open(${JSON.stringify(puts)}, "a").write(json.dumps({"args": sys.argv[1:], "data": data}) + "\\n")`,
      'if os.environ.get("REFUSE_PUT"):',
      `    sys.stderr.write("\\n" + ${JSON.stringify(REFUSED)} + "\\n")`,
      '    sys.exit(254)',
      '',
    ].join('\n'),
  );
  for (const file of ['docker', 'aws']) chmodSync(path.join(bin, file), 0o755);
  const result = runHostProgram('python3', [path.join(copy, path.basename(program))], {
    encoding: 'utf8',
    env: {
      PATH: `${bin}:${HOST_PATH}`,
      FAKE_DOCKER_STATE: path.join(dir, 'docker.json'),
      FAKE_DOCKER_CALLS: path.join(dir, 'calls.jsonl'),
      FAKE_DOCKER_SCENARIO: path.join(dir, 'scenario.json'),
      ...(refuse ? { REFUSE_PUT: '1' } : {}),
      ...env,
    },
  });
  const recorded = readFileSync(puts, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Put);
  return { status: result.status, stderr: result.stderr, puts: recorded };
}

/** A Docker host of `names` whose fake docker runs the containers that `scenario` tells of; returns its folder. */
function dockerHost(names: readonly string[], scenario: Record<string, FakeContainer> = {}): string {
  const dir = work();
  writeFileSync(path.join(dir, 'scenario.json'), JSON.stringify(scenario));
  writeFileSync(
    path.join(dir, 'host.json'),
    JSON.stringify({
      stackName: 'shop-prod',
      region: 'eu-west-1',
      resource: 'WebHostInstance1A2B3C4D',
      envFileDirectory: '/etc/docker-host',
      containers: names.map((name) => ({ name, image: IMAGE, environment: { DB_PASSWORD: 'pa55-in-the-host-file' } })),
    }),
  );
  return dir;
}

function startContainer(dir: string, name: string): void {
  const started = fakeDocker(dir, ['run', '--detach', '--name', name, '--restart', 'always', '--', IMAGE]);
  if (started.status !== 0) throw new Error(`fake docker run ${name}: ${started.stderr}`);
}

function sampleHost(dir: string, refuse = false): PublisherRun {
  return runPublisher('host/docker-host-metrics.py', dir, { DOCKER_HOST_FILE: path.join(dir, 'host.json'), DOCKER_HOST_METRICS_STATE: path.join(dir, 'state', 'metrics.json') }, refuse);
}

/** The values the only put of `run` sent, as `<metric> <container> <value>`. */
function hostValues(run: PublisherRun): string[] {
  expect(run.puts).toHaveLength(1);
  return (run.puts[0].data as Array<{ MetricName: string; Dimensions: Array<{ Value: string }>; Value: number }>).map(
    (datum) => `${datum.MetricName} ${datum.Dimensions[2].Value} ${datum.Value}`,
  );
}

function sleepUntil(startedMs: number, seconds: number): void {
  const wait = startedMs + seconds * 1000 - Date.now();
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
}

describe('the Docker host\'s metric publisher', () => {
  itRunning('python3')('sends ContainerRunning and ContainerRestarts of every listed container, by stack, host and container, in one put', () => {
    // GIVEN a host file listing a running container, one that exited, one Docker is restarting and one that does not exist
    const dir = dockerHost(['web', 'worker', 'queue', 'ghost'], {
      worker: { states: [{ at: 0, status: 'exited', exitCode: 1 }] },
      queue: { states: [{ at: 0, status: 'restarting', exitCode: 1 }] },
    });
    for (const name of ['web', 'worker', 'queue']) startContainer(dir, name);
    // WHEN the timer runs the publisher
    const run = sampleHost(dir);
    // THEN
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.puts).toHaveLength(1);
    expect(run.puts[0].args).toEqual(PUT);
    const datum = (name: string, container: string, value: number) => ({
      MetricName: name,
      Dimensions: [...HOST_DIMENSIONS, { Name: 'Container', Value: container }],
      Value: value,
      Unit: 'Count',
    });
    expect(run.puts[0].data).toEqual([
      datum('ContainerRunning', 'web', 1),
      datum('ContainerRestarts', 'web', 0),
      datum('ContainerRunning', 'worker', 0),
      datum('ContainerRestarts', 'worker', 0),
      datum('ContainerRunning', 'queue', 0),
      datum('ContainerRestarts', 'queue', 0),
      datum('ContainerRunning', 'ghost', 0),
      datum('ContainerRestarts', 'ghost', 0),
    ]);
    expect(JSON.stringify(run.puts)).not.toContain('pa55');
  });

  itRunning('python3')('sends ContainerRunning 1, then 0 once the container was killed between two samples', () => {
    // GIVEN a running container, sampled
    const dir = dockerHost(['web']);
    startContainer(dir, 'web');
    const before = sampleHost(dir);
    // WHEN it is killed and the next sample is taken
    expect(fakeDocker(dir, ['kill', 'web']).status).toBe(0);
    const after = sampleHost(dir);
    // THEN
    expect(hostValues(before)).toEqual(['ContainerRunning web 1', 'ContainerRestarts web 0']);
    expect(hostValues(after)).toEqual(['ContainerRunning web 0', 'ContainerRestarts web 0']);
  });

  itRunning('python3')('counts restarts since the previous sample, and all of a recreated container\'s own', () => {
    // GIVEN a container that Docker restarts 0.8 s after it starts
    const scenario = { app: { states: [{ at: 0.8, status: 'restarting', exitCode: 1 }, { at: 0.85, status: 'running' }] } } as const;
    const dir = dockerHost(['app'], scenario);
    let started = Date.now();
    startContainer(dir, 'app');
    // WHEN it is sampled before the restart, after it, then after it was recreated and restarted once more, then once again
    const first = sampleHost(dir);
    sleepUntil(started, 1.2);
    const restarted = sampleHost(dir);
    expect(fakeDocker(dir, ['rm', '--force', 'app']).status).toBe(0);
    started = Date.now();
    startContainer(dir, 'app');
    sleepUntil(started, 1.2);
    const recreated = sampleHost(dir);
    const quiet = sampleHost(dir);
    // THEN the first sample has nothing to compare with; the recreated container's RestartCount of 1 is one new restart, not 1 - 1
    expect(hostValues(first)).toEqual(['ContainerRunning app 1', 'ContainerRestarts app 0']);
    expect(hostValues(restarted)).toEqual(['ContainerRunning app 1', 'ContainerRestarts app 1']);
    expect(hostValues(recreated)).toEqual(['ContainerRunning app 1', 'ContainerRestarts app 1']);
    expect(hostValues(quiet)).toEqual(['ContainerRunning app 1', 'ContainerRestarts app 0']);
  });

  itRunning('python3')('logs a refused put and exits 0, and counts its restarts in the next sample that goes through', () => {
    // GIVEN a sampled container that Docker then restarts
    const scenario = { app: { states: [{ at: 0.8, status: 'restarting', exitCode: 1 }, { at: 0.85, status: 'running' }] } } as const;
    const dir = dockerHost(['app'], scenario);
    const started = Date.now();
    startContainer(dir, 'app');
    sampleHost(dir);
    sleepUntil(started, 1.2);
    // WHEN CloudWatch refuses the next put, and takes the one after
    const refused = sampleHost(dir, true);
    const next = sampleHost(dir);
    // THEN
    expect(refused.status).toBe(0);
    expect(refused.stderr).toBe(`docker-host-metrics: put-metric-data failed with exit status 254: ${REFUSED}\n`);
    expect(hostValues(refused)).toEqual(['ContainerRunning app 1', 'ContainerRestarts app 1']);
    expect(hostValues(next)).toEqual(['ContainerRunning app 1', 'ContainerRestarts app 1']);
  });
});

/** A swarm of a leading manager, a second manager and workers, as $FAKE_DOCKER_SWARM describes it. */
const SWARM = {
  self: 'm1',
  leader: 'm1',
  nodes: [
    { id: 'm1', role: 'manager', status: 'Ready' },
    { id: 'm2', role: 'manager', status: 'Ready' },
    { id: 'w1', role: 'worker', status: 'Ready' },
    { id: 'w2', role: 'worker', status: 'Down' },
    { id: 'w3', role: 'worker', status: 'Unknown' },
  ],
  services: [
    { name: 'shop_web', namespace: 'shop', mode: 'replicated', replicas: 3 },
    { name: 'shop_agent', namespace: 'shop', mode: 'global' },
    { name: 'other_web', namespace: 'other', mode: 'replicated', replicas: 1 },
  ],
  tasks: [
    { service: 'shop_web', slot: 1, node: 'w1', desired: 'Running', state: 'Running' },
    { service: 'shop_web', slot: 2, node: 'm2', desired: 'Running', state: 'Running' },
    // On the node that went down: the swarm still shows it running, and has not replaced it yet.
    { service: 'shop_web', slot: 3, node: 'w2', desired: 'Running', state: 'Running' },
    { service: 'shop_web', slot: 1, node: 'w3', desired: 'Shutdown', state: 'Failed' },
    { service: 'shop_agent', node: 'w1', desired: 'Running', state: 'Running' },
    { service: 'shop_agent', node: 'm1', desired: 'Running', state: 'Pending' },
    { service: 'shop_agent', node: 'm2', desired: 'Running', state: 'Running' },
    { service: 'other_web', slot: 1, node: 'w1', desired: 'Running', state: 'Running' },
  ],
};

function sampleSwarm(swarm: Record<string, unknown>, refuse = false): PublisherRun {
  const dir = work();
  writeFileSync(path.join(dir, 'scenario.json'), '{}');
  writeFileSync(path.join(dir, 'swarm.json'), JSON.stringify(swarm));
  writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify({ stackName: 'shop-prod', region: 'eu-west-1', swarm: 'shop' }));
  return runPublisher('swarm/docker-swarm-metrics.py', dir, { FAKE_DOCKER_SWARM: path.join(dir, 'swarm.json'), DOCKER_SWARM_METRICS_CONFIG: path.join(dir, 'metrics.json') }, refuse);
}

describe('the swarm managers\' metric publisher', () => {
  itRunning('python3')('on the leader, sends each service\'s running tasks on Ready nodes and desired tasks, and the nodes not Ready', () => {
    // WHEN the leader's timer runs it
    const run = sampleSwarm(SWARM);
    // THEN docker service ls says shop_web 3/3, but its third task is on a node that is down
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.puts).toHaveLength(1);
    expect(run.puts[0].args).toEqual(PUT);
    const service = (name: string, metric: string, value: number) => ({
      MetricName: metric,
      Dimensions: [
        { Name: 'Stack', Value: 'shop-prod' },
        { Name: 'Service', Value: name },
      ],
      Value: value,
      Unit: 'Count',
    });
    expect(run.puts[0].data).toEqual([
      service('shop_agent', 'RunningTasks', 2),
      service('shop_agent', 'DesiredTasks', 3),
      service('shop_web', 'RunningTasks', 2),
      service('shop_web', 'DesiredTasks', 3),
      {
        MetricName: 'NodesDown',
        Dimensions: [
          { Name: 'Stack', Value: 'shop-prod' },
          { Name: 'Swarm', Value: 'shop' },
        ],
        Value: 2,
        Unit: 'Count',
      },
    ]);
  });

  itRunning('python3')('on a manager that does not lead, publishes nothing and says nothing', () => {
    // WHEN the second manager's timer runs it
    const run = sampleSwarm({ ...SWARM, self: 'm2' });
    // THEN
    expect(run).toEqual({ status: 0, stderr: '', puts: [] });
  });

  itRunning('python3')('logs a refused put and exits 0', () => {
    // WHEN CloudWatch refuses the leader's put
    const run = sampleSwarm(SWARM, true);
    // THEN
    expect(run.status).toBe(0);
    expect(run.puts).toHaveLength(1);
    expect(run.stderr).toBe(`docker-swarm-metrics: put-metric-data failed with exit status 254: ${REFUSED}\n`);
  });

  itRunning('python3')('publishes nothing and says why when the engine is in no swarm', () => {
    // WHEN a manager whose engine left the swarm runs it
    const run = sampleSwarm({ ...SWARM, self: 'gone' });
    // THEN
    expect(run).toEqual({
      status: 0,
      stderr:
        'docker-swarm-metrics: docker node inspect failed: Error response from daemon: This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again., so nothing is published\n',
      puts: [],
    });
  });
});

/** A node's cfn-init metadata config: the files, packages and services cfn-init applies at boot and after each update. */
function initConfig(template: Record<string, any>, type: string, logicalIdStart = ''): Record<string, any> {
  const [resource] = Object.entries<any>(template.Resources).filter(([id, candidate]) => candidate.Type === type && id.startsWith(logicalIdStart) && candidate.Metadata);
  return resource[1].Metadata['AWS::CloudFormation::Init'].config;
}

function unitFiles(unit: string, program: string, description: string): Record<string, unknown> {
  const file = (content: string) => ({ content, mode: '000644', owner: 'root', group: 'root' });
  return {
    [`/etc/systemd/system/${unit}.service`]: file(`[Unit]\nDescription=${description}\nAfter=docker.service\n\n[Service]\nType=oneshot\nExecStart=${program}\n`),
    [`/etc/systemd/system/${unit}.timer`]: file(`[Unit]\nDescription=Runs ${unit} every minute\n\n[Timer]\nOnCalendar=*-*-* *:*:30\nAccuracySec=1s\n\n[Install]\nWantedBy=timers.target\n`),
  };
}

function timerService(unit: string): Record<string, unknown> {
  return { systemd: { [`${unit}.timer`]: { enabled: 'true', ensureRunning: 'true', files: [`/etc/systemd/system/${unit}.service`, `/etc/systemd/system/${unit}.timer`] } } };
}

describe('the publishers in the metadata', () => {
  it('gives a Docker host its publisher, the metric rules, a timer cfn-init enables and starts, and the AWS CLI, at boot and with each update', () => {
    // GIVEN a host without secrets
    const stack = new Stack(new App(), 'Web');
    new DockerHost(stack, 'Host', { vpc: new VpcDependency(stack, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 1 }), containers: [{ name: 'web', image: IMAGE }] });
    // WHEN
    const config = initConfig(Template.fromStack(stack).toJSON(), 'AWS::EC2::Instance');
    // THEN
    expect(config.packages).toEqual({ yum: { 'amazon-cloudwatch-agent': [], 'awscli-2': [] } });
    expect(config.services).toEqual(timerService('docker-host-metrics'));
    expect(config.files).toMatchObject({
      '/usr/local/sbin/docker-host-metrics': { content: HOST_METRICS_SOURCE, mode: '000700', owner: 'root', group: 'root' },
      '/usr/local/lib/docker-nodes/node_metrics.py': { content: NODE_METRICS_SOURCE, mode: '000600', owner: 'root', group: 'root' },
      ...unitFiles('docker-host-metrics', '/usr/local/sbin/docker-host-metrics', 'Docker host: publishes the state of its containers to CloudWatch (namespace DockerNodes)'),
    });
  });

  it('gives each swarm manager, and no worker, its publisher with the stack, region and stack namespace, and a timer cfn-init enables and starts', () => {
    // GIVEN a swarm of stack namespace shop whose service has files, so that the workers have metadata too
    const stack = new Stack(new App(), 'Web');
    new DockerSwarm(stack, 'Swarm', {
      vpc: new VpcDependency(stack, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 3 }),
      managers: 1,
      stackName: 'shop',
      services: [{ name: 'web', image: IMAGE, files: [{ path: '/etc/web/site.conf', content: 'listen 80;' }] }],
    });
    const template = Template.fromStack(stack).toJSON();
    // WHEN
    const manager = initConfig(template, 'AWS::AutoScaling::AutoScalingGroup', 'SwarmManager1');
    const workers = initConfig(template, 'AWS::AutoScaling::AutoScalingGroup', 'SwarmWorkers');
    // THEN
    expect(manager.services).toEqual(timerService('docker-swarm-metrics'));
    expect(manager.files).toMatchObject({
      '/etc/docker-swarm/metrics.json': { content: { stackName: { Ref: 'AWS::StackName' }, region: { Ref: 'AWS::Region' }, swarm: 'shop' }, mode: '000600' },
      '/usr/local/sbin/docker-swarm-metrics': { content: SWARM_METRICS_SOURCE, mode: '000700', owner: 'root', group: 'root' },
      '/usr/local/lib/docker-nodes/node_metrics.py': { content: NODE_METRICS_SOURCE, mode: '000600', owner: 'root', group: 'root' },
      ...unitFiles(
        'docker-swarm-metrics',
        '/usr/local/sbin/docker-swarm-metrics',
        'Docker swarm manager: publishes the state of the services and nodes to CloudWatch (namespace DockerNodes) when it leads',
      ),
    });
    expect(Object.keys(workers.files)).toContain('/etc/docker-swarm/files/web/etc/web/site.conf');
    expect(workers.services).toBeUndefined();
    expect(Object.keys(workers.files).filter((file) => /metrics/.test(file))).toEqual([]);
  });
});
