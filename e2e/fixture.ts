import type { Image } from '@aws-sdk/client-ec2';
import type { FakeAccount } from '../testkit/fake-aws/account';
import { memcachedCluster, redisGroup } from '../testkit/mock-account-lookups';

/** The account and region the end-to-end run pretends to deploy to. */
export const ACCOUNT_ID = '123456789012';
export const REGION = 'eu-west-1';

/**
 * The names the example app is given as context, each naming something the
 * fake account holds; beside each, a near miss the lookups must not take.
 */
export const NAMES = {
  vpcName: 'e2e-main',
  zoneName: 'e2e.example.com',
  privateZoneName: 'internal.e2e.example.com',
  imageName: 'al2023-ami-2023.*-kernel-6.1-x86_64',
  datastoresStack: 'e2e-datastores',
  credentialsStack: 'e2e-credentials',
  cacheClusterId: 'e2e-sessions',
  certificateDomain: 'e2e.example.com',
  serverCertificateName: 'e2e-www-.*',
} as const;

/** A value with characters outside ASCII, which must reach the env-file intact. */
export const NON_ASCII_OUTPUT = 'Grüße aus Zürich — 東京 ✓';

/** The word a hostile output's commands carry: no stubbed command may ever be called with it. */
export const INJECTED = 'e2e-injected';

/**
 * An output written to break out of the user data: a heredoc delimiter, a
 * command substitution, a backtick command and binary-looking control
 * characters (no NUL, no line break, which the stack lookup refuses). It must
 * reach the app container's environment byte for byte, and nothing in it may run.
 */
export const HOSTILE_OUTPUT = `END_OF_ENV_FILE $(dnf install -y ${INJECTED}) \`systemctl start ${INJECTED}\` '"; \x01\x1b[31m\x7f\u00ff\ufffd`;

/** A word only the secret holds, so that a copy of it in any encoding that keeps ASCII (JSON, shell quoting) is found. */
export const SECRET_MARKER = 'e2e-secret-4f1c9b';

/**
 * The credentials stack's output that a Docker host gets only as a secret:
 * quotes, spaces, `$`, a backslash, a `#`, an `=` and characters outside
 * ASCII, which must reach the container's environment byte for byte and no
 * file the run keeps.
 */
export const SECRET_OUTPUT = `it's "${SECRET_MARKER}" $HOME \\n \\ #not-a-comment a=b  Grüße 東京 ✓`;

/** The outputs of the datastores stack, which the app container must find in its environment. */
export function datastoresOutputs(): Record<string, string> {
  return stackOutputs(NAMES.datastoresStack);
}

