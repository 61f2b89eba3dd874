import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeVpcsCommand,
  EC2Client,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import {
  CacheClusterNotFoundFault,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { IAMClient, ListServerCertificatesCommand } from '@aws-sdk/client-iam';
import { GetHostedZoneCommand, ListHostedZonesByNameCommand, NoSuchHostedZone, Route53Client } from '@aws-sdk/client-route-53';
import { FakeAws } from '../../testkit/fake-aws/server';
import { ACCOUNT, NON_ASCII_OUTPUT, REGION } from '../fixture';

let fake: FakeAws;
let endpoint: string;

beforeAll(async () => {
  fake = new FakeAws(ACCOUNT);
  endpoint = await fake.start();
});

afterAll(async () => {
  await fake.stop();
});

beforeEach(() => {
  fake.calls.length = 0;
});

describe('EC2 in its query/XML format', () => {
  it('finds a VPC by its Name tag and gives every field the lookup reads', async () => {
    // WHEN
    const answer = await client(EC2Client).send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['e2e-main'] }] }),
    );

    // THEN
    expect(answer.Vpcs).toEqual([
      {
        VpcId: 'vpc-0e2e0000000000001',
        OwnerId: '123456789012',
        State: 'available',
        CidrBlock: '10.20.0.0/16',
        DhcpOptionsId: 'dopt-0e2e0000000000001',
        InstanceTenancy: 'default',
        IsDefault: false,
        Tags: [
          { Key: 'Name', Value: 'e2e-main' },
          { Key: 'team', Value: 'ops' },
        ],
      },
    ]);
  });

  it('finds the default VPC with the is-default filter', async () => {
    // WHEN
    const answer = await client(EC2Client).send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));

    // THEN
    expect(answer.Vpcs?.map((vpc) => vpc.VpcId)).toEqual(['vpc-0e2e0000000000003']);
  });

  it('answers InvalidVpcID.NotFound for an unknown VPC id', async () => {
    // WHEN
    const call = client(EC2Client).send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123'] }));

    // THEN
    await expect(call).rejects.toMatchObject({ name: 'InvalidVpcID.NotFound', message: "The vpc ID 'vpc-0123' does not exist" });
  });

  it('rejects a filter name EC2 does not know', async () => {
    // WHEN
    const call = client(EC2Client).send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag-Name', Values: ['x'] }] }));

    // THEN
    await expect(call).rejects.toMatchObject({ name: 'InvalidParameterValue', message: "The filter 'tag-Name' is invalid" });
  });

  it('lists the subnets of a VPC across pages', async () => {
    // WHEN
    const subnets = [];
    for await (const page of paginateDescribeSubnets(
      { client: client(EC2Client), pageSize: 2 },
      { Filters: [{ Name: 'vpc-id', Values: ['vpc-0e2e0000000000001'] }] },
    )) {
      subnets.push(...(page.Subnets ?? []));
    }

    // THEN
    expect(subnets.map((subnet) => [subnet.SubnetId, subnet.AvailabilityZone, subnet.DefaultForAz])).toEqual([
      ['subnet-0e2e00000000000c1', 'eu-west-1c', false],
      ['subnet-0e2e00000000000a1', 'eu-west-1a', false],
      ['subnet-0e2e00000000000b1', 'eu-west-1b', false],
    ]);
    expect(fake.calls.map((call) => call.action)).toEqual(['DescribeSubnets', 'DescribeSubnets']);
  });

  it('lists only available images of the owners asked for, with name wildcards', async () => {
    // WHEN
    const answer = await client(EC2Client).send(
      new DescribeImagesCommand({
        Owners: ['amazon'],
        Filters: [
          { Name: 'name', Values: ['al2023-ami-2023.*-kernel-6.1-x86_64'] },
          { Name: 'state', Values: ['available'] },
        ],
      }),
    );

    // THEN
    expect(answer.Images?.map((image) => image.ImageId)).toEqual(['ami-0e2e00000000000a1', 'ami-0e2e00000000000a2']);
    expect(answer.Images?.[1]).toMatchObject({
      Name: 'al2023-ami-2023.6.20250115.0-kernel-6.1-x86_64',
      State: 'available',
      OwnerId: '137112412989',
      ImageOwnerAlias: 'amazon',
      CreationDate: '2025-01-15T19:32:42.000Z',
      Public: true,
      Architecture: 'x86_64',
      RootDeviceName: '/dev/xvda',
      Tags: [{ Key: 'os', Value: 'al2023' }],
    });
  });

  it("shows a stranger's public image with a matching name when no owner is given", async () => {
    // WHEN
    const answer = await client(EC2Client).send(
      new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['al2023-ami-2023.?.2099*'] }] }),
    );

    // THEN
    expect(answer.Images?.map((image) => [image.ImageId, image.OwnerId])).toEqual([['ami-0e2e00000000000f9', '999999999999']]);
  });

  it('records a call the fake account does not serve and names it as a problem', async () => {
    // WHEN
    const call = client(EC2Client).send(new DescribeInstancesCommand({}));

    // THEN
    await expect(call).rejects.toMatchObject({ name: 'InvalidAction' });
    expect(fake.problems()).toEqual(['the handlers called ec2 DescribeInstances, which the fake AWS account does not serve']);
  });
});

