import {
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  InvalidParameterValueException,
  ReplicationGroupNotFoundFault,
  type CacheCluster,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { contract, schema } from '../../contracts/elasticache-dependency/contract';
import { definition, handler } from '../../lambdas/elasticache-dependency/index';
import {
  cacheClusterData,
  lookupCache,
  replicationGroupData,
} from '../../lambdas/elasticache-dependency/lookup';
import type { Data } from '../../lambdas/shared/definition';
import { InputError, LookupError } from '../../lambdas/shared/errors';
import { parseProperties } from '../../contracts/properties';
import { memcachedCluster, redisGroup } from '../../testkit/mock-account-lookups';
import { invoke, LOGS, STACK_ID, successBody } from '../helpers/cfn';
import { rejectionBy } from '../helpers/thrown';

const elasticacheMock = mockClient(ElastiCacheClient);

beforeEach(() => {
  elasticacheMock.reset();
});

describe('the data of a cache cluster or a replication group', () => {
  it.each<[string, () => Data, Data]>([
    [
      'the scalar fields of a memcached cluster, its nodes in id order (they arrive out of order) and its configuration endpoint',
      () => cacheClusterData(sessionsCluster()),
      {
        CacheClusterId: 'sessions',
        ClientDownloadLandingPage: 'https://console.aws.amazon.com/elasticache/home#client-download:',
        CacheNodeType: 'cache.t4g.micro',
        Engine: 'memcached',
        EngineVersion: '1.6.22',
        CacheClusterStatus: 'available',
        NumCacheNodes: '2',
        PreferredAvailabilityZone: 'Multiple',
        CacheClusterCreateTime: '2024-03-01T10:00:00.000Z',
        PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
        CacheSubnetGroupName: 'private',
        AutoMinorVersionUpgrade: 'true',
        AuthTokenEnabled: 'false',
        TransitEncryptionEnabled: 'false',
        AtRestEncryptionEnabled: 'false',
        ARN: 'arn:aws:elasticache:eu-west-1:123456789012:cluster:sessions',
        NetworkType: 'ipv4',
        IpDiscovery: 'ipv4',
        CacheNodeEndpoint0: 'sessions.abc123.0001.euw1.cache.amazonaws.com:11211',
        CacheNodeEndpointAddress0: 'sessions.abc123.0001.euw1.cache.amazonaws.com',
        CacheNodeEndpointPort0: '11211',
        CacheNodeEndpoint1: 'sessions.abc123.0002.euw1.cache.amazonaws.com:11211',
        CacheNodeEndpointAddress1: 'sessions.abc123.0002.euw1.cache.amazonaws.com',
        CacheNodeEndpointPort1: '11211',
        CacheNodeEndpoints:
          'sessions.abc123.0001.euw1.cache.amazonaws.com:11211,sessions.abc123.0002.euw1.cache.amazonaws.com:11211',
        ConfigurationEndpoint: 'sessions.abc123.cfg.euw1.cache.amazonaws.com:11211',
        ConfigurationEndpointAddress: 'sessions.abc123.cfg.euw1.cache.amazonaws.com',
        ConfigurationEndpointPort: '11211',
      },
    ],
    [
      "a Redis member cluster its replication group id and no configuration endpoint, as the contract's example says",
      () => cacheClusterData(redisMemberCluster()),
      contract.example.data,
    ],
    [
      'a group without cluster mode its primary and reader endpoints and member clusters',
      () => replicationGroupData(ordersGroup()),
      {
        ReplicationGroupId: 'orders',
        Description: 'orders cache',
        Status: 'available',
        AutomaticFailover: 'enabled',
        MultiAZ: 'enabled',
        ClusterEnabled: 'false',
        CacheNodeType: 'cache.r7g.large',
        TransitEncryptionEnabled: 'true',
        ARN: 'arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:orders',
        ReplicationGroupCreateTime: '2023-11-20T08:30:00.000Z',
        Engine: 'redis',
        PrimaryEndpoint: 'master.orders.abc123.euw1.cache.amazonaws.com:6379',
        PrimaryEndpointAddress: 'master.orders.abc123.euw1.cache.amazonaws.com',
        PrimaryEndpointPort: '6379',
        ReaderEndpoint: 'replica.orders.abc123.euw1.cache.amazonaws.com:6379',
        ReaderEndpointAddress: 'replica.orders.abc123.euw1.cache.amazonaws.com',
        ReaderEndpointPort: '6379',
        MemberClusters: 'orders-001,orders-002',
      },
    ],
    [
      'a group in cluster mode its configuration endpoint and member clusters',
      () => replicationGroupData(clusterModeGroup()),
      {
        ReplicationGroupId: 'events',
        Description: 'events cache',
        Status: 'available',
        AutomaticFailover: 'enabled',
        ClusterEnabled: 'true',
        CacheNodeType: 'cache.r7g.large',
        Engine: 'valkey',
        ConfigurationEndpoint: 'clustercfg.events.abc123.euw1.cache.amazonaws.com:6379',
        ConfigurationEndpointAddress: 'clustercfg.events.abc123.euw1.cache.amazonaws.com',
        ConfigurationEndpointPort: '6379',
        MemberClusters: 'events-0001-001,events-0001-002,events-0002-001,events-0002-002',
      },
    ],
  ])('gives %s', (_case, data, expected) => {
    expect(data()).toEqual(expected);
  });
});

describe('lookup', () => {
  it('answers with the cache cluster of that id after one call', async () => {
    // GIVEN
    elasticacheMock.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [sessionsCluster()] });

    // WHEN
    const result = await lookup('sessions');

    // THEN
    expect(result).toEqual({ id: 'sessions', data: cacheClusterData(sessionsCluster()) });
    expect(inputsOf(DescribeCacheClustersCommand)).toEqual([{ CacheClusterId: 'sessions', ShowCacheNodeInfo: true }]);
    expect(elasticacheMock).toHaveReceivedCommandTimes(DescribeReplicationGroupsCommand, 0);
  });

  it('asks for the id in lower case, as ElastiCache stores it', async () => {
    // GIVEN
    elasticacheMock.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [sessionsCluster()] });

    // WHEN
    await lookup('Sessions');

    // THEN
    expect(inputsOf(DescribeCacheClustersCommand)).toEqual([{ CacheClusterId: 'sessions', ShowCacheNodeInfo: true }]);
  });

  it('answers with the replication group when no cache cluster has the id', async () => {
    // GIVEN
    elasticacheMock.on(DescribeCacheClustersCommand).rejects(clusterNotFound('orders'));
    elasticacheMock.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [ordersGroup()] });

    // WHEN
    const result = await lookup('orders');

    // THEN
    expect(result).toEqual({ id: 'orders', data: replicationGroupData(ordersGroup()) });
    expect(inputsOf(DescribeCacheClustersCommand)).toEqual([{ CacheClusterId: 'orders', ShowCacheNodeInfo: true }]);
    expect(inputsOf(DescribeReplicationGroupsCommand)).toEqual([{ ReplicationGroupId: 'orders' }]);
  });

  it('answers FAILED naming the id when neither a cache cluster nor a replication group has it', async () => {
    // GIVEN
    elasticacheMock.on(DescribeCacheClustersCommand).rejects(clusterNotFound('sesions'));
    elasticacheMock.on(DescribeReplicationGroupsCommand).rejects(
      new ReplicationGroupNotFoundFault({ message: 'ReplicationGroup sesions not found.', $metadata: {} }),
    );

    // WHEN
    const error = await rejectionBy(LookupError, lookup('sesions'));

    // THEN
    expect(error.message).toBe(
      'no cache cluster and no replication group has the id "sesions" in this account and region; ' +
        'check CacheId, and that the stack is in the region of the cache',
    );
  });

  it.each<[string, CacheCluster, string]>([
    [
      'a cluster being created has no nodes yet',
      { ...sessionsCluster(), CacheClusterStatus: 'creating', CacheNodes: [], ConfigurationEndpoint: undefined },
      'cache cluster "sessions" is creating; its endpoints are not known yet. Deploy again when its status is available',
    ],
    [
      'a node being added has no endpoint yet',
      {
        ...sessionsCluster(),
        CacheClusterStatus: 'modifying',
        CacheNodes: [...(sessionsCluster().CacheNodes ?? []), { CacheNodeId: '0003', CacheNodeStatus: 'creating' }],
      },
      'cache cluster "sessions" is modifying; its endpoints are not known yet. Deploy again when its status is available',
    ],
    [
      'a memcached cluster has no configuration endpoint yet',
      { ...sessionsCluster(), CacheClusterStatus: 'creating', ConfigurationEndpoint: undefined },
      'cache cluster "sessions" is creating; its endpoints are not known yet. Deploy again when its status is available',
    ],
  ])('answers FAILED when %s', async (_case, cluster, reason) => {
    // GIVEN
    elasticacheMock.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [cluster] });

    // WHEN
    const error = await rejectionBy(LookupError, lookup('sessions'));

    // THEN
    expect(error.message).toBe(reason);
  });

  it.each<[string, ReplicationGroup, string]>([
    [
      'a replication group being created has no primary endpoint yet',
      { ...ordersGroup(), Status: 'creating', NodeGroups: [{ NodeGroupId: '0001', Status: 'creating' }] },
      'replication group "orders" is creating; its endpoints are not known yet. Deploy again when its status is available',
    ],
    [
      'a replication group in cluster mode has no configuration endpoint yet',
      { ...clusterModeGroup(), ReplicationGroupId: 'orders', Status: 'creating', ConfigurationEndpoint: undefined },
      'replication group "orders" is creating; its endpoints are not known yet. Deploy again when its status is available',
    ],
  ])('answers FAILED when %s', async (_case, group, reason) => {
    // GIVEN
    elasticacheMock.on(DescribeCacheClustersCommand).rejects(clusterNotFound('orders'));
    elasticacheMock.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [group] });

    // WHEN
    const error = await rejectionBy(LookupError, lookup('orders'));

    // THEN
    expect(error.message).toBe(reason);
  });

  it('lets other ElastiCache errors through without asking for a replication group', async () => {
    // GIVEN
    const denied = new InvalidParameterValueException({
      message: 'The parameter CacheClusterId is not a valid identifier.',
      $metadata: {},
    });
    elasticacheMock.on(DescribeCacheClustersCommand).rejects(denied);

    // WHEN
    const error = await lookup('sessions').catch((e: unknown) => e);

    // THEN
    expect(error).toBe(denied);
    expect(elasticacheMock).toHaveReceivedCommandTimes(DescribeReplicationGroupsCommand, 0);
  });
});

