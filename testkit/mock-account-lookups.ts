import {
  ACMClient,
  ListCertificatesCommand,
  type CertificateSummary,
  type KeyAlgorithm,
  type ListCertificatesCommandInput,
} from '@aws-sdk/client-acm';
import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
  type DescribeStacksCommandInput,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import {
  IAMClient,
  ListServerCertificatesCommand,
  type ListServerCertificatesCommandInput,
  type ServerCertificateMetadata,
} from '@aws-sdk/client-iam';
import type { CacheCluster, NodeGroupMember, ReplicationGroup } from '@aws-sdk/client-elasticache';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { listedCertificates } from './fake-aws/acm';
import { describedStacks } from './fake-aws/cloudformation';
import { listedServerCertificates } from './fake-aws/iam';
import { AwsError } from './fake-aws/protocol';
import { ACCOUNT_ID, fakeCall, type FakeCall } from './mock-account';

/** How many stacks `DescribeStacks` returns at most without a `StackName`, as in CloudFormation. */
const CLOUDFORMATION_PAGE = 100;

export interface FakeCloudFormationOptions {
  /** Generated stacks, named `service-0000`, `service-0001`, ..., each with five outputs. */
  readonly stacks?: number;
  readonly extraStacks?: readonly Stack[];
}

export interface FakeCloudFormation {
  readonly mock: AwsClientStub<CloudFormationClient>;
  readonly stacks: readonly Stack[];
  /** Every request answered so far, in order. */
  readonly calls: FakeCall[];
}

/**
 * A CloudFormation account in eu-west-1 with generated and extra stacks. It
 * answers `DescribeStacks` as CloudFormation does: by name (stacks not
 * deleted) or by id (any stack), a `ValidationError` "Stack with id … does
 * not exist" otherwise, and without a name every stack in pages of 100.
 */
export function fakeCloudFormation(
  options: FakeCloudFormationOptions = {},
  mock: AwsClientStub<CloudFormationClient> = mockClient(CloudFormationClient),
): FakeCloudFormation {
  const stacks = [...generatedStacks(options.stacks ?? 0), ...(options.extraStacks ?? [])];
  const calls: FakeCall[] = [];

  mock.on(DescribeStacksCommand).callsFake((input: DescribeStacksCommandInput) => {
    calls.push(fakeCall('DescribeStacks', input));
    let found: Stack[];
    try {
      found = describedStacks(stacks, input.StackName);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      throw new CloudFormationServiceException({
        name: error.code,
        $fault: 'client',
        $metadata: { httpStatusCode: error.status },
        message: error.message,
      });
    }
    if (input.StackName !== undefined) return { Stacks: found };
    const start = Number(input.NextToken ?? 0);
    const end = start + CLOUDFORMATION_PAGE;
    return { Stacks: found.slice(start, end), NextToken: end < found.length ? String(end) : undefined };
  });

  return { mock, stacks, calls };
}

/** A stack in eu-west-1 of the fake account, with its outputs in the order given. */
export function stack(name: string, outputs: Record<string, string>, status = 'CREATE_COMPLETE'): Stack {
  return {
    StackId: stackId(name),
    StackName: name,
    CreationTime: new Date('2024-01-15T09:00:00Z'),
    StackStatus: status as Stack['StackStatus'],
    DisableRollback: false,
    Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    Tags: [],
  };
}

/** The id the fake gives the stack named `name`. */
export function stackId(name: string): string {
  const hex = hashHex(name);
  return `arn:aws:cloudformation:eu-west-1:${ACCOUNT_ID}:stack/${name}/${hex}-0000-11ef-8000-0a1b2c3d4e5f`;
}

