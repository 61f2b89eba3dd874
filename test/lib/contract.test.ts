import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { acmCertificateData, serverCertificateData } from '../../lambdas/certificate-dependency/lookup';
import { cacheClusterData, replicationGroupData } from '../../lambdas/elasticache-dependency/lookup';
import { imageData } from '../../lambdas/image-dependency/lookup';
import { zoneData } from '../../lambdas/route53-dependency/lookup';
import { parseProperties } from '../../contracts/properties';
import { stackData } from '../../lambdas/stack-dependency/lookup';
import { vpcData } from '../../lambdas/vpc-dependency/lookup';
import { CONTRACTS, contractOf } from '../../contracts/registry';
import { type Contract, isAttribute } from '../../contracts/contract';
import { memcachedCluster } from '../../testkit/mock-account-lookups';
import * as lookups from '../../lib/dependencies';
import { createLookup } from '../helpers/lookup-constructs';

/**
 * The two halves of the project meet here: what the constructs send must be
 * what the handlers accept, what the roles allow must be what the handlers
 * call, and the attributes the constructs and templates read must be ones the
 * handlers answer with.
 */

const ROOT = path.join(__dirname, '..', '..');

/** IAM service prefix of each SDK client package. */
const SERVICE_PREFIXES: Record<string, string> = {
  '@aws-sdk/client-route-53': 'route53',
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-elasticache': 'elasticache',
  '@aws-sdk/client-cloudformation': 'cloudformation',
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-acm': 'acm',
};

let template: Template;

beforeAll(() => {
  const stack = new Stack(new App(), 'Contract');
  new lookups.VpcDependency(stack, 'Vpc', { vpcName: 'main', onlyDefaultSubnets: false, refresh: '1' });
  new lookups.Route53Dependency(stack, 'Zone', { domainName: 'Example.com.', privateZone: true, vpcId: 'vpc-0abc1234' });
  new lookups.ImageDependency(stack, 'Image', { imageName: 'al2023-ami-*', owners: ['self', '123456789012'], architecture: 'arm64' });
  new lookups.ElasticacheDependency(stack, 'Cache', { cacheId: 'sessions-01' });
  new lookups.StackDependency(stack, 'Outputs', { stackName: 'datastores-dev', includes: ['DbHost', 'DbPort'], excludes: ['Secret'], noEcho: true });
  new lookups.CertificateDependency(stack, 'Acm', { domainName: '*.example.com', region: 'us-east-1' });
  new lookups.CertificateDependency(stack, 'Iam', { certificateName: '^www-\\d+$' });
  for (const contract of CONTRACTS) createLookup(contract, stack, `${contract.id}Example`, contract.example.properties);
  template = Template.fromStack(stack);
});

it.each(CONTRACTS.map((contract) => [contract.resourceType]))(
  'the handler of %s accepts every property its construct sends',
  (resourceType) => {
    // GIVEN the custom resources the constructs made
    const resources = Object.values(template.findResources(resourceType));
    // WHEN
    const parse = () => resources.map((resource) => parseProperties(known(resourceType).schema, resource.Properties));
    // THEN
    expect(resources.length).toBeGreaterThan(0);
    expect(parse).not.toThrow();
  },
);

it.each(CONTRACTS.map((contract) => [contract.id, contract.name]))(
  'the %s function may call exactly the AWS APIs its handler calls',
  (id, name) => {
    // GIVEN the APIs the handler's code sends or paginates
    const called = calledActions(path.join(ROOT, 'lambdas', name));
    // WHEN
    const policy = Object.entries(template.findResources('AWS::IAM::Policy')).find(([logicalId]) =>
      logicalId.startsWith(`${id}FunctionRoleDefaultPolicy`),
    )?.[1];
    const allowed = policy?.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => s.Action);
    // THEN
    expect(called.length).toBeGreaterThan(0);
    expect([...new Set(allowed)].filter((action) => !String(action).startsWith('logs:')).sort()).toEqual(called);
  },
);

