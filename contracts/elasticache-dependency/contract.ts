import { defineContract } from '../contract';
import { defineSchema } from '../properties';

export const schema = defineSchema({
  CacheId: {
    type: 'string',
    required: true,
    description: 'a cache cluster id or a replication group id, such as sessions-001 or sessions',
    pattern: /^[A-Za-z][A-Za-z0-9-]{0,49}$/,
  },
});

const ENDPOINT = ['', 'Address', 'Port'];

function endpoints(...names: string[]): string[] {
  return names.flatMap((name) => ENDPOINT.map((suffix) => `${name}${suffix}`));
}

/** Scalar fields of an ElastiCache cache cluster, answered under their own names. */
const CACHE_CLUSTER_FIELDS = [
  'CacheClusterId',
  'ClientDownloadLandingPage',
  'CacheNodeType',
  'Engine',
  'EngineVersion',
  'CacheClusterStatus',
  'NumCacheNodes',
  'PreferredAvailabilityZone',
  'PreferredOutpostArn',
  'CacheClusterCreateTime',
  'PreferredMaintenanceWindow',
  'CacheSubnetGroupName',
  'AutoMinorVersionUpgrade',
  'ReplicationGroupId',
  'SnapshotRetentionLimit',
  'SnapshotWindow',
  'AuthTokenEnabled',
  'AuthTokenLastModifiedDate',
  'TransitEncryptionEnabled',
  'AtRestEncryptionEnabled',
  'ARN',
  'ReplicationGroupLogDeliveryEnabled',
  'NetworkType',
  'IpDiscovery',
  'TransitEncryptionMode',
];

/** Scalar fields of an ElastiCache replication group, answered under their own names. */
const REPLICATION_GROUP_FIELDS = [
  'ReplicationGroupId',
  'Description',
  'Status',
  'SnapshottingClusterId',
  'AutomaticFailover',
  'MultiAZ',
  'SnapshotRetentionLimit',
  'SnapshotWindow',
  'ClusterEnabled',
  'CacheNodeType',
  'AuthTokenEnabled',
  'AuthTokenLastModifiedDate',
  'TransitEncryptionEnabled',
  'AtRestEncryptionEnabled',
  'KmsKeyId',
  'ARN',
  'ReplicationGroupCreateTime',
  'DataTiering',
  'AutoMinorVersionUpgrade',
  'NetworkType',
  'IpDiscovery',
  'TransitEncryptionMode',
  'ClusterMode',
  'Engine',
];

export const contract = defineContract({
  resourceType: 'Custom::ElasticacheDependency',
  schema,
  attributes: {
    names: [
      ...new Set([
        ...CACHE_CLUSTER_FIELDS,
        ...REPLICATION_GROUP_FIELDS,
        'CacheNodeEndpoints',
        'MemberClusters',
        ...endpoints('ConfigurationEndpoint', 'PrimaryEndpoint', 'ReaderEndpoint'),
      ]),
    ],
    patterns: [/^CacheNodeEndpoint\d+$/, /^CacheNodeEndpointAddress\d+$/, /^CacheNodeEndpointPort\d+$/],
  },
  permissions: [
    {
      actions: ['elasticache:DescribeCacheClusters'],
      resource: 'arn:{partition}:elasticache:{region}:{account}:cluster:*',
      reason: 'CacheId names any cache cluster of this account and region, chosen by the template at deploy time',
    },
    {
      actions: ['elasticache:DescribeReplicationGroups'],
      resource: 'arn:{partition}:elasticache:{region}:{account}:replicationgroup:*',
      reason: 'CacheId names any replication group of this account and region, chosen by the template at deploy time',
    },
  ],
  example: {
    properties: { CacheId: 'orders-001' },
    data: {
      CacheClusterId: 'orders-001',
      CacheNodeType: 'cache.r7g.large',
      Engine: 'redis',
      EngineVersion: '7.1.0',
      CacheClusterStatus: 'available',
      NumCacheNodes: '1',
      PreferredAvailabilityZone: 'eu-west-1a',
      CacheClusterCreateTime: '2023-11-20T08:30:00.000Z',
      ReplicationGroupId: 'orders',
      SnapshotRetentionLimit: '1',
      CacheNodeEndpoint0: 'orders-001.abc123.0001.euw1.cache.amazonaws.com:6379',
      CacheNodeEndpointAddress0: 'orders-001.abc123.0001.euw1.cache.amazonaws.com',
      CacheNodeEndpointPort0: '6379',
      CacheNodeEndpoints: 'orders-001.abc123.0001.euw1.cache.amazonaws.com:6379',
    },
  },
});
