import type { CacheCluster, CacheNode, Endpoint, NodeGroup, ReplicationGroup } from '@aws-sdk/client-elasticache';
import type { FakeAccount } from './account';
import { answerQuery, AwsError, pagedList, type AwsAnswer, type AwsRequest, type Paging, type QueryService } from './protocol';
import { el, list, type Xml } from './xml';

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
    el('CacheClusterId', cluster.CacheClusterId),
    endpointXml('ConfigurationEndpoint', cluster.ConfigurationEndpoint),
    el('ClientDownloadLandingPage', cluster.ClientDownloadLandingPage),
    el('CacheNodeType', cluster.CacheNodeType),
    el('Engine', cluster.Engine),
    el('EngineVersion', cluster.EngineVersion),
    el('CacheClusterStatus', cluster.CacheClusterStatus),
    el('NumCacheNodes', cluster.NumCacheNodes),
    el('PreferredAvailabilityZone', cluster.PreferredAvailabilityZone),
    el('CacheClusterCreateTime', cluster.CacheClusterCreateTime),
    el('PreferredMaintenanceWindow', cluster.PreferredMaintenanceWindow),
    el('CacheSubnetGroupName', cluster.CacheSubnetGroupName),
    showNodes ? list('CacheNodes', 'CacheNode', cluster.CacheNodes, cacheNodeXml) : undefined,
    el('AutoMinorVersionUpgrade', cluster.AutoMinorVersionUpgrade),
    el('ReplicationGroupId', cluster.ReplicationGroupId),
    el('SnapshotRetentionLimit', cluster.SnapshotRetentionLimit),
    el('TransitEncryptionEnabled', cluster.TransitEncryptionEnabled),
    el('AtRestEncryptionEnabled', cluster.AtRestEncryptionEnabled),
    el('ARN', cluster.ARN),
    el('NetworkType', cluster.NetworkType),
    el('IpDiscovery', cluster.IpDiscovery),
  ];
}

function cacheNodeXml(node: CacheNode): Xml {
  return [
    el('CacheNodeId', node.CacheNodeId),
    el('CacheNodeStatus', node.CacheNodeStatus),
    el('CacheNodeCreateTime', node.CacheNodeCreateTime),
    endpointXml('Endpoint', node.Endpoint),
    el('ParameterGroupStatus', node.ParameterGroupStatus),
    el('CustomerAvailabilityZone', node.CustomerAvailabilityZone),
  ];
}

function replicationGroupXml(group: ReplicationGroup): Xml {
  return [
    el('ReplicationGroupId', group.ReplicationGroupId),
    el('Description', group.Description),
    el('Status', group.Status),
    list('MemberClusters', 'ClusterId', group.MemberClusters, (id) => id),
    list('NodeGroups', 'NodeGroup', group.NodeGroups, nodeGroupXml),
    el('AutomaticFailover', group.AutomaticFailover),
    el('MultiAZ', group.MultiAZ),
    endpointXml('ConfigurationEndpoint', group.ConfigurationEndpoint),
    el('SnapshotRetentionLimit', group.SnapshotRetentionLimit),
    el('ClusterEnabled', group.ClusterEnabled),
    el('CacheNodeType', group.CacheNodeType),
    el('AuthTokenEnabled', group.AuthTokenEnabled),
    el('TransitEncryptionEnabled', group.TransitEncryptionEnabled),
    el('AtRestEncryptionEnabled', group.AtRestEncryptionEnabled),
    el('ARN', group.ARN),
    el('ReplicationGroupCreateTime', group.ReplicationGroupCreateTime),
    el('AutoMinorVersionUpgrade', group.AutoMinorVersionUpgrade),
    el('NetworkType', group.NetworkType),
    el('IpDiscovery', group.IpDiscovery),
    el('ClusterMode', group.ClusterMode),
    el('Engine', group.Engine),
  ];
}

function nodeGroupXml(group: NodeGroup): Xml {
  return [
    el('NodeGroupId', group.NodeGroupId),
    el('Status', group.Status),
    endpointXml('PrimaryEndpoint', group.PrimaryEndpoint),
    endpointXml('ReaderEndpoint', group.ReaderEndpoint),
    el('Slots', group.Slots),
    list('NodeGroupMembers', 'NodeGroupMember', group.NodeGroupMembers, (member) => [
      el('CacheClusterId', member.CacheClusterId),
      el('CacheNodeId', member.CacheNodeId),
      endpointXml('ReadEndpoint', member.ReadEndpoint),
      el('PreferredAvailabilityZone', member.PreferredAvailabilityZone),
      el('CurrentRole', member.CurrentRole),
    ]),
  ];
}

function endpointXml(tag: string, endpoint: Endpoint | undefined): Xml {
  return el(tag, endpoint && [el('Address', endpoint.Address), el('Port', endpoint.Port)]);
}