describe('properties', () => {
  it.each([
    ['sessions', 'sessions'],
    ['Orders-001', 'Orders-001'],
    ['  orders  ', 'orders'],
  ])('accepts CacheId %j', (raw, expected) => {
    expect(parseProperties(schema, { CacheId: raw })).toEqual({ CacheId: expected });
  });

  it.each([
    [
      {},
      'missing required property CacheId (a cache cluster id or a replication group id, such as sessions-001 or sessions); valid properties are CacheId',
    ],
    [
      { CacheId: 'my_cache' },
      'CacheId "my_cache" is not valid: expected a cache cluster id or a replication group id, such as sessions-001 or sessions',
    ],
    [
      { CacheId: '1cache' },
      'CacheId "1cache" is not valid: expected a cache cluster id or a replication group id, such as sessions-001 or sessions',
    ],
    [{ CacheID: 'sessions' }, 'unknown property "CacheID"; valid properties are CacheId'],
  ])('rejects %j', (raw, message) => {
    expect(() => parseProperties(schema, raw)).toThrow(new InputError(message));
  });

  it('creates one ElastiCache client', () => {
    expect(definition.clients().elasticache).toBeInstanceOf(ElastiCacheClient);
  });
});

describe('Custom::ElasticacheDependency handler', () => {
  it('answers the example of its contract, SUCCESS with the cluster id as PhysicalResourceId and its fields and endpoints as Data', async () => {
    // GIVEN
    elasticacheMock.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [redisMemberCluster()] });

    // WHEN
    const { puts } = await invoke(handler, { properties: contract.example.properties });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual(successBody('orders-001', contract.example.data));
  });

  it('answers SUCCESS with the replication group id as PhysicalResourceId', async () => {
    // GIVEN
    elasticacheMock.on(DescribeCacheClustersCommand).rejects(clusterNotFound('orders'));
    elasticacheMock.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [ordersGroup()] });

    // WHEN
    const { puts } = await invoke(handler, { properties: { CacheId: 'orders' } });

    // THEN
    expect(puts[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'orders' });
    expect(puts[0].body.Data).toEqual(replicationGroupData(ordersGroup()));
  });

  it('answers FAILED naming the id when nothing has it', async () => {
    // GIVEN
    elasticacheMock.on(DescribeCacheClustersCommand).rejects(clusterNotFound('sesions'));
    elasticacheMock.on(DescribeReplicationGroupsCommand).rejects(
      new ReplicationGroupNotFoundFault({ message: 'ReplicationGroup sesions not found.', $metadata: {} }),
    );

    // WHEN
    const { puts } = await invoke(handler, { properties: { CacheId: 'sesions' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual({
      Status: 'FAILED',
      Reason:
        'no cache cluster and no replication group has the id "sesions" in this account and region; ' +
        `check CacheId, and that the stack is in the region of the cache. ${LOGS}`,
      PhysicalResourceId: `failed-Dependency-${puts[0].body.RequestId}`,
      StackId: STACK_ID,
      RequestId: expect.any(String),
      LogicalResourceId: 'Dependency',
    });
  });

  it('answers a failed Update with the old id while the cluster is being created', async () => {
    // GIVEN
    const creating = { ...sessionsCluster(), CacheClusterStatus: 'creating', CacheNodes: [] };
    elasticacheMock.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [creating] });

    // WHEN
    const { puts } = await invoke(handler, {
      event: { RequestType: 'Update', PhysicalResourceId: 'sessions-old', OldResourceProperties: { CacheId: 'x' } },
      properties: { CacheId: 'sessions' },
    });

    // THEN
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason:
        'cache cluster "sessions" is creating; its endpoints are not known yet. ' +
        `Deploy again when its status is available. ${LOGS}`,
      PhysicalResourceId: 'sessions-old',
    });
  });

  it('answers FAILED naming the property when a property is misspelt, without calling ElastiCache', async () => {
    // WHEN
    const { puts } = await invoke(handler, { properties: { CacheID: 'sessions' } });

    // THEN
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `unknown property "CacheID"; valid properties are CacheId. ${LOGS}`,
    });
    expect(elasticacheMock.calls()).toHaveLength(0);
  });
});

