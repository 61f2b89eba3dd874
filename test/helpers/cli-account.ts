import type { ResourceStatus, StackEvent, StackResourceDetail } from '@aws-sdk/client-cloudformation';
import { STATUS_SCRIPT } from '../../cli/node-status';
import { ACCOUNT } from '../../e2e/fixture';
import type { FakeAccount, FakeCommandOutput } from '../../testkit/fake-aws/account';

/**
 * A stack of the library as CloudFormation, Auto Scaling, Systems Manager
 * and CloudWatch Logs hold it: a Docker host (`Host`) with an `app`
 * container logging to CloudWatch Logs and a `cache` container logging to
 * its disk, whose last deploy failed; and a swarm (`Swarm`) of one manager
 * and two workers running the services `web` and `worker`. The nodes answer
 * the status command with what `docker inspect` and `docker service ls` print.
 */
export const STACK = 'web-prod';
export const STACK_ID = `arn:aws:cloudformation:eu-west-1:123456789012:stack/${STACK}/5d1e0e40-b3f1-11ef-9c3a-0a1b2c3d4e5f`;
export const HOST_INSTANCE = 'i-0a1b2c3d4e5f60001';
export const MANAGER_INSTANCE = 'i-0a1b2c3d4e5f60011';
export const WORKER_INSTANCES = ['i-0a1b2c3d4e5f60021', 'i-0a1b2c3d4e5f60022'] as const;
/** An instance of the swarm's workers still booting: Auto Scaling has it `Pending`, and Run Command is not sent to it. */
export const PENDING_WORKER = 'i-0a1b2c3d4e5f60023';
export const LOG_GROUP = 'web-prod-HostLogs7D2E4F1A-Zm9vYmFyYmF6';
export const MANAGER_GROUP = 'web-prod-SwarmManager1ASGFA7D6CCF-1QW2E3R4T5Y6';
export const WORKER_GROUP = 'web-prod-SwarmWorkersASGB10E0800-9Z8X7C6V5B4N';

const updated = new Date('2026-12-07T03:41:09.000Z');

function resource(logicalId: string, type: string, physicalId: string, status: string, metadata?: object, reason?: string): StackResourceDetail {
  return {
    StackId: STACK_ID,
    StackName: STACK,
    LogicalResourceId: logicalId,
    PhysicalResourceId: physicalId,
    ResourceType: type,
    LastUpdatedTimestamp: updated,
    ResourceStatus: status as ResourceStatus,
    ResourceStatusReason: reason,
    Metadata: metadata === undefined ? undefined : JSON.stringify(metadata),
  };
}

function init(files: Record<string, unknown>): object {
  return { 'AWS::CloudFormation::Init': { config: { files: Object.fromEntries(Object.entries(files).map(([path, content]) => [path, { content, mode: '000600', owner: 'root', group: 'root' }])) } } };
}

const HOST_FILE = {
  stackName: STACK,
  region: 'eu-west-1',
  resource: 'HostInstance2C59A3BE',
  applyId: '9e86d4299c26',
  containers: [
    {
      name: 'app',
      image: 'public.ecr.aws/nginx/nginx:1.27-alpine',
      restart: 'always',
      logging: { driver: 'awslogs', options: { 'awslogs-group': LOG_GROUP, 'awslogs-region': 'eu-west-1', 'awslogs-stream': 'app' } },
    },
    { name: 'cache', image: 'memcached:1.6-alpine', restart: 'always', logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } } },
  ],
};

const COMPOSE = {
  version: '3.8',
  services: {
    web: { image: 'public.ecr.aws/nginx/nginx:1.27-alpine', deploy: { mode: 'replicated', replicas: 2 } },
    worker: { image: 'ghcr.io/example/worker:2.4.1', deploy: { mode: 'replicated', replicas: 1 }, logging: { driver: 'json-file', options: { 'max-size': '10m' } } },
  },
};

