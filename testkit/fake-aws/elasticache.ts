import type { CacheCluster, CacheNode, Endpoint, NodeGroup, ReplicationGroup } from '@aws-sdk/client-elasticache';
import type { FakeAccount } from './account';
import { answerQuery, AwsError, pagedList, type AwsAnswer, type AwsRequest, type Paging, type QueryService } from './protocol';
import { el, fields, list, type Xml } from './xml';

const PAGING: Paging = { size: 'MaxRecords', token: 'Marker', defaultSize: 100, nextTag: 'Marker' };

const ELASTICACHE: QueryService<FakeAccount> = {
  version: '2015-02-02',
  xmlns: 'http://elasticache.amazonaws.com/doc/2015-02-02/',
  actions: {
    DescribeCacheClusters: (params, account) => {
      const id = params.get('CacheClusterId');
      const found = account.cacheClusters.filter((cluster) => id === null || cluster.CacheClusterId === id);
      if (id !== null && found.length === 0) throw new AwsError('CacheClusterNotFound', `CacheCluster not found: ${id}`, 404);
      const showNodes = params.get('ShowCacheNodeInfo') === 'true';
      return pagedList(params, PAGING, 'CacheClusters', 'CacheCluster', found, (cluster) => cacheClusterXml(cluster, showNodes));
    },
    DescribeReplicationGroups: (params, account) => {
      const id = params.get('ReplicationGroupId');
      const found = account.replicationGroups.filter((group) => id === null || group.ReplicationGroupId === id);
      if (id !== null && found.length === 0) {
        throw new AwsError('ReplicationGroupNotFoundFault', `ReplicationGroup not found: ${id}`, 404);
      }
      return pagedList(params, PAGING, 'ReplicationGroups', 'ReplicationGroup', found, replicationGroupXml);
    },
  },
};

/** ElastiCache's query/XML API: `DescribeCacheClusters` and `DescribeReplicationGroups`. */
export function answerElasticache(request: AwsRequest, account: FakeAccount): AwsAnswer {
  return answerQuery(ELASTICACHE, request, account);
}

function cacheClusterXml(cluster: CacheCluster, showNodes: boolean): Xml {
  return [
    ...fields(cluster, ['CacheClusterId', 'ClientDownloadLandingPage', 'CacheNodeType', 'Engine', 'EngineVersion', 'CacheClusterStatus', 'NumCacheNodes']),
    ...fields(cluster, ['PreferredAvailabilityZone', 'CacheClusterCreateTime', 'PreferredMaintenanceWindow', 'CacheSubnetGroupName', 'AutoMinorVersionUpgrade']),
    ...fields(cluster, ['ReplicationGroupId', 'SnapshotRetentionLimit', 'TransitEncryptionEnabled', 'AtRestEncryptionEnabled', 'ARN', 'NetworkType', 'IpDiscovery']),
    endpointXml('ConfigurationEndpoint', cluster.ConfigurationEndpoint),
    showNodes ? list('CacheNodes', 'CacheNode', cluster.CacheNodes, cacheNodeXml) : undefined,
  ];
}

function cacheNodeXml(node: CacheNode): Xml {
  return [
    ...fields(node, ['CacheNodeId', 'CacheNodeStatus', 'CacheNodeCreateTime', 'ParameterGroupStatus', 'CustomerAvailabilityZone']),
    endpointXml('Endpoint', node.Endpoint),
  ];
}

function replicationGroupXml(group: ReplicationGroup): Xml {
  return [
    ...fields(group, ['ReplicationGroupId', 'Description', 'Status', 'AutomaticFailover', 'MultiAZ', 'SnapshotRetentionLimit', 'ClusterEnabled', 'CacheNodeType']),
    ...fields(group, ['AuthTokenEnabled', 'TransitEncryptionEnabled', 'AtRestEncryptionEnabled', 'ARN', 'ReplicationGroupCreateTime', 'AutoMinorVersionUpgrade']),
    ...fields(group, ['NetworkType', 'IpDiscovery', 'ClusterMode', 'Engine']),
    list('MemberClusters', 'ClusterId', group.MemberClusters, (id) => id),
    list('NodeGroups', 'NodeGroup', group.NodeGroups, nodeGroupXml),
    endpointXml('ConfigurationEndpoint', group.ConfigurationEndpoint),
  ];
}

function nodeGroupXml(group: NodeGroup): Xml {
  return [
    ...fields(group, ['NodeGroupId', 'Status', 'Slots']),
    endpointXml('PrimaryEndpoint', group.PrimaryEndpoint),
    endpointXml('ReaderEndpoint', group.ReaderEndpoint),
    list('NodeGroupMembers', 'NodeGroupMember', group.NodeGroupMembers, (member) => [
      ...fields(member, ['CacheClusterId', 'CacheNodeId', 'PreferredAvailabilityZone', 'CurrentRole']),
      endpointXml('ReadEndpoint', member.ReadEndpoint),
    ]),
  ];
}

function endpointXml(tag: string, endpoint: Endpoint | undefined): Xml {
  return el(tag, endpoint && [el('Address', endpoint.Address), el('Port', endpoint.Port)]);
}