function generatedStacks(count: number): Stack[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(4, '0');
    return stack(
      `service-${n}`,
      {
        QueueUrl: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT_ID}/service-${n}`,
        TableName: `service-${n}-items`,
        BucketName: `service-${n}-assets`,
        Port: String(8000 + (i % 1000)),
        LogLevel: i % 2 === 0 ? 'info' : 'debug',
      },
      i % 3 === 0 ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
    );
  });
}

/** How many items IAM and ACM listings return at most per page. */
const LISTING_MAX_PAGE = 1000;
/** How many items IAM and ACM listings return per page when a request gives no `MaxItems`. */
const LISTING_DEFAULT_PAGE = 100;

/** What a fake IAM or ACM account holds: generated and extra certificates. */
export interface FakeCertificatesOptions<T> {
  /** How many certificates to generate. */
  readonly certificates?: number;
  readonly extraCertificates?: readonly T[];
  /** How many items a page holds at most, however large `MaxItems` is (the service may return fewer). */
  readonly pageLimit?: number;
}

/** A fake IAM or ACM account: its client mock, its certificates and the requests it answered. */
export interface FakeCertificates<Stub, T, Call extends FakeCall = FakeCall> {
  readonly mock: Stub;
  readonly certificates: readonly T[];
  /** Every request answered so far, in order. */
  readonly calls: Call[];
}

/**
 * An IAM account with generated server certificates, named `site-0000`,
 * `site-0001`, ..., expiring from five years ago to four years ahead
 * (`site-<n>` in the current year + n % 10 - 5), and extra ones. It answers
 * `ListServerCertificates` as IAM does: pages of `MaxItems` (100 by default, at
 * most 1,000), `IsTruncated` and an opaque `Marker` to go on from.
 */
export function fakeIam(
  options: FakeCertificatesOptions<ServerCertificateMetadata> = {},
  mock: AwsClientStub<IAMClient> = mockClient(IAMClient),
): FakeCertificates<AwsClientStub<IAMClient>, ServerCertificateMetadata> {
  const generated = generatedServerCertificates(options.certificates ?? 0);
  const certificates = [...generated, ...(options.extraCertificates ?? [])];
  const calls: FakeCall[] = [];

  mock.on(ListServerCertificatesCommand).callsFake((input: ListServerCertificatesCommandInput) => {
    calls.push(fakeCall('ListServerCertificates', input));
    const listed = listedServerCertificates(certificates, input.PathPrefix);
    const { items, next } = page(listed, input.Marker, input.MaxItems, options.pageLimit);
    return { ServerCertificateMetadataList: items, IsTruncated: next !== undefined, Marker: next };
  });

  return { mock, certificates, calls };
}

/** A server certificate of the fake account. */
export function serverCertificate(name: string, expiration: string, path = '/'): ServerCertificateMetadata {
  const id = `ASCA${hashHex(name).toUpperCase()}EXAMPLE`;
  return {
    Path: path,
    ServerCertificateName: name,
    ServerCertificateId: id,
    Arn: `arn:aws:iam::${ACCOUNT_ID}:server-certificate${path}${name}`,
    UploadDate: new Date(new Date(expiration).getTime() - 365 * 24 * 3600 * 1000),
    Expiration: new Date(expiration),
  };
}

function generatedServerCertificates(count: number): ServerCertificateMetadata[] {
  return Array.from({ length: count }, (_, i) => {
    const year = new Date().getUTCFullYear() - 5 + (i % 10);
    const month = String(1 + (i % 12)).padStart(2, '0');
    const path = i % 4 === 0 ? '/cloudfront/' : '/';
    return serverCertificate(`site-${String(i).padStart(4, '0')}`, `${year}-${month}-15T12:00:00Z`, path);
  });
}

/** One request a fake regional account answered, with the region of the client that sent it. */
export interface FakeRegionalCall extends FakeCall {
  readonly region: string;
}

/**
 * An ACM account with generated certificates for `app0000.example.com`, ...
 * (and `www.` each) in eu-west-1, of every key type, three in five `ISSUED`,
 * and extra ones, each in the region its ARN names. It answers
 * `ListCertificates` as ACM does: only the client's region, only
 * `CertificateStatuses` when given, only the key types of `Includes.keyTypes`
 * (RSA 1024 and RSA 2048 when not given), in pages of `MaxItems` with a
 * `NextToken` to go on from.
 */
export function fakeAcm(
  options: FakeCertificatesOptions<CertificateSummary> = {},
  mock: AwsClientStub<ACMClient> = mockClient(ACMClient),
): FakeCertificates<AwsClientStub<ACMClient>, CertificateSummary, FakeRegionalCall> {
  const certificates = [...generatedAcmCertificates(options.certificates ?? 0), ...(options.extraCertificates ?? [])];
  const regional = certificates.map((certificate) => ({ region: certificate.CertificateArn?.split(':')[3] ?? '', certificate }));
  const calls: FakeRegionalCall[] = [];

  mock.on(ListCertificatesCommand).callsFake(async (input: ListCertificatesCommandInput, getClient) => {
    const region = await getClient().config.region();
    calls.push({ ...fakeCall('ListCertificates', input), region });
    const listed = listedCertificates(regional, region, input);
    const { items, next } = page(listed, input.NextToken, input.MaxItems, options.pageLimit);
    return { CertificateSummaryList: items, NextToken: next };
  });

  return { mock, certificates, calls };
}

export interface AcmCertificateOptions {
  readonly region?: string;
  /** Subject alternative names; the domain name alone when not given. */
  readonly names?: readonly string[];
  readonly notAfter?: string;
  readonly keyAlgorithm?: KeyAlgorithm;
  readonly status?: CertificateSummary['Status'];
  readonly type?: CertificateSummary['Type'];
}

/** An ACM certificate summary of the fake account, as `ListCertificates` gives it. */
export function acmCertificate(domainName: string, options: AcmCertificateOptions = {}): CertificateSummary {
  const region = options.region ?? 'eu-west-1';
  const names = options.names ?? [domainName];
  const notAfter = new Date(options.notAfter ?? '2030-06-30T23:59:59Z');
  const hex = hashHex(`${region}/${domainName}/${names.join(',')}/${notAfter.toISOString()}/${options.keyAlgorithm}`);
  return {
    CertificateArn: `arn:aws:acm:${region}:${ACCOUNT_ID}:certificate/${hex}-1111-4222-8333-${hex}abcd`,
    DomainName: domainName,
    SubjectAlternativeNameSummaries: [...names],
    HasAdditionalSubjectAlternativeNames: false,
    Status: options.status ?? 'ISSUED',
    Type: options.type ?? 'AMAZON_ISSUED',
    KeyAlgorithm: options.keyAlgorithm ?? 'RSA_2048',
    KeyUsages: ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'],
    ExtendedKeyUsages: ['TLS_WEB_SERVER_AUTHENTICATION'],
    InUse: true,
    RenewalEligibility: 'ELIGIBLE',
    NotBefore: new Date(notAfter.getTime() - 395 * 24 * 3600 * 1000),
    NotAfter: notAfter,
    CreatedAt: new Date(notAfter.getTime() - 396 * 24 * 3600 * 1000),
    IssuedAt: new Date(notAfter.getTime() - 395 * 24 * 3600 * 1000),
  };
}

const KEY_ALGORITHMS: readonly KeyAlgorithm[] = [
  'RSA_2048',
  'EC_prime256v1',
  'RSA_4096',
  'EC_secp384r1',
  'RSA_3072',
  'EC_secp521r1',
  'RSA_1024',
];
const STATUSES: readonly NonNullable<CertificateSummary['Status']>[] = [
  'ISSUED',
  'ISSUED',
  'ISSUED',
  'PENDING_VALIDATION',
  'EXPIRED',
];

function generatedAcmCertificates(count: number): CertificateSummary[] {
  return Array.from({ length: count }, (_, i) => {
    const domain = `app${String(i).padStart(4, '0')}.example.com`;
    return acmCertificate(domain, {
      names: [domain, `www.${domain}`],
      notAfter: `${new Date().getUTCFullYear() + 1 + (i % 4)}-${String(1 + (i % 12)).padStart(2, '0')}-01T00:00:00Z`,
      keyAlgorithm: KEY_ALGORITHMS[i % KEY_ALGORITHMS.length],
      status: STATUSES[i % STATUSES.length],
      type: i % 6 === 0 ? 'IMPORTED' : 'AMAZON_ISSUED',
    });
  });
}

/** One page of `items` from the opaque token, honouring `MaxItems` and the service's own limit. */
function page<T>(
  items: readonly T[],
  token: string | undefined,
  maxItems: number | undefined,
  pageLimit = LISTING_MAX_PAGE,
): { items: T[]; next: string | undefined } {
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8').slice('page:'.length));
  const end = start + Math.min(maxItems ?? LISTING_DEFAULT_PAGE, LISTING_MAX_PAGE, pageLimit);
  const next = end < items.length ? Buffer.from(`page:${end}`).toString('base64url') : undefined;
  return { items: items.slice(start, end), next };
}

function hashHex(text: string): string {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/**
 * An available two-node memcached cluster as DescribeCacheClusters shows
 * it, created at `created` in the subnet group `subnetGroup`; callers add
 * its nodes and whatever else they need.
 */
export function memcachedCluster(id: string, created: Date, subnetGroup: string): CacheCluster {
  return {
    CacheClusterId: id,
    ConfigurationEndpoint: { Address: `${id}.abc123.cfg.euw1.cache.amazonaws.com`, Port: 11211 },
    ClientDownloadLandingPage: 'https://console.aws.amazon.com/elasticache/home#client-download:',
    CacheNodeType: 'cache.t4g.micro',
    Engine: 'memcached',
    EngineVersion: '1.6.22',
    CacheClusterStatus: 'available',
    NumCacheNodes: 2,
    PreferredAvailabilityZone: 'Multiple',
    CacheClusterCreateTime: created,
    PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    CacheSubnetGroupName: subnetGroup,
  };
}

/**
 * An available Redis replication group without cluster mode, as
 * DescribeReplicationGroups shows it: one node group of `members`, with its
 * primary and reader endpoints, and automatic failover across zones.
 */
export function redisGroup(id: string, description: string, members: readonly string[], roles: readonly NodeGroupMember[] = []): ReplicationGroup {
  return {
    ReplicationGroupId: id,
    Description: description,
    Status: 'available',
    MemberClusters: [...members],
    NodeGroups: [
      {
        NodeGroupId: '0001',
        Status: 'available',
        PrimaryEndpoint: { Address: `master.${id}.abc123.euw1.cache.amazonaws.com`, Port: 6379 },
        ReaderEndpoint: { Address: `replica.${id}.abc123.euw1.cache.amazonaws.com`, Port: 6379 },
        NodeGroupMembers: [...roles],
      },
    ],
    AutomaticFailover: 'enabled',
    MultiAZ: 'enabled',
    ClusterEnabled: false,
  };
}