describe('Route 53 in its REST/XML format', () => {
  it('lists zones from the name asked for, in reversed-label order', async () => {
    // WHEN
    const answer = await client(Route53Client).send(new ListHostedZonesByNameCommand({ DNSName: 'e2e.example.com.' }));

    // THEN
    expect(answer.HostedZones?.map((zone) => [zone.Id, zone.Name, zone.Config?.PrivateZone])).toEqual([
      ['/hostedzone/Z0E2E00000000000001', 'e2e.example.com.', false],
      ['/hostedzone/Z0E2E00000000000002', 'internal.e2e.example.com.', true],
      ['/hostedzone/Z0E2E00000000000003', 'e2e.example.net.', false],
      ['/hostedzone/Z0E2E00000000000004', 'example.org.', false],
    ]);
    expect(answer).toMatchObject({ DNSName: 'e2e.example.com.', IsTruncated: false, MaxItems: 100 });
  });

  it('pages with NextDNSName and NextHostedZoneId', async () => {
    // WHEN
    const answer = await client(Route53Client).send(new ListHostedZonesByNameCommand({ DNSName: 'e2e.example.com', MaxItems: 1 }));

    // THEN
    expect(answer).toMatchObject({
      IsTruncated: true,
      NextDNSName: 'internal.e2e.example.com.',
      NextHostedZoneId: 'Z0E2E00000000000002',
    });
  });

  it('gives the name servers of a public zone', async () => {
    // WHEN
    const answer = await client(Route53Client).send(new GetHostedZoneCommand({ Id: 'Z0E2E00000000000001' }));

    // THEN
    expect(answer.HostedZone).toMatchObject({ Name: 'e2e.example.com.', ResourceRecordSetCount: 14 });
    expect(answer.DelegationSet?.NameServers).toHaveLength(4);
  });

  it('gives the VPCs of a private zone', async () => {
    // WHEN
    const answer = await client(Route53Client).send(new GetHostedZoneCommand({ Id: '/hostedzone/Z0E2E00000000000002' }));

    // THEN
    expect(answer.VPCs).toEqual([{ VPCRegion: 'eu-west-1', VPCId: 'vpc-0e2e0000000000001' }]);
  });

  it('answers NoSuchHostedZone for an unknown id', async () => {
    // WHEN
    const call = client(Route53Client).send(new GetHostedZoneCommand({ Id: 'ZNOPE' }));

    // THEN
    await expect(call).rejects.toBeInstanceOf(NoSuchHostedZone);
  });
});

describe('ElastiCache in its query/XML format', () => {
  it('gives the node endpoints of a memcached cluster', async () => {
    // WHEN
    const answer = await client(ElastiCacheClient).send(
      new DescribeCacheClustersCommand({ CacheClusterId: 'e2e-sessions', ShowCacheNodeInfo: true }),
    );

    // THEN
    const [cluster] = answer.CacheClusters ?? [];
    expect(cluster).toMatchObject({
      CacheClusterId: 'e2e-sessions',
      Engine: 'memcached',
      NumCacheNodes: 2,
      CacheClusterCreateTime: new Date('2024-11-02T09:14:00.000Z'),
      ConfigurationEndpoint: { Address: 'e2e-sessions.abc123.cfg.euw1.cache.amazonaws.com', Port: 11211 },
    });
    expect(cluster.CacheNodes?.map((node) => node.Endpoint)).toEqual([
      { Address: 'e2e-sessions.abc123.0001.euw1.cache.amazonaws.com', Port: 11211 },
      { Address: 'e2e-sessions.abc123.0002.euw1.cache.amazonaws.com', Port: 11211 },
    ]);
  });

  it('leaves the nodes out unless ShowCacheNodeInfo is set', async () => {
    // WHEN
    const answer = await client(ElastiCacheClient).send(new DescribeCacheClustersCommand({ CacheClusterId: 'e2e-sessions' }));

    // THEN
    expect(answer.CacheClusters?.[0].CacheNodes).toBeUndefined();
  });

  it('answers CacheClusterNotFound for an unknown cluster', async () => {
    // WHEN
    const call = client(ElastiCacheClient).send(new DescribeCacheClustersCommand({ CacheClusterId: 'e2e-queue' }));

    // THEN
    await expect(call).rejects.toBeInstanceOf(CacheClusterNotFoundFault);
  });

  it('gives the primary and reader endpoints of a replication group', async () => {
    // WHEN
    const answer = await client(ElastiCacheClient).send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: 'e2e-queue' }));

    // THEN
    expect(answer.ReplicationGroups?.[0]).toMatchObject({
      Status: 'available',
      MemberClusters: ['e2e-queue-001', 'e2e-queue-002'],
      NodeGroups: [
        {
          PrimaryEndpoint: { Address: 'master.e2e-queue.abc123.euw1.cache.amazonaws.com', Port: 6379 },
          ReaderEndpoint: { Address: 'replica.e2e-queue.abc123.euw1.cache.amazonaws.com', Port: 6379 },
        },
      ],
    });
  });
});

