/**
 * The attributes each lookup answers with, as `Fn::GetAtt` names. The
 * constructs' getters and the check of the example templates read this one
 * list; it follows the resource types of the project's contract.
 */
export interface AttributeNames {
  /** Names the lookup answers with (some only for some kinds of resource). */
  readonly names: readonly string[];
  /** Families of names with an index or a key in them, such as `SubnetId0`. */
  readonly patterns: readonly RegExp[];
}

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

export const ATTRIBUTES: Readonly<Record<string, AttributeNames>> = {
  'Custom::Route53Dependency': {
    names: ['Id', 'Name', 'ResourceRecordSetCount', 'PrivateZone', 'Comment', 'NameServers'],
    patterns: [],
  },
  'Custom::VpcDependency': {
    names: [
      'VpcId',
      'State',
      'CidrBlock',
      'DhcpOptionsId',
      'InstanceTenancy',
      'IsDefault',
      'SubnetIds',
      'Subnets',
      'AvailabilityZones',
      'SubnetCount',
    ],
    patterns: [/^SubnetId\d+$/],
  },
  'Custom::ImageDependency': {
    names: [
      'ImageId',
      'Name',
      'ImageLocation',
      'State',
      'OwnerId',
      'CreationDate',
      'Public',
      'Architecture',
      'ImageType',
      'SriovNetSupport',
      'RootDeviceType',
      'RootDeviceName',
      'VirtualizationType',
      'Hypervisor',
      'Tags',
      'Description',
      'MatchCount',
    ],
    patterns: [],
  },
  'Custom::ElasticacheDependency': {
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
  'Custom::StackDependency': {
    names: ['Environment', 'StackId', 'StackStatus'],
    // One attribute per output: output keys are alphanumeric.
    patterns: [/^[A-Za-z0-9]+$/],
  },
  'Custom::CertificateDependency': {
    names: [
      'Arn',
      'Path',
      'ServerCertificateName',
      'ServerCertificateId',
      'UploadDate',
      'Expiration',
      'DomainName',
      'Status',
      'NotAfter',
      'Type',
      'KeyAlgorithm',
      'SubjectAlternativeNames',
    ],
    patterns: [],
  },
};

/** Whether a lookup of `resourceType` can answer with an attribute called `name`. */
export function isAttribute(resourceType: string, name: string): boolean {
  const attributes = ATTRIBUTES[resourceType];
  if (!attributes) return false;
  return attributes.names.includes(name) || attributes.patterns.some((pattern) => pattern.test(name));
}
