import {
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ReplicationGroupNotFoundFault,
  type CacheCluster,
  type ElastiCacheClient,
  type Endpoint,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { toData, type Value } from '../shared/data';
import { LookupError } from '../shared/errors';
import type { Data, LookupContext, LookupResult } from '../shared/definition';
import type { Parsed } from '../../contracts/properties';
import type { schema } from '../../contracts/elasticache-dependency/contract';

/** The properties of a `Custom::ElasticacheDependency`, parsed. */
export type ElasticacheProperties = Parsed<typeof schema>;

/** The SDK clients the lookup sends its calls with. */
export interface ElasticacheClients {
  readonly elasticache: ElastiCacheClient;
}

/**
 * Finds the cache cluster, or else the replication group, whose id is
 * `CacheId`, and answers with its fields and endpoints.
 */
export async function lookupCache(
  clients: ElasticacheClients,
  props: ElasticacheProperties,
  { abortSignal }: LookupContext,
): Promise<LookupResult> {
  // ElastiCache stores cluster and group ids in lower case.
  const id = props.CacheId.toLowerCase();

  const cluster = await findCacheCluster(clients.elasticache, id, abortSignal);
  if (cluster) {
    if (!clusterEndpointsKnown(cluster)) throw notAvailableYet('cache cluster', id, cluster.CacheClusterStatus);
    return { id: cluster.CacheClusterId ?? id, data: cacheClusterData(cluster) };
  }

  const group = await findReplicationGroup(clients.elasticache, id, abortSignal);
  if (group) {
    if (!groupEndpointsKnown(group)) throw notAvailableYet('replication group', id, group.Status);
    return { id: group.ReplicationGroupId ?? id, data: replicationGroupData(group) };
  }

  throw new LookupError(
    `no cache cluster and no replication group has the id "${id}" in this account and region; ` +
      'check CacheId, and that the stack is in the region of the cache',
  );
}

async function findCacheCluster(
  elasticache: ElastiCacheClient,
  id: string,
  abortSignal: AbortSignal,
): Promise<CacheCluster | undefined> {
  try {
    const answer = await elasticache.send(
      new DescribeCacheClustersCommand({ CacheClusterId: id, ShowCacheNodeInfo: true }),
      { abortSignal },
    );
    return answer.CacheClusters?.[0];
  } catch (error) {
    if (error instanceof CacheClusterNotFoundFault) return undefined;
    throw error;
  }
}

async function findReplicationGroup(
  elasticache: ElastiCacheClient,
  id: string,
  abortSignal: AbortSignal,
): Promise<ReplicationGroup | undefined> {
  try {
    const answer = await elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }), {
      abortSignal,
    });
    return answer.ReplicationGroups?.[0];
  } catch (error) {
    if (error instanceof ReplicationGroupNotFoundFault) return undefined;
    throw error;
  }
}

function notAvailableYet(kind: string, id: string, status: string | undefined): LookupError {
  return new LookupError(
    `${kind} "${id}" is ${status ?? 'in an unknown state'}; its endpoints are not known yet. ` +
      'Deploy again when its status is available',
  );
}

/** Whether every node of the cluster, and a memcached cluster's configuration endpoint, has an address. */
function clusterEndpointsKnown(cluster: CacheCluster): boolean {
  const nodes = cluster.CacheNodes ?? [];
  if (nodes.length === 0 || !nodes.every((node) => isKnown(node.Endpoint))) return false;
  return cluster.Engine !== 'memcached' || isKnown(cluster.ConfigurationEndpoint);
}

/** Whether the group has its primary endpoint, or in cluster mode its configuration endpoint. */
function groupEndpointsKnown(group: ReplicationGroup): boolean {
  return group.ClusterEnabled
    ? isKnown(group.ConfigurationEndpoint)
    : isKnown(group.NodeGroups?.[0]?.PrimaryEndpoint);
}

/**
 * The cluster's scalar fields under their own names, then for each node (in
 * node id order) `CacheNodeEndpoint<i>` (`host:port`), its address and port,
 * `CacheNodeEndpoints`, and a memcached cluster's `ConfigurationEndpoint…`.
 */
export function cacheClusterData(cluster: CacheCluster): Data {
  const nodes = [...(cluster.CacheNodes ?? [])].sort((a, b) =>
    (a.CacheNodeId ?? '').localeCompare(b.CacheNodeId ?? ''),
  );
  const values: Record<string, Value> = scalarFields(cluster);
  nodes.forEach((node, i) => Object.assign(values, endpointValues('CacheNodeEndpoint', node.Endpoint, String(i))));
  values.CacheNodeEndpoints = nodes.map((node) => hostPort(node.Endpoint)).filter(isDefined);
  Object.assign(values, endpointValues('ConfigurationEndpoint', cluster.ConfigurationEndpoint));
  return toData(values);
}

/**
 * The group's scalar fields under their own names, `PrimaryEndpoint…` and
 * `ReaderEndpoint…` of its first node group, `ConfigurationEndpoint…` in
 * cluster mode, and `MemberClusters`.
 */
export function replicationGroupData(group: ReplicationGroup): Data {
  const nodeGroup = group.NodeGroups?.[0];
  return toData({
    ...scalarFields(group),
    ...endpointValues('PrimaryEndpoint', nodeGroup?.PrimaryEndpoint),
    ...endpointValues('ReaderEndpoint', nodeGroup?.ReaderEndpoint),
    ...endpointValues('ConfigurationEndpoint', group.ConfigurationEndpoint),
    MemberClusters: group.MemberClusters,
  });
}

/** The string, number, boolean and date fields of an SDK object; nested objects and lists are left out. */
function scalarFields(item: object): Record<string, Value> {
  return Object.fromEntries(
    Object.entries(item).filter(
      ([, value]) =>
        typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date,
    ),
  );
}

/** `<name><suffix>` (`host:port`), `<name>Address<suffix>` and `<name>Port<suffix>`. */
function endpointValues(name: string, endpoint: Endpoint | undefined, suffix = ''): Record<string, Value> {
  return {
    [`${name}${suffix}`]: hostPort(endpoint),
    [`${name}Address${suffix}`]: endpoint?.Address,
    [`${name}Port${suffix}`]: endpoint?.Port,
  };
}

function hostPort(endpoint: Endpoint | undefined): string | undefined {
  return isKnown(endpoint) ? `${endpoint.Address}:${endpoint.Port}` : undefined;
}

function isKnown(endpoint: Endpoint | undefined): endpoint is Endpoint & { Address: string; Port: number } {
  return endpoint?.Address !== undefined && endpoint.Address !== '' && endpoint.Port !== undefined;
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