describe('CloudFormation in its query/XML format', () => {
  it('gives the outputs of a stack in order, with characters outside ASCII intact', async () => {
    // WHEN
    const answer = await client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: 'e2e-datastores' }));

    // THEN
    const [stack] = answer.Stacks ?? [];
    expect(stack.StackStatus).toBe('UPDATE_COMPLETE');
    expect(stack.Outputs?.map((output) => output.OutputKey)).toEqual(['DatabaseHost', 'DatabasePort', 'BucketName', 'QueueUrl', 'Greeting', 'Hostile', 'AdminPassword']);
    expect(stack.Outputs?.[3].OutputValue).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/e2e-jobs?x=1&y=a=b');
    expect(stack.Outputs?.[4].OutputValue).toBe(NON_ASCII_OUTPUT);
  });

  it('answers ValidationError for a stack that does not exist', async () => {
    // WHEN
    const call = client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: 'nope' }));

    // THEN
    await expect(call).rejects.toMatchObject({ name: 'ValidationError', message: 'Stack with id nope does not exist' });
  });
});

describe('IAM and ACM', () => {
  it('lists server certificates with their dates', async () => {
    // WHEN
    const answer = await client(IAMClient).send(new ListServerCertificatesCommand({}));

    // THEN
    expect(answer.ServerCertificateMetadataList?.[1]).toEqual({
      Path: '/',
      ServerCertificateName: 'e2e-www-2025',
      ServerCertificateId: 'ASCA0E2E000000000002',
      Arn: 'arn:aws:iam::123456789012:server-certificate/e2e-www-2025',
      UploadDate: new Date('2025-01-10T00:00:00.000Z'),
      Expiration: new Date('2026-02-10T00:00:00.000Z'),
    });
    expect(answer.IsTruncated).toBe(false);
  });

  it('lists only RSA certificates unless key types are named, as ACM does', async () => {
    // WHEN
    const plain = await client(ACMClient).send(new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'] }));
    const all = await client(ACMClient).send(
      new ListCertificatesCommand({ CertificateStatuses: ['ISSUED'], Includes: { keyTypes: ['RSA_2048', 'EC_prime256v1'] } }),
    );

    // THEN
    expect(plain.CertificateSummaryList?.map((c) => c.DomainName)).toEqual(['e2e.example.com']);
    expect(all.CertificateSummaryList?.map((c) => [c.DomainName, c.KeyAlgorithm, c.NotAfter])).toEqual([
      ['e2e.example.com', 'RSA_2048', new Date('2026-03-01T00:00:00.000Z')],
      ['*.e2e.example.com', 'EC_prime256v1', new Date('2026-06-01T00:00:00.000Z')],
    ]);
  });

  it('lists the certificates of the region the client is in', async () => {
    // WHEN
    const answer = await client(ACMClient, 'us-east-1').send(new ListCertificatesCommand({}));

    // THEN
    expect(answer.CertificateSummaryList?.map((c) => c.CertificateArn)).toEqual([
      'arn:aws:acm:us-east-1:123456789012:certificate/c0e2e000-0000-4000-8000-00000000000d',
    ]);
    expect(fake.calls[0]).toMatchObject({ service: 'acm', region: 'us-east-1', action: 'ListCertificates', known: true });
  });
});

it('records every call as coming from loopback', async () => {
  // WHEN
  await client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: 'e2e-datastores' }));

  // THEN
  expect(fake.calls).toEqual([
    expect.objectContaining({ service: 'cloudformation', action: 'DescribeStacks', remoteAddress: '127.0.0.1', known: true }),
  ]);
  expect(fake.problems()).toEqual([]);
});

function client<C>(Client: new (config: object) => C, region = REGION): C {
  return new Client({
    endpoint,
    region,
    credentials: { accessKeyId: 'AKIDE2E', secretAccessKey: 'e2e-secret' },
    maxAttempts: 1,
  });
}