function lookup(cacheId: string, abortSignal = new AbortController().signal) {
  const elasticache = new ElastiCacheClient({ region: 'eu-west-1' });
  return lookupCache({ elasticache }, { CacheId: cacheId }, { abortSignal });
}

function inputsOf(command: typeof DescribeCacheClustersCommand | typeof DescribeReplicationGroupsCommand): unknown[] {
  return elasticacheMock.commandCalls(command).map((call) => call.args[0].input);
}

function clusterNotFound(id: string): CacheClusterNotFoundFault {
  return new CacheClusterNotFoundFault({ message: `CacheCluster ${id} not found.`, $metadata: {} });
}

function sessionsCluster(): CacheCluster {
  return {
    ...memcachedCluster('sessions', new Date('2024-03-01T10:00:00Z'), 'private'),
    PendingModifiedValues: {},
    CacheSecurityGroups: [],
    CacheParameterGroup: {
      CacheParameterGroupName: 'default.memcached1.6',
      ParameterApplyStatus: 'in-sync',
      CacheNodeIdsToReboot: [],
    },
    CacheNodes: [
      memcachedNode('0002', 'eu-west-1b'),
      memcachedNode('0001', 'eu-west-1a'),
    ],
    AutoMinorVersionUpgrade: true,
    SecurityGroups: [{ SecurityGroupId: 'sg-0abc1234', Status: 'active' }],
    AuthTokenEnabled: false,
    TransitEncryptionEnabled: false,
    AtRestEncryptionEnabled: false,
    ARN: 'arn:aws:elasticache:eu-west-1:123456789012:cluster:sessions',
    NetworkType: 'ipv4',
    IpDiscovery: 'ipv4',
  };
}