describe('attributes', () => {
  it.each<[string, () => Record<string, string>[]]>([
    ['Custom::Route53Dependency', () => [zoneData(PUBLIC_ZONE, ['ns-1.awsdns-01.org', 'ns-2.awsdns-02.net'])]],
    ['Custom::VpcDependency', () => [vpcData(VPC, SUBNETS)]],
    ['Custom::ImageDependency', () => [imageData(IMAGE, 3)]],
    ['Custom::StackDependency', () => [stackData(STACK, [], 'DbHost=db.internal\n')]],
    ['Custom::CertificateDependency', () => [serverCertificateData(SERVER_CERTIFICATE), acmCertificateData(ACM_CERTIFICATE)]],
  ])('the constructs know exactly the attributes the %s handler answers with', (resourceType, answers) => {
    // GIVEN answers for resources with every field filled in
    // WHEN
    const names = [...new Set(answers().flatMap(Object.keys))];
    // THEN
    expect(names.filter((name) => !isAttribute(known(resourceType), name))).toEqual([]);
    expect(known(resourceType).attributes.names.filter((name) => !names.includes(name))).toEqual([]);
  });

  it('the constructs know every attribute of a cache cluster and of a replication group', () => {
    // GIVEN a memcached cluster with two nodes and a replication group in cluster mode
    // WHEN
    const names = [...Object.keys(cacheClusterData(CACHE_CLUSTER)), ...Object.keys(replicationGroupData(REPLICATION_GROUP))];
    // THEN
    expect(names).toEqual(expect.arrayContaining(['CacheNodeEndpoint1', 'CacheNodeEndpointAddress1', 'CacheNodeEndpointPort1', 'PrimaryEndpointAddress']));
    expect(names.filter((name) => !isAttribute(known('Custom::ElasticacheDependency'), name))).toEqual([]);
  });

  it('the stack lookup answers one attribute per output', () => {
    // GIVEN
    const answer = stackData(STACK, [{ OutputKey: 'DbHost', OutputValue: 'db.internal' }], undefined);
    // THEN
    expect(isAttribute(known('Custom::StackDependency'), 'DbHost')).toBe(true);
    expect(answer.DbHost).toBe('db.internal');
  });
});

function known(resourceType: string): Contract {
  const contract = contractOf(resourceType);
  if (!contract) throw new Error(`${resourceType} is not in the registry`);
  return contract;
}

/** `service:Operation` for every SDK command or paginator a handler folder imports (not as a type). */
function calledActions(folder: string): string[] {
  const actions = new Set<string>();
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(path.join(folder, file), 'utf8');
    for (const [, names, module] of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
      for (const imported of names.split(',').map((n) => n.trim())) {
        const operation = /^(?:(\w+)Command|paginate(\w+))$/.exec(imported);
        if (operation) actions.add(`${SERVICE_PREFIXES[module]}:${operation[1] ?? operation[2]}`);
      }
    }
  }
  return [...actions].sort();
}

const DATE = new Date('2025-01-15T10:00:00Z');

const PUBLIC_ZONE = {
  Id: '/hostedzone/Z0123456789ABCDEFGHIJ',
  Name: 'example.com.',
  CallerReference: 'ref',
  ResourceRecordSetCount: 12,
  Config: { PrivateZone: false, Comment: 'public' },
};

const VPC = {
  VpcId: 'vpc-0abc1234',
  State: 'available' as const,
  CidrBlock: '10.0.0.0/16',
  DhcpOptionsId: 'dopt-0abc',
  InstanceTenancy: 'default' as const,
  IsDefault: false,
};

const SUBNETS = [
  { SubnetId: 'subnet-0a', AvailabilityZone: 'eu-west-1a' },
  { SubnetId: 'subnet-0b', AvailabilityZone: 'eu-west-1b' },
];

