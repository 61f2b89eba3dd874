import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeStackEventsCommand,
  DescribeStackResourceCommand,
  DescribeStackResourcesCommand,
  paginateListStackResources,
  type StackEvent,
  type StackResource,
} from '@aws-sdk/client-cloudformation';
import type { Clients } from './clients';
import { awsErrorName, CliError } from './errors';

/** The file of a Docker host's containers in its instance's `AWS::CloudFormation::Init` metadata. */
export const HOST_FILE = '/etc/docker-host/host.json';
/** The swarm's compose file in its managers' `AWS::CloudFormation::Init` metadata. */
export const COMPOSE_FILE = '/etc/docker-swarm/stack.yml';

/** How a container or service writes its logs, as its metadata says. */
export interface Logging {
  readonly driver: string;
  readonly options: Readonly<Record<string, string>>;
}

/** A container of a Docker host, or a service of a swarm, as the stack's metadata declares it. */
export interface DeclaredContainer {
  readonly name: string;
  readonly image: string;
  /** Undefined for a swarm service that logs with the engine's default. */
  readonly logging?: Logging;
}

/** The result of the last deploy of a host or swarm: its wait condition's, or its managers' group's, last status. */
export interface LastDeploy {
  readonly resource: string;
  readonly status: string;
  readonly reason?: string;
  readonly time?: string;
}

/** An EC2 instance of a host or a swarm, and what Auto Scaling says of it. */
export interface StackNode {
  readonly instanceId: string;
  /** `host`, `manager` or `worker`. */
  readonly role: string;
  /** The logical id of its instance or Auto Scaling group. */
  readonly resource: string;
  /** Auto Scaling's lifecycle state (`InService`, `Pending`, ...); `InService` for a Docker host. */
  readonly lifecycleState: string;
}

/** A `DockerHost` or a `DockerSwarm` of the stack. */
export interface Deployment {
  readonly kind: 'host' | 'swarm';
  /** The construct's path in the stack as its logical ids start with it: `Host`, `Swarm`. */
  readonly name: string;
  readonly nodes: readonly StackNode[];
  readonly containers: readonly DeclaredContainer[];
  readonly lastDeploy?: LastDeploy;
}

/** What a stack of this library holds. */
export interface LibraryStack {
  readonly stackName: string;
  readonly deployments: readonly Deployment[];
}

/** The metadata's files, or an empty record when the resource has no `AWS::CloudFormation::Init`. */
type InitFiles = Record<string, { content?: unknown } | undefined>;

/**
 * Reads the Docker hosts and swarms of a stack: an `AWS::EC2::Instance`
 * whose metadata holds the host file is a Docker host, an Auto Scaling
 * group whose metadata holds the compose file is a swarm's manager group,
 * and its swarm's other groups are those whose logical ids start as its
 * does (`SwarmManager1ASG…`, `SwarmWorkersASG…`).
 */
export async function readStack(clients: Clients, stackName: string): Promise<LibraryStack> {
  const resources = await stackResources(clients, stackName);
  const instances = resources.filter((resource) => resource.ResourceType === 'AWS::EC2::Instance');
  const groups = resources.filter((resource) => resource.ResourceType === 'AWS::AutoScaling::AutoScalingGroup');
  const events = instances.length > 0 ? await newestEvents(clients, stackName) : [];
  const deployments: Deployment[] = [];

  for (const instance of instances) {
    const files = await initFiles(clients, stackName, instance.LogicalResourceId!);
    const hostFile = files[HOST_FILE]?.content;
    if (!isRecord(hostFile)) continue;
    const name = constructName(instance.LogicalResourceId!, /Instance[0-9A-F]{8}$/);
    deployments.push({
      kind: 'host',
      name,
      nodes: instance.PhysicalResourceId ? [{ instanceId: instance.PhysicalResourceId, role: 'host', resource: instance.LogicalResourceId!, lifecycleState: 'InService' }] : [],
      containers: hostContainers(hostFile),
      lastDeploy: hostLastDeploy(name, String(hostFile.applyId ?? ''), resources, events),
    });
  }

  const swarmGroups: Array<{ manager: StackResource; compose: Record<string, unknown>; name: string }> = [];
  for (const group of groups) {
    const compose = (await initFiles(clients, stackName, group.LogicalResourceId!))[COMPOSE_FILE]?.content;
    if (isRecord(compose)) swarmGroups.push({ manager: group, compose, name: constructName(group.LogicalResourceId!, /Manager\d+ASG[0-9A-F]{8}$/) });
  }
  const seen = new Set<string>();
  for (const { manager, compose, name } of swarmGroups) {
    if (seen.has(name)) continue;
    seen.add(name);
    const members = groups.filter((group) => new RegExp(`^${escapeRegExp(name)}(Manager\\d+|Workers)ASG[0-9A-F]{8}$`).test(group.LogicalResourceId!));
    deployments.push({
      kind: 'swarm',
      name,
      nodes: await groupNodes(clients, members),
      containers: composeServices(compose),
      lastDeploy: { resource: manager.LogicalResourceId!, status: manager.ResourceStatus ?? 'UNKNOWN', reason: manager.ResourceStatusReason, time: manager.Timestamp?.toISOString() },
    });
  }

  if (deployments.length === 0) {
    throw new CliError(
      `stack ${stackName} holds no Docker host and no Docker swarm of docker-host-dependencies (no EC2 instance with ${HOST_FILE} and no Auto Scaling group with ${COMPOSE_FILE} in its metadata): name the stack that holds your DockerHost or DockerSwarm`,
    );
  }
  return { stackName, deployments };
}