export const RESOURCES: StackResourceDetail[] = [
  resource('HostInstance2C59A3BE', 'AWS::EC2::Instance', HOST_INSTANCE, 'UPDATE_COMPLETE', init({ '/etc/docker-host/host.json': HOST_FILE, '/etc/cfn/cfn-hup.conf': '[main]\n' })),
  resource('HostApplied9e86d4299c261384DFF7', 'AWS::CloudFormation::WaitCondition', 'arn:aws:cloudformation:eu-west-1:123456789012:stack/web-prod/5d1e0e40/HostApplied9e86d4299c261384DFF7', 'CREATE_COMPLETE'),
  resource('HostLogs7D2E4F1A', 'AWS::Logs::LogGroup', LOG_GROUP, 'CREATE_COMPLETE'),
  resource('SwarmManager1ASGFA7D6CCF', 'AWS::AutoScaling::AutoScalingGroup', MANAGER_GROUP, 'UPDATE_COMPLETE', init({ '/etc/docker-swarm/stack.yml': COMPOSE })),
  resource('SwarmWorkersASGB10E0800', 'AWS::AutoScaling::AutoScalingGroup', WORKER_GROUP, 'UPDATE_COMPLETE', init({ '/etc/cfn/cfn-hup.conf': '[main]\n' })),
  resource('OtherInstanceA1B2C3D4', 'AWS::EC2::Instance', 'i-0a1b2c3d4e5f69999', 'CREATE_COMPLETE', init({ '/etc/motd': 'not a Docker host' })),
];

/** Newest first: the update whose wait condition failed (and was deleted by the rollback), then the one before. */
export const EVENTS: StackEvent[] = [
  event('9', 'web-prod', 'AWS::CloudFormation::Stack', '2026-12-07T03:48:40.000Z', 'UPDATE_ROLLBACK_COMPLETE'),
  event('8', 'HostApplied51c0ffee4a2bC7E3D9A1', 'AWS::CloudFormation::WaitCondition', '2026-12-07T03:48:31.000Z', 'DELETE_COMPLETE'),
  event('7', 'HostApplied51c0ffee4a2bC7E3D9A1', 'AWS::CloudFormation::WaitCondition', '2026-12-07T03:46:12.000Z', 'CREATE_FAILED', 'WaitCondition received failed message: \'container app: unhealthy after 300 s; last log line: connect() failed (111: Connection refused) while connecting to upstream\' for uniqueId: i-0a1b2c3d4e5f60001'),
  event('6', 'HostInstance2C59A3BE', 'AWS::EC2::Instance', '2026-12-07T03:41:09.000Z', 'UPDATE_COMPLETE'),
];

function event(id: string, logicalId: string, type: string, time: string, status: string, reason?: string): StackEvent {
  return { EventId: `${logicalId}-${id}`, StackId: STACK_ID, StackName: STACK, LogicalResourceId: logicalId, ResourceType: type, Timestamp: new Date(time), ResourceStatus: status as ResourceStatus, ResourceStatusReason: reason };
}

/** A container line of the status command's `docker inspect`, as docker prints it. */
function container(fields: { id: string; name: string; image: string; state: string; health: string | null; restarts: number; created: string; service?: string }): string {
  return (
    `{"kind":"container","id":${JSON.stringify(fields.id.padEnd(64, '0'))},"name":${JSON.stringify(`/${fields.name}`)},"image":${JSON.stringify(fields.image)},` +
    `"state":${JSON.stringify(fields.state)},"health":${fields.health === null ? 'null' : JSON.stringify(fields.health)},"restarts":${fields.restarts},"created":${JSON.stringify(fields.created)},` +
    `"service":${JSON.stringify(fields.service ?? '')},"namespace":${JSON.stringify(fields.service ? 'app' : '')}}`
  );
}

const status = (...lines: string[]): FakeCommandOutput => ({ script: STATUS_SCRIPT, stdout: `${lines.join('\n')}\n` });