const IMAGE = {
  ImageId: 'ami-0abc1234',
  Name: 'al2023-ami-2023.6.20250115.0-kernel-6.1-arm64',
  ImageLocation: 'amazon/al2023-ami-2023.6.20250115.0-kernel-6.1-arm64',
  State: 'available' as const,
  OwnerId: '137112412989',
  CreationDate: '2025-01-15T10:00:00.000Z',
  Public: true,
  Architecture: 'arm64' as const,
  ImageType: 'machine' as const,
  SriovNetSupport: 'simple',
  RootDeviceType: 'ebs' as const,
  RootDeviceName: '/dev/xvda',
  VirtualizationType: 'hvm' as const,
  Hypervisor: 'xen' as const,
  Tags: [{ Key: 'os', Value: 'al2023' }],
  Description: 'Amazon Linux 2023 AMI',
};

const STACK = {
  StackName: 'datastores-dev',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/datastores-dev/0a1b2c3d',
  StackStatus: 'UPDATE_COMPLETE' as const,
  CreationTime: DATE,
};

const SERVER_CERTIFICATE = {
  Path: '/',
  ServerCertificateName: 'www-2025',
  ServerCertificateId: 'ASCA0123456789',
  Arn: 'arn:aws:iam::123456789012:server-certificate/www-2025',
  UploadDate: DATE,
  Expiration: DATE,
};

const ACM_CERTIFICATE = {
  CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d',
  DomainName: '*.example.com',
  Status: 'ISSUED' as const,
  NotAfter: DATE,
  Type: 'AMAZON_ISSUED' as const,
  KeyAlgorithm: 'RSA_2048' as const,
  SubjectAlternativeNameSummaries: ['*.example.com', 'example.com'],
};

const CACHE_CLUSTER = {
  ...memcachedCluster('sessions-01', DATE, 'private'),
  AutoMinorVersionUpgrade: true,
  TransitEncryptionEnabled: false,
  AtRestEncryptionEnabled: false,
  ARN: 'arn:aws:elasticache:eu-west-1:123456789012:cluster:sessions-01',
  NetworkType: 'ipv4' as const,
  IpDiscovery: 'ipv4' as const,
  CacheNodes: [
    { CacheNodeId: '0002', Endpoint: { Address: 'sessions-01.0002.euw1.cache.amazonaws.com', Port: 11211 } },
    { CacheNodeId: '0001', Endpoint: { Address: 'sessions-01.0001.euw1.cache.amazonaws.com', Port: 11211 } },
  ],
};

const REPLICATION_GROUP = {
  ReplicationGroupId: 'orders',
  Description: 'orders cache',
  Status: 'available',
  MemberClusters: ['orders-0001-001', 'orders-0001-002'],
  AutomaticFailover: 'enabled' as const,
  MultiAZ: 'enabled' as const,
  ClusterEnabled: true,
  CacheNodeType: 'cache.r7g.large',
  AuthTokenEnabled: true,
  TransitEncryptionEnabled: true,
  AtRestEncryptionEnabled: true,
  KmsKeyId: 'arn:aws:kms:eu-west-1:123456789012:key/0a1b',
  ARN: 'arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:orders',
  ReplicationGroupCreateTime: DATE,
  DataTiering: 'disabled' as const,
  AutoMinorVersionUpgrade: true,
  NetworkType: 'ipv4' as const,
  IpDiscovery: 'ipv4' as const,
  TransitEncryptionMode: 'required' as const,
  ClusterMode: 'enabled' as const,
  Engine: 'valkey',
  ConfigurationEndpoint: { Address: 'orders.cfg.euw1.cache.amazonaws.com', Port: 6379 },
  NodeGroups: [
    {
      NodeGroupId: '0001',
      PrimaryEndpoint: { Address: 'orders.primary.euw1.cache.amazonaws.com', Port: 6379 },
      ReaderEndpoint: { Address: 'orders.reader.euw1.cache.amazonaws.com', Port: 6379 },
    },
  ],
};