function memcachedNode(id: string, zone: string) {
  return {
    CacheNodeId: id,
    CacheNodeStatus: 'available',
    CacheNodeCreateTime: new Date('2024-03-01T10:00:00Z'),
    Endpoint: { Address: `sessions.abc123.${id}.euw1.cache.amazonaws.com`, Port: 11211 },
    ParameterGroupStatus: 'in-sync',
    CustomerAvailabilityZone: zone,
  };
}

function redisMemberCluster(): CacheCluster {
  return {
    CacheClusterId: 'orders-001',
    CacheNodeType: 'cache.r7g.large',
    Engine: 'redis',
    EngineVersion: '7.1.0',
    CacheClusterStatus: 'available',
    NumCacheNodes: 1,
    PreferredAvailabilityZone: 'eu-west-1a',
    CacheClusterCreateTime: new Date('2023-11-20T08:30:00Z'),
    CacheNodes: [
      {
        CacheNodeId: '0001',
        Endpoint: { Address: 'orders-001.abc123.0001.euw1.cache.amazonaws.com', Port: 6379 },
      },
    ],
    ReplicationGroupId: 'orders',
    SnapshotRetentionLimit: 1,
    LogDeliveryConfigurations: [],
  };
}

function ordersGroup(): ReplicationGroup {
  return {
    ...redisGroup('orders', 'orders cache', ['orders-001', 'orders-002'], [
      { CacheClusterId: 'orders-001', CacheNodeId: '0001', CurrentRole: 'primary' },
      { CacheClusterId: 'orders-002', CacheNodeId: '0001', CurrentRole: 'replica' },
    ]),
    PendingModifiedValues: {},
    CacheNodeType: 'cache.r7g.large',
    TransitEncryptionEnabled: true,
    ARN: 'arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:orders',
    UserGroupIds: [],
    ReplicationGroupCreateTime: new Date('2023-11-20T08:30:00Z'),
    Engine: 'redis',
  };
}

function clusterModeGroup(): ReplicationGroup {
  return {
    ReplicationGroupId: 'events',
    Description: 'events cache',
    Status: 'available',
    MemberClusters: ['events-0001-001', 'events-0001-002', 'events-0002-001', 'events-0002-002'],
    NodeGroups: [
      { NodeGroupId: '0001', Status: 'available', Slots: '0-8191' },
      { NodeGroupId: '0002', Status: 'available', Slots: '8192-16383' },
    ],
    AutomaticFailover: 'enabled',
    ConfigurationEndpoint: { Address: 'clustercfg.events.abc123.euw1.cache.amazonaws.com', Port: 6379 },
    ClusterEnabled: true,
    CacheNodeType: 'cache.r7g.large',
    Engine: 'valkey',
  };
}