/** The outputs of a stack of the fake account, by key. */
export function stackOutputs(stackName: string): Record<string, string> {
  const stack = ACCOUNT.stacks.find((candidate) => candidate.StackName === stackName);
  return Object.fromEntries((stack?.Outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
}

const AMAZON = '137112412989';
const STRANGER = '999999999999';
const MAIN_VPC = 'vpc-0e2e0000000000001';
const DATASTORES_STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/e2e-datastores/0e2e0000-0000-4000-8000-000000000001`;
const CREDENTIALS_STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/e2e-credentials/0e2e0000-0000-4000-8000-000000000003`;

/** What a lookup must find in the fake account: the id its answer carries, and why. */
export interface ExpectedLookup {
  readonly id: string;
  readonly why: string;
}

/**
 * What a lookup with these properties must find in the fake account, or
 * `undefined` for a lookup the fixture has no answer for.
 */
export function expectedLookup(type: string, properties: Readonly<Record<string, unknown>>): ExpectedLookup | undefined {
  const key = `${type} ${String(properties.VpcName ?? properties.DomainName ?? properties.ImageName ?? properties.CacheId ?? properties.StackName ?? '')}`;
  return EXPECTED_LOOKUPS[key];
}

const EXPECTED_LOOKUPS: Readonly<Record<string, ExpectedLookup>> = {
  [`Custom::VpcDependency ${NAMES.vpcName}`]: { id: MAIN_VPC, why: `the only VPC whose Name tag is ${NAMES.vpcName}` },
  'Custom::VpcDependency default': { id: 'vpc-0e2e0000000000003', why: "the account's default VPC" },
  [`Custom::Route53Dependency ${NAMES.privateZoneName}`]: {
    id: 'Z0E2E00000000000002',
    why: `the private zone ${NAMES.privateZoneName} associated with ${MAIN_VPC}`,
  },
  [`Custom::Route53Dependency ${NAMES.zoneName}`]: { id: 'Z0E2E00000000000001', why: `the public zone ${NAMES.zoneName}` },
  'Custom::ImageDependency al2023-ami-2023.*-kernel-*-x86_64': {
    id: 'ami-0e2e00000000000a2',
    why: "the newest available x86_64 Amazon Linux 2023 image owned by Amazon (a newer one is pending, a stranger's is newer still)",
  },
  [`Custom::ElasticacheDependency ${NAMES.cacheClusterId}`]: { id: NAMES.cacheClusterId, why: `the memcached cluster ${NAMES.cacheClusterId}` },
  [`Custom::StackDependency ${NAMES.datastoresStack}`]: { id: DATASTORES_STACK_ID, why: `the id of stack ${NAMES.datastoresStack}` },
  [`Custom::StackDependency ${NAMES.credentialsStack}`]: { id: CREDENTIALS_STACK_ID, why: `the id of stack ${NAMES.credentialsStack}` },
  [`Custom::CertificateDependency ${NAMES.certificateDomain}`]: {
    id: `arn:aws:acm:us-east-1:${ACCOUNT_ID}:certificate/c0e2e000-0000-4000-8000-00000000000d`,
    why: `the issued certificate for ${NAMES.certificateDomain} in us-east-1, the region asked for`,
  },
};

export const ACCOUNT: FakeAccount = {
  accountId: ACCOUNT_ID,
  region: REGION,
  hostedZones: [
    {
      zone: zone('Z0E2E00000000000001', 'e2e.example.com.', false, 14, 'public zone of the example'),
      nameServers: ['ns-101.awsdns-12.com', 'ns-1322.awsdns-37.org', 'ns-555.awsdns-05.net', 'ns-1934.awsdns-49.co.uk'],
    },
    {
      zone: zone('Z0E2E00000000000002', 'internal.e2e.example.com.', true, 3, 'private'),
      vpcs: [{ VPCRegion: REGION, VPCId: MAIN_VPC }],
    },
    { zone: zone('Z0E2E00000000000003', 'e2e.example.net.', false, 2, ''), nameServers: ['ns-1.awsdns-00.com'] },
    { zone: zone('Z0E2E00000000000004', 'example.org.', false, 2, ''), nameServers: ['ns-2.awsdns-00.com'] },
  ],
  vpcs: [
    vpc(MAIN_VPC, '10.20.0.0/16', false, 'e2e-main'),
    vpc('vpc-0e2e0000000000002', '10.30.0.0/16', false, 'e2e-main-staging'),
    vpc('vpc-0e2e0000000000003', '172.31.0.0/16', true, undefined),
  ],
  subnets: [
    subnet('subnet-0e2e00000000000c1', MAIN_VPC, 'eu-west-1c', '10.20.2.0/24'),
    subnet('subnet-0e2e00000000000a1', MAIN_VPC, 'eu-west-1a', '10.20.0.0/24'),
    subnet('subnet-0e2e00000000000b1', MAIN_VPC, 'eu-west-1b', '10.20.1.0/24'),
    subnet('subnet-0e2e00000000000f1', 'vpc-0e2e0000000000002', 'eu-west-1a', '10.30.0.0/24'),
    subnet('subnet-0e2e00000000000d1', 'vpc-0e2e0000000000003', 'eu-west-1a', '172.31.0.0/20', true),
  ],
  images: [
    al2023('ami-0e2e00000000000a1', '2023.6.20241212.0', 'x86_64', '2024-12-12T21:05:14.000Z'),
    al2023('ami-0e2e00000000000a2', '2023.6.20250115.0', 'x86_64', '2025-01-15T19:32:42.000Z'),
    al2023('ami-0e2e00000000000a3', '2023.6.20250115.0', 'arm64', '2025-01-15T19:33:10.000Z'),
    { ...al2023('ami-0e2e00000000000a4', '2023.6.20250203.0', 'x86_64', '2025-02-03T18:00:00.000Z'), State: 'pending' },
    {
      ...al2023('ami-0e2e00000000000f9', '2023.9.20991231.0', 'x86_64', '2025-03-01T00:00:00.000Z'),
      OwnerId: STRANGER,
      ImageOwnerAlias: undefined,
      Description: 'published by a stranger under a matching name',
    },
  ],
  cacheClusters: [
    {
      ...memcachedCluster('e2e-sessions', new Date('2024-11-02T09:14:00.000Z'), 'e2e-cache-subnets'),
      CacheNodes: [1, 2].map((n) => ({
        CacheNodeId: `000${n}`,
        CacheNodeStatus: 'available',
        CacheNodeCreateTime: new Date('2024-11-02T09:14:00.000Z'),
        Endpoint: { Address: `e2e-sessions.abc123.000${n}.euw1.cache.amazonaws.com`, Port: 11211 },
        ParameterGroupStatus: 'in-sync',
        CustomerAvailabilityZone: n === 1 ? 'eu-west-1a' : 'eu-west-1b',
      })),
      AutoMinorVersionUpgrade: true,
      TransitEncryptionEnabled: false,
      AtRestEncryptionEnabled: false,
      ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT_ID}:cluster:e2e-sessions`,
      NetworkType: 'ipv4',
      IpDiscovery: 'ipv4',
    },
  ],
  replicationGroups: [
    {
      ...redisGroup('e2e-queue', 'queue for the example app', ['e2e-queue-001', 'e2e-queue-002']),
      CacheNodeType: 'cache.t4g.small',
      Engine: 'valkey',
      ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT_ID}:replicationgroup:e2e-queue`,
    },
  ],
  stacks: [
    {
      StackId: DATASTORES_STACK_ID,
      StackName: 'e2e-datastores',
      Description: 'datastores of the example app',
      CreationTime: new Date('2024-10-01T08:00:00.000Z'),
      LastUpdatedTime: new Date('2025-01-20T10:30:00.000Z'),
      StackStatus: 'UPDATE_COMPLETE',
      DisableRollback: false,
      Outputs: [
        { OutputKey: 'DatabaseHost', OutputValue: 'e2e-db.cluster-abc123.eu-west-1.rds.amazonaws.com' },
        { OutputKey: 'DatabasePort', OutputValue: '5432' },
        { OutputKey: 'BucketName', OutputValue: 'e2e-assets-123456789012' },
        { OutputKey: 'QueueUrl', OutputValue: 'https://sqs.eu-west-1.amazonaws.com/123456789012/e2e-jobs?x=1&y=a=b' },
        { OutputKey: 'Greeting', OutputValue: NON_ASCII_OUTPUT, Description: 'shown on the start page' },
        { OutputKey: 'Hostile', OutputValue: HOSTILE_OUTPUT, Description: 'tries to break out of the user data' },
        { OutputKey: 'AdminPassword', OutputValue: 'not-for-every-app', Description: 'left out with Excludes' },
      ],
      Tags: [{ Key: 'project', Value: 'e2e' }],
    },
    {
      StackId: CREDENTIALS_STACK_ID,
      StackName: NAMES.credentialsStack,
      Description: 'credentials an app gets only as a secret',
      CreationTime: new Date('2024-10-01T08:00:00.000Z'),
      StackStatus: 'CREATE_COMPLETE',
      DisableRollback: false,
      Outputs: [{ OutputKey: 'ApiToken', OutputValue: SECRET_OUTPUT, Description: 'read by the vault container as a secret' }],
    },
    {
      StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/e2e-rolling-back/0e2e0000-0000-4000-8000-000000000002`,
      StackName: 'e2e-rolling-back',
      CreationTime: new Date('2025-01-21T10:30:00.000Z'),
      StackStatus: 'UPDATE_ROLLBACK_IN_PROGRESS',
      Outputs: [{ OutputKey: 'DatabaseHost', OutputValue: 'old.example.com' }],
    },
  ],
  serverCertificates: [
    serverCertificate('e2e-www-2024', 'ASCA0E2E000000000001', '2024-01-10T00:00:00.000Z', '2025-02-10T00:00:00.000Z'),
    serverCertificate('e2e-www-2025', 'ASCA0E2E000000000002', '2025-01-10T00:00:00.000Z', '2026-02-10T00:00:00.000Z'),
    serverCertificate('e2e-www-2025-old-path', 'ASCA0E2E000000000003', '2025-01-11T00:00:00.000Z', '2026-01-10T00:00:00.000Z', '/cloudfront/'),
  ],
  acmCertificates: [
    acm(REGION, 'c0e2e000-0000-4000-8000-00000000000a', 'e2e.example.com', 'RSA_2048', 'ISSUED', '2026-03-01T00:00:00.000Z'),
    acm(REGION, 'c0e2e000-0000-4000-8000-00000000000b', '*.e2e.example.com', 'EC_prime256v1', 'ISSUED', '2026-06-01T00:00:00.000Z'),
    acm(REGION, 'c0e2e000-0000-4000-8000-00000000000c', 'e2e.example.com', 'RSA_2048', 'EXPIRED', '2024-06-01T00:00:00.000Z'),
    acm('us-east-1', 'c0e2e000-0000-4000-8000-00000000000d', 'e2e.example.com', 'RSA_2048', 'ISSUED', '2026-04-01T00:00:00.000Z'),
  ],
};

function zone(id: string, name: string, privateZone: boolean, records: number, comment: string) {
  return {
    Id: `/hostedzone/${id}`,
    Name: name,
    CallerReference: `e2e-${id}`,
    Config: { Comment: comment, PrivateZone: privateZone },
    ResourceRecordSetCount: records,
  };
}

function vpc(id: string, cidr: string, isDefault: boolean, name: string | undefined) {
  return {
    VpcId: id,
    OwnerId: ACCOUNT_ID,
    State: 'available' as const,
    CidrBlock: cidr,
    DhcpOptionsId: 'dopt-0e2e0000000000001',
    InstanceTenancy: 'default' as const,
    IsDefault: isDefault,
    Tags: name === undefined ? undefined : [{ Key: 'Name', Value: name }, { Key: 'team', Value: 'ops' }],
  };
}

function subnet(id: string, vpcId: string, zoneName: string, cidr: string, defaultForAz = false) {
  return {
    SubnetId: id,
    SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:subnet/${id}`,
    VpcId: vpcId,
    OwnerId: ACCOUNT_ID,
    State: 'available' as const,
    CidrBlock: cidr,
    AvailableIpAddressCount: 250,
    AvailabilityZone: zoneName,
    AvailabilityZoneId: `euw1-az${zoneName.slice(-1).charCodeAt(0) - 96}`,
    DefaultForAz: defaultForAz,
    MapPublicIpOnLaunch: defaultForAz,
    Tags: [{ Key: 'Name', Value: `${id}-${zoneName}` }],
  };
}

function al2023(id: string, version: string, architecture: 'x86_64' | 'arm64', created: string): Image {
  const name = `al2023-ami-${version}-kernel-6.1-${architecture}`;
  return {
    ImageId: id,
    ImageLocation: `amazon/${name}`,
    State: 'available',
    OwnerId: AMAZON,
    ImageOwnerAlias: 'amazon',
    CreationDate: created,
    Public: true,
    Architecture: architecture,
    ImageType: 'machine',
    SriovNetSupport: 'simple',
    Name: name,
    Description: `Amazon Linux 2023 AMI ${version} ${architecture} HVM kernel-6.1`,
    RootDeviceType: 'ebs',
    RootDeviceName: '/dev/xvda',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    EnaSupport: true,
    BootMode: 'uefi-preferred',
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    Tags: [{ Key: 'os', Value: 'al2023' }],
  };
}

function serverCertificate(name: string, id: string, uploaded: string, expires: string, path = '/') {
  return {
    Path: path,
    ServerCertificateName: name,
    ServerCertificateId: id,
    Arn: `arn:aws:iam::${ACCOUNT_ID}:server-certificate${path}${name}`,
    UploadDate: new Date(uploaded),
    Expiration: new Date(expires),
  };
}

function acm(region: string, id: string, domain: string, keyAlgorithm: 'RSA_2048' | 'EC_prime256v1', status: 'ISSUED' | 'EXPIRED', notAfter: string) {
  return {
    region,
    certificate: {
      CertificateArn: `arn:aws:acm:${region}:${ACCOUNT_ID}:certificate/${id}`,
      DomainName: domain,
      SubjectAlternativeNameSummaries: [domain, `www.${domain.replace(/^\*\./, '')}`],
      HasAdditionalSubjectAlternativeNames: false,
      Status: status,
      Type: 'AMAZON_ISSUED' as const,
      KeyAlgorithm: keyAlgorithm,
      InUse: true,
      RenewalEligibility: 'ELIGIBLE' as const,
      NotBefore: new Date('2025-01-01T00:00:00.000Z'),
      NotAfter: new Date(notAfter),
      CreatedAt: new Date('2024-12-31T12:00:00.000Z'),
      IssuedAt: new Date('2025-01-01T00:00:00.000Z'),
    },
  };
}