/** What the status command prints on each node. */
export const NODE_OUTPUTS: Record<string, FakeCommandOutput> = {
  [HOST_INSTANCE]: status(
    container({ id: '3f4e5d6c7b8a', name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27-alpine', state: 'running', health: 'unhealthy', restarts: 3, created: '2026-12-07T03:41:30.512381273Z' }),
    container({ id: '9a8b7c6d5e4f', name: 'cache', image: 'memcached:1.6-alpine', state: 'running', health: null, restarts: 0, created: '2026-12-01T10:02:11.004417729Z' }),
  ),
  [MANAGER_INSTANCE]: status(
    '{"kind":"service","name":"app_web","mode":"replicated","replicas":"2/2","image":"public.ecr.aws/nginx/nginx:1.27-alpine"}',
    '{"kind":"service","name":"app_worker","mode":"replicated","replicas":"0/1","image":"ghcr.io/example/worker:2.4.1"}',
  ),
  [WORKER_INSTANCES[0]]: status(
    container({ id: '5b6c7d8e9f0a', name: 'app_web.1.k3j2h1g0f9e8d7c6b5a4', image: 'public.ecr.aws/nginx/nginx:1.27-alpine', state: 'running', health: 'healthy', restarts: 0, created: '2026-12-06T22:15:03.117203851Z', service: 'app_web' }),
    container({ id: '6c7d8e9f0a1b', name: 'app_worker.1.q9w8e7r6t5y4u3i2o1p0', image: 'ghcr.io/example/worker:2.4.1', state: 'exited', health: null, restarts: 0, created: '2026-12-07T03:52:40.661940014Z', service: 'app_worker' }),
    container({ id: '7d8e9f0a1b2c', name: 'app_worker.1.a1s2d3f4g5h6j7k8l9z0', image: 'ghcr.io/example/worker:2.4.1', state: 'exited', health: null, restarts: 0, created: '2026-12-07T03:50:12.902716330Z', service: 'app_worker' }),
  ),
  [WORKER_INSTANCES[1]]: status(
    container({ id: '8e9f0a1b2c3d', name: 'app_web.2.z0x9c8v7b6n5m4l3k2j1', image: 'public.ecr.aws/nginx/nginx:1.27-alpine', state: 'running', health: 'healthy', restarts: 0, created: '2026-12-06T22:15:21.550128734Z', service: 'app_web' }),
  ),
};

/**
 * The account of the end-to-end run with the stack, its groups, its nodes
 * (and what else they print, by instance) and the app container's log
 * stream, whose events are 3 hours, 5 minutes and 1 minute older than `now`.
 */
export function cliAccount(now: number, extraOutputs: Readonly<Record<string, readonly FakeCommandOutput[]>> = {}): FakeAccount {
  return {
    ...ACCOUNT,
    stacks: [...ACCOUNT.stacks, { StackId: STACK_ID, StackName: STACK, CreationTime: new Date('2026-11-02T09:00:00.000Z'), StackStatus: 'UPDATE_ROLLBACK_COMPLETE' }],
    stackResources: { [STACK]: RESOURCES },
    stackEvents: { [STACK]: EVENTS },
    autoScalingGroups: [
      { AutoScalingGroupName: MANAGER_GROUP, MinSize: 1, MaxSize: 1, DesiredCapacity: 1, DefaultCooldown: 300, HealthCheckType: 'EC2', CreatedTime: new Date('2026-11-02T09:03:00.000Z'), AvailabilityZones: ['eu-west-1a'], Instances: [{ InstanceId: MANAGER_INSTANCE, InstanceType: 't4g.small', AvailabilityZone: 'eu-west-1a', LifecycleState: 'InService', HealthStatus: 'Healthy', ProtectedFromScaleIn: false }] },
      {
        AutoScalingGroupName: WORKER_GROUP,
        MinSize: 1,
        MaxSize: 3,
        DesiredCapacity: 3,
        DefaultCooldown: 300,
        HealthCheckType: 'EC2',
        CreatedTime: new Date('2026-11-02T09:03:00.000Z'),
        AvailabilityZones: ['eu-west-1a', 'eu-west-1b'],
        Instances: [
          ...WORKER_INSTANCES.map((id, i) => ({ InstanceId: id, InstanceType: 't4g.small', AvailabilityZone: i === 0 ? 'eu-west-1a' : 'eu-west-1b', LifecycleState: 'InService' as const, HealthStatus: 'Healthy', ProtectedFromScaleIn: false })),
          { InstanceId: PENDING_WORKER, InstanceType: 't4g.small', AvailabilityZone: 'eu-west-1a', LifecycleState: 'Pending' as const, HealthStatus: 'Healthy', ProtectedFromScaleIn: false },
        ],
      },
    ],
    managedInstances: Object.entries(NODE_OUTPUTS).map(([instanceId, output]) => ({ instanceId, outputs: [output, ...(extraOutputs[instanceId] ?? [])] })),
    logStreams: [{ group: LOG_GROUP, stream: 'app', events: appLogEvents(now) }],
  };
}

/** The app container's events: 3 hours, 5 minutes and 1 minute before `now`. */
export function appLogEvents(now: number): Array<{ eventId: string; timestamp: number; ingestionTime: number; message: string }> {
  return [
    logEvent(now - 3 * 3600_000, '10.0.1.17 - - "GET / HTTP/1.1" 200 615'),
    logEvent(now - 5 * 60_000, '[error] 29#29: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.1.17'),
    logEvent(now - 60_000, '10.0.1.17 - - "GET /health HTTP/1.1" 502 157'),
  ];
}

function logEvent(timestamp: number, message: string): { eventId: string; timestamp: number; ingestionTime: number; message: string } {
  return { eventId: `3800000000000000000000000000000000000000000000${timestamp}`, timestamp, ingestionTime: timestamp + 300, message };
}
