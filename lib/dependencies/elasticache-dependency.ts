import { Construct } from 'constructs';
import { contract } from '../../contracts/elasticache-dependency/contract';
import { Dependency, requireIndex, type DependencyProps } from './dependency';

/** Properties of a `ElasticacheDependency`. */
export interface ElasticacheDependencyProps extends DependencyProps {
  /** Id of a cache cluster (memcached, or one Redis/Valkey node) or of a replication group. */
  readonly cacheId: string;
}

/**
 * Looks up an ElastiCache cache cluster or replication group by id at deploy
 * time, with the endpoints CloudFormation does not give.
 *
 * @example
 * const cache = new ElasticacheDependency(this, 'Cache', { cacheId: 'sessions' });
 * const environment = { MEMCACHED_SERVERS: cache.nodeEndpoints };
 */
export class ElasticacheDependency extends Dependency {
  constructor(scope: Construct, id: string, props: ElasticacheDependencyProps) {
    super(scope, id, contract.resourceType, { CacheId: props.cacheId }, props);
  }

  /** A cache cluster's id. */
  public get cacheClusterId(): string {
    return this.attribute('CacheClusterId');
  }

  /** A cache cluster's status, such as `available`. */
  public get cacheClusterStatus(): string {
    return this.attribute('CacheClusterStatus');
  }

  /** The node type, such as `cache.t4g.micro`. */
  public get cacheNodeType(): string {
    return this.attribute('CacheNodeType');
  }

  /** `memcached`, `redis` or `valkey`. */
  public get engine(): string {
    return this.attribute('Engine');
  }

  /** A cache cluster's engine version. */
  public get engineVersion(): string {
    return this.attribute('EngineVersion');
  }

  /** A cache cluster's number of nodes. */
  public get numCacheNodes(): string {
    return this.attribute('NumCacheNodes');
  }

  /** Node `index` of a cache cluster as `host:port`, nodes in node id order. */
  public nodeEndpoint(index: number): string {
    return this.attribute(`CacheNodeEndpoint${this.nodeIndex('nodeEndpoint', index)}`);
  }

  /** The host name of node `index` of a cache cluster. */
  public nodeEndpointAddress(index: number): string {
    return this.attribute(`CacheNodeEndpointAddress${this.nodeIndex('nodeEndpointAddress', index)}`);
  }

  /** The port of node `index` of a cache cluster. */
  public nodeEndpointPort(index: number): string {
    return this.attribute(`CacheNodeEndpointPort${this.nodeIndex('nodeEndpointPort', index)}`);
  }

  /** Every node of a cache cluster as `host:port`, comma-separated. */
  public get nodeEndpoints(): string {
    return this.attribute('CacheNodeEndpoints');
  }

  /** A memcached cluster's, or a cluster-mode replication group's, configuration endpoint as `host:port`. */
  public get configurationEndpoint(): string {
    return this.attribute('ConfigurationEndpoint');
  }

  /** The host name of the configuration endpoint. */
  public get configurationEndpointAddress(): string {
    return this.attribute('ConfigurationEndpointAddress');
  }

  /** The port of the configuration endpoint. */
  public get configurationEndpointPort(): string {
    return this.attribute('ConfigurationEndpointPort');
  }

  /** A replication group's id. */
  public get replicationGroupId(): string {
    return this.attribute('ReplicationGroupId');
  }

  /** A replication group's status, such as `available`. */
  public get status(): string {
    return this.attribute('Status');
  }

  /** A replication group's primary endpoint as `host:port`. */
  public get primaryEndpoint(): string {
    return this.attribute('PrimaryEndpoint');
  }

  /** The host name of the primary endpoint. */
  public get primaryEndpointAddress(): string {
    return this.attribute('PrimaryEndpointAddress');
  }

  /** The port of the primary endpoint. */
  public get primaryEndpointPort(): string {
    return this.attribute('PrimaryEndpointPort');
  }

  /** A replication group's reader endpoint as `host:port`. */
  public get readerEndpoint(): string {
    return this.attribute('ReaderEndpoint');
  }

  /** The host name of the reader endpoint. */
  public get readerEndpointAddress(): string {
    return this.attribute('ReaderEndpointAddress');
  }

  /** The port of the reader endpoint. */
  public get readerEndpointPort(): string {
    return this.attribute('ReaderEndpointPort');
  }

  /** A replication group's member cluster ids, comma-separated. */
  public get memberClusters(): string {
    return this.attribute('MemberClusters');
  }

  /** `index` of `method`'s argument, checked. */
  private nodeIndex(method: string, index: number): number {
    return requireIndex(this.owner, `${method}.index`, 'a node index', index);
  }
}