/** `DescribeStackResources` answers with a stack's first 100 resources only. */
const DESCRIBED_RESOURCES = 100;

/** The stack's resources: `DescribeStackResources`, or, for a stack of more than it lists, every page of `ListStackResources`. */
async function stackResources(clients: Clients, stackName: string): Promise<StackResource[]> {
  try {
    const answer = await clients.cloudFormation.send(new DescribeStackResourcesCommand({ StackName: stackName }));
    const described = answer.StackResources ?? [];
    if (described.length < DESCRIBED_RESOURCES) return described;
    const listed: StackResource[] = [];
    for await (const page of paginateListStackResources({ client: clients.cloudFormation }, { StackName: stackName })) {
      for (const summary of page.StackResourceSummaries ?? []) {
        listed.push({ ...summary, Timestamp: summary.LastUpdatedTimestamp });
      }
    }
    return listed;
  } catch (error) {
    if (awsErrorName(error) === 'ValidationError' && /does not exist/.test((error as Error).message)) {
      throw new CliError(
        `no stack named ${stackName} in ${clients.region}: check the name (\`aws cloudformation list-stacks --region ${clients.region}\`) and the region (--region, or AWS_REGION)`,
      );
    }
    throw error;
  }
}

async function initFiles(clients: Clients, stackName: string, logicalId: string): Promise<InitFiles> {
  const answer = await clients.cloudFormation.send(new DescribeStackResourceCommand({ StackName: stackName, LogicalResourceId: logicalId }));
  const text = answer.StackResourceDetail?.Metadata;
  if (!text) return {};
  const metadata: unknown = JSON.parse(text);
  const init = isRecord(metadata) ? metadata['AWS::CloudFormation::Init'] : undefined;
  const config = isRecord(init) ? init.config : undefined;
  const files = isRecord(config) ? config.files : undefined;
  return isRecord(files) ? (files as InitFiles) : {};
}

/** The stack's newest events, first page (newest first): the last deploy of each host is among them. */
async function newestEvents(clients: Clients, stackName: string): Promise<StackEvent[]> {
  const answer = await clients.cloudFormation.send(new DescribeStackEventsCommand({ StackName: stackName }));
  return answer.StackEvents ?? [];
}

/**
 * A host's last deploy: the newest result (created, or failed) of one of
 * its `Applied…` wait conditions in the events, where a failed one stays
 * after the rollback deletes it; or else the wait condition of its current
 * metadata, when the events of its deploy are no longer on the first page.
 */
function hostLastDeploy(name: string, applyId: string, resources: readonly StackResource[], events: readonly StackEvent[]): LastDeploy | undefined {
  const applied = new RegExp(`^${escapeRegExp(name)}Applied[0-9a-f]{12}[0-9A-F]{8}$`);
  const event = events.find(
    (candidate) =>
      candidate.ResourceType === 'AWS::CloudFormation::WaitCondition' &&
      applied.test(candidate.LogicalResourceId ?? '') &&
      (candidate.ResourceStatus === 'CREATE_COMPLETE' || candidate.ResourceStatus === 'CREATE_FAILED'),
  );
  if (event) {
    return { resource: event.LogicalResourceId!, status: event.ResourceStatus ?? 'UNKNOWN', reason: event.ResourceStatusReason, time: event.Timestamp?.toISOString() };
  }
  const current = resources.find((resource) => resource.ResourceType === 'AWS::CloudFormation::WaitCondition' && applyId !== '' && resource.LogicalResourceId?.startsWith(`${name}Applied${applyId}`));
  if (!current) return undefined;
  return { resource: current.LogicalResourceId!, status: current.ResourceStatus ?? 'UNKNOWN', reason: current.ResourceStatusReason, time: current.Timestamp?.toISOString() };
}

async function groupNodes(clients: Clients, members: readonly StackResource[]): Promise<StackNode[]> {
  const names = members.map((member) => member.PhysicalResourceId).filter((name): name is string => name !== undefined);
  if (names.length === 0) return [];
  const answer = await clients.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: names }));
  const nodes: StackNode[] = [];
  for (const member of members) {
    const group = (answer.AutoScalingGroups ?? []).find((candidate) => candidate.AutoScalingGroupName === member.PhysicalResourceId);
    const role = /Workers/.test(member.LogicalResourceId!) ? 'worker' : 'manager';
    for (const instance of group?.Instances ?? []) {
      nodes.push({ instanceId: instance.InstanceId!, role, resource: member.LogicalResourceId!, lifecycleState: instance.LifecycleState ?? 'Unknown' });
    }
  }
  return nodes;
}

function hostContainers(hostFile: Record<string, unknown>): DeclaredContainer[] {
  const containers = Array.isArray(hostFile.containers) ? hostFile.containers : [];
  return containers.filter(isRecord).map((container) => ({
    name: String(container.name),
    image: String(container.image),
    logging: logging(container.logging),
  }));
}

function composeServices(compose: Record<string, unknown>): DeclaredContainer[] {
  const services = isRecord(compose.services) ? compose.services : {};
  return Object.entries(services).map(([name, service]) => ({
    name,
    image: isRecord(service) ? String(service.image) : '',
    logging: isRecord(service) ? logging(service.logging) : undefined,
  }));
}

function logging(value: unknown): Logging | undefined {
  if (!isRecord(value)) return undefined;
  const options = isRecord(value.options) ? Object.fromEntries(Object.entries(value.options).map(([key, option]) => [key, String(option)])) : {};
  return { driver: String(value.driver), options };
}

/** `HostInstance2C59A3BE` -> `Host`: the construct's part of a logical id. */
function constructName(logicalId: string, suffix: RegExp): string {
  return logicalId.replace(suffix, '');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
