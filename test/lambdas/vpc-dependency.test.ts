import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client, type Subnet, type Vpc } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { contract } from '../../contracts/vpc-dependency/contract';
import { definition, handler } from '../../lambdas/vpc-dependency/index';
import { lookupVpc, similarNamePatterns, sortSubnets, vpcData, vpcFilter } from '../../lambdas/vpc-dependency/lookup';
import { InputError, LookupError } from '../../lambdas/shared/errors';
import { parseProperties } from '../../contracts/properties';
import { fakeEc2 } from '../../testkit/mock-account';
import { invoke, LOGS, successBody } from '../helpers/cfn';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-1' });

beforeEach(() => {
  ec2Mock.reset();
});

const MAIN = vpc('vpc-0aaaaaaaaaaaaaaa1', 'main', '10.0.0.0/16');
const DEFAULT = { ...vpc('vpc-0dddddddddddddddd', undefined, '172.31.0.0/16'), IsDefault: true };
const SHARED_1 = vpc('vpc-0bbbbbbbbbbbbbbb1', 'shared', '10.1.0.0/16');
const SHARED_2 = vpc('vpc-0bbbbbbbbbbbbbbb2', 'shared', '10.2.0.0/16');
const MAIN_OLD = vpc('vpc-0aaaaaaaaaaaaaaa2', 'main-old', '10.3.0.0/16');
const PROD = vpc('vpc-0ccccccccccccccc1', 'Prod-Network', '10.4.0.0/16');
const EMPTY = vpc('vpc-0eeeeeeeeeeeeeee1', 'empty', '10.5.0.0/16');
const STAR = vpc('vpc-0fffffffffffffff1', 'team*', '10.6.0.0/16');

const SUBNETS: Subnet[] = [
  subnet('subnet-0main000000000003', MAIN, 'eu-west-1b'),
  subnet('subnet-0main000000000002', MAIN, 'eu-west-1a'),
  subnet('subnet-0main000000000004', MAIN, 'eu-west-1c'),
  subnet('subnet-0main000000000001', MAIN, 'eu-west-1a'),
  subnet('subnet-0dflt00000000000c', DEFAULT, 'eu-west-1c', true),
  subnet('subnet-0dflt00000000000a', DEFAULT, 'eu-west-1a', true),
  subnet('subnet-0dflt00000000000b', DEFAULT, 'eu-west-1b', true),
  subnet('subnet-0dflt0000000extra', DEFAULT, 'eu-west-1a'),
];

/** The attributes of MAIN that do not name its subnets. */
const MAIN_DATA = {
  VpcId: 'vpc-0aaaaaaaaaaaaaaa1',
  State: 'available',
  CidrBlock: '10.0.0.0/16',
  DhcpOptionsId: 'dopt-0123456789abcdef0',
  InstanceTenancy: 'default',
  IsDefault: 'false',
};

const ACCOUNT = { extraVpcs: [MAIN, DEFAULT, SHARED_1, SHARED_2, MAIN_OLD, PROD, EMPTY, STAR], extraSubnets: SUBNETS };

describe('finding a VPC', () => {
  it('finds the VPC by its Name tag and gives its subnets sorted by zone, then id', async () => {
    // GIVEN
    const account = fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const result = await lookup({ VpcName: 'main' });

    // THEN
    expect(result).toEqual({
      id: 'vpc-0aaaaaaaaaaaaaaa1',
      data: {
        ...MAIN_DATA,
        SubnetIds: 'subnet-0main000000000001,subnet-0main000000000002,subnet-0main000000000003,subnet-0main000000000004',
        SubnetId0: 'subnet-0main000000000001',
        SubnetId1: 'subnet-0main000000000002',
        SubnetId2: 'subnet-0main000000000003',
        SubnetId3: 'subnet-0main000000000004',
        Subnets: 'subnet-0main000000000001,subnet-0main000000000002,subnet-0main000000000003,subnet-0main000000000004',
        AvailabilityZones: 'eu-west-1a,eu-west-1a,eu-west-1b,eu-west-1c',
        SubnetCount: '4',
      },
    });
    expect(account.calls).toEqual(callsFinding({ Name: 'tag:Name', Values: ['main'] }, 'vpc-0aaaaaaaaaaaaaaa1'));
  });

  it('finds the default VPC and only its default subnets when OnlyDefaultSubnets is true', async () => {
    // GIVEN
    const account = fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const result = await lookup({ VpcName: 'default', OnlyDefaultSubnets: 'TRUE' });

    // THEN
    expect(result.id).toBe('vpc-0dddddddddddddddd');
    expect(result.data).toMatchObject({
      IsDefault: 'true',
      SubnetIds: 'subnet-0dflt00000000000a,subnet-0dflt00000000000b,subnet-0dflt00000000000c',
      AvailabilityZones: 'eu-west-1a,eu-west-1b,eu-west-1c',
      SubnetCount: '3',
    });
    expect(account.calls).toEqual(
      callsFinding({ Name: 'is-default', Values: ['true'] }, 'vpc-0dddddddddddddddd', { Name: 'default-for-az', Values: ['true'] }),
    );
  });

  it('finds a VPC by its id', async () => {
    // GIVEN
    const account = fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const result = await lookup({ VpcName: 'vpc-0bbbbbbbbbbbbbbb2' });

    // THEN
    expect(result.id).toBe('vpc-0bbbbbbbbbbbbbbb2');
    expect(account.calls[0]).toEqual(describeVpcs({ Name: 'vpc-id', Values: ['vpc-0bbbbbbbbbbbbbbb2'] }));
  });

  it('takes wildcard characters in a Name tag literally', async () => {
    // GIVEN
    fakeEc2({ ...ACCOUNT, vpcs: 20 }, ec2Mock);

    // WHEN
    const result = await lookup({ VpcName: 'team*' });

    // THEN
    expect(result.id).toBe('vpc-0fffffffffffffff1');
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcsCommand, { Filters: [{ Name: 'tag:Name', Values: ['team\\*'] }] });
  });

  it('gives empty subnet lists for a VPC without subnets', async () => {
    // GIVEN
    fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const result = await lookup({ VpcName: 'empty' });

    // THEN
    expect(result.data).toMatchObject({ SubnetIds: '', Subnets: '', AvailabilityZones: '', SubnetCount: '0' });
    expect(Object.keys(result.data).filter((key) => /^SubnetId\d/.test(key))).toEqual([]);
  });

  it('follows every page of subnets', async () => {
    // GIVEN
    const many = Array.from({ length: 12 }, (_, i) => subnet(`subnet-0many${String(i).padStart(12, '0')}`, EMPTY, 'eu-west-1a'));
    const account = fakeEc2({ extraVpcs: [EMPTY], extraSubnets: many, pageSize: 5 }, ec2Mock);

    // WHEN
    const result = await lookup({ VpcName: 'empty' });

    // THEN
    expect(result.data.SubnetCount).toBe('12');
    expect(result.data.SubnetId11).toBe('subnet-0many000000000011');
    const filters = [{ Name: 'vpc-id', Values: ['vpc-0eeeeeeeeeeeeeee1'] }];
    expect(account.calls.filter((call) => call.command === 'DescribeSubnets')).toEqual([
      { command: 'DescribeSubnets', input: { Filters: filters } },
      { command: 'DescribeSubnets', input: { Filters: filters, NextToken: 'page-5' } },
      { command: 'DescribeSubnets', input: { Filters: filters, NextToken: 'page-10' } },
    ]);
  });
});

describe('answering FAILED with a reason an operator can act on', () => {
  it.each([
    [
      'two VPCs have the Name tag',
      { VpcName: 'shared' },
      '2 VPCs have the Name tag "shared" in eu-west-1: vpc-0bbbbbbbbbbbbbbb1 (10.1.0.0/16), vpc-0bbbbbbbbbbbbbbb2 (10.2.0.0/16); give the VPC id instead',
    ],
    [
      'no VPC has the Name tag but some have similar ones',
      { VpcName: 'Main' },
      'no VPC has the Name tag "Main" in eu-west-1; VPCs with similar names: main (vpc-0aaaaaaaaaaaaaaa1), main-old (vpc-0aaaaaaaaaaaaaaa2)',
    ],
    [
      'no VPC has the Name tag but one has a word of it in another case',
      { VpcName: 'prod' },
      'no VPC has the Name tag "prod" in eu-west-1; VPCs with similar names: Prod-Network (vpc-0ccccccccccccccc1)',
    ],
    [
      'no VPC has a Name tag like it',
      { VpcName: 'nothing' },
      'no VPC has the Name tag "nothing" in eu-west-1; give the Name tag exactly (it is case-sensitive), default, or a VPC id',
    ],
    [
      'no VPC has the id',
      { VpcName: 'vpc-0123456789abcdef0' },
      'no VPC has the id vpc-0123456789abcdef0 in eu-west-1; check the account and region the stack is deployed to',
    ],
    [
      'OnlyDefaultSubnets is true for a VPC that is not the default one',
      { VpcName: 'main', OnlyDefaultSubnets: 'true' },
      'VPC vpc-0aaaaaaaaaaaaaaa1 has no default subnets, as only the default VPC has them; leave out OnlyDefaultSubnets or set it to false',
    ],
  ])('when %s', async (_case, properties, reason) => {
    // GIVEN
    fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const result = lookup(properties);

    // THEN
    await expect(result).rejects.toThrow(new LookupError(reason));
    await expect(result).rejects.toBeInstanceOf(LookupError);
  });

  it('says there is no default VPC when the account has none', async () => {
    // GIVEN
    fakeEc2({ extraVpcs: [MAIN] }, ec2Mock);

    // WHEN
    const result = lookup({ VpcName: 'default' });

    // THEN
    await expect(result).rejects.toThrow(
      new LookupError("there is no default VPC in eu-west-1; give the VPC's Name tag or id instead"),
    );
  });

  it('asks EC2 once more, for similar names, when no VPC has the Name tag', async () => {
    // GIVEN
    const account = fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    await lookup({ VpcName: 'main-vpc' }).catch(() => undefined);

    // THEN
    expect(account.calls).toEqual([
      describeVpcs({ Name: 'tag:Name', Values: ['main-vpc'] }),
      describeVpcs({ Name: 'tag:Name', Values: ['*main-vpc*', '*main*', '*MAIN*', '*Main*', '*vpc*', '*VPC*', '*Vpc*'] }),
    ]);
  });

  it('names five of many VPCs with similar names and says how many more there are', async () => {
    // GIVEN
    fakeEc2({ vpcs: 40 }, ec2Mock);

    // WHEN
    const result = lookup({ VpcName: 'Team' });

    // THEN
    await expect(result).rejects.toThrow(
      'no VPC has the Name tag "Team" in eu-west-1; VPCs with similar names: team-0000 (vpc-00000000000000000), team-0001 (vpc-00000000000000001), team-0002 (vpc-00000000000000002), team-0003 (vpc-00000000000000003), team-0004 (vpc-00000000000000004) and 35 more',
    );
  });

  it.each([
    [{}, 'missing required property VpcName'],
    [{ VpcName: 'main', OnlyDefaultSubnets: 'yes' }, 'OnlyDefaultSubnets must be true or false, got "yes"'],
    [{ VpcNmae: 'main' }, 'unknown property "VpcNmae"; valid properties are VpcName, OnlyDefaultSubnets'],
  ])('rejects %j naming the property', (properties, message) => {
    expect(() => parse(properties)).toThrow(InputError);
    expect(() => parse(properties)).toThrow(message);
  });
});

describe('VPC attributes', () => {
  it('numbers the subnets SubnetId0 to SubnetIdN in the order given', () => {
    // GIVEN
    const subnets = [subnet('subnet-2', MAIN, 'eu-west-1a'), subnet('subnet-1', MAIN, 'eu-west-1b')];

    // WHEN
    const data = vpcData(MAIN, subnets);

    // THEN
    expect(data).toEqual({
      ...MAIN_DATA,
      SubnetIds: 'subnet-2,subnet-1',
      SubnetId0: 'subnet-2',
      SubnetId1: 'subnet-1',
      Subnets: 'subnet-2,subnet-1',
      AvailabilityZones: 'eu-west-1a,eu-west-1b',
      SubnetCount: '2',
    });
  });

  it('sorts subnets by availability zone, then id, whatever order EC2 gives them in', () => {
    // GIVEN
    const given = [
      { SubnetId: 'subnet-b', AvailabilityZone: 'us-east-1b' },
      { SubnetId: 'subnet-c', AvailabilityZone: 'us-east-1a' },
      { SubnetId: 'subnet-a', AvailabilityZone: 'us-east-1b' },
      { SubnetId: 'subnet-d', AvailabilityZone: 'us-east-1a' },
    ];

    // WHEN
    const sorted = sortSubnets(given);

    // THEN
    expect(sorted.map((s) => s.SubnetId)).toEqual(['subnet-c', 'subnet-d', 'subnet-a', 'subnet-b']);
    expect(given.map((s) => s.SubnetId)).toEqual(['subnet-b', 'subnet-c', 'subnet-a', 'subnet-d']);
  });

  it.each([
    ['default', { Name: 'is-default', Values: ['true'] }],
    ['vpc-0123abcd', { Name: 'vpc-id', Values: ['vpc-0123abcd'] }],
    ['vpc-0123456789abcdef0', { Name: 'vpc-id', Values: ['vpc-0123456789abcdef0'] }],
    ['vpc-main', { Name: 'tag:Name', Values: ['vpc-main'] }],
    ['Default', { Name: 'tag:Name', Values: ['Default'] }],
    ['a?b\\c', { Name: 'tag:Name', Values: ['a\\?b\\\\c'] }],
  ])('reads VpcName %s as the filter %j', (vpcName, filter) => {
    expect(vpcFilter(vpcName)).toEqual(filter);
  });

  it.each([
    ['db', ['*db*']],
    ['main', ['*main*', '*MAIN*', '*Main*']],
    ['Prod VPC', ['*Prod VPC*', '*prod*', '*PROD*', '*Prod*', '*vpc*', '*VPC*', '*Vpc*']],
  ])('looks for VPCs named like %s with %j', (name, patterns) => {
    expect(similarNamePatterns(name)).toEqual(patterns);
  });
});

describe('accounts with many VPCs and subnets', () => {
  it('makes exactly two calls to find one VPC among 1,000 and its subnets among 5,000', async () => {
    // GIVEN
    const account = fakeEc2({ vpcs: 1_000, subnets: 5_000 }, ec2Mock);

    // WHEN
    const result = await lookup({ VpcName: 'team-0421' });

    // THEN
    expect(result.id).toBe('vpc-000000000000001a5');
    expect(result.data.SubnetCount).toBe('5');
    expect(result.data.AvailabilityZones).toBe('eu-west-1a,eu-west-1a,eu-west-1b,eu-west-1b,eu-west-1c');
    expect(account.calls).toEqual(callsFinding({ Name: 'tag:Name', Values: ['team-0421'] }, 'vpc-000000000000001a5'));
  });

  it('reads every page of VPCs before deciding, so a second VPC with the name on a later page is found', async () => {
    // GIVEN an account that answers one VPC a page
    const account = fakeEc2({ extraVpcs: [SHARED_1, SHARED_2], pageSize: 1 }, ec2Mock);

    // WHEN
    const result = lookup({ VpcName: 'shared' });

    // THEN
    await expect(result).rejects.toThrow('2 VPCs have the Name tag "shared" in eu-west-1');
    expect(account.calls.map((call) => call.input.NextToken)).toEqual([undefined, expect.any(String)]);
  });

  it('makes exactly two calls to say a VPC is missing from 1,000', async () => {
    // GIVEN
    const account = fakeEc2({ vpcs: 1_000, subnets: 5_000 }, ec2Mock);

    // WHEN
    const result = lookup({ VpcName: 'gateway' });

    // THEN
    await expect(result).rejects.toThrow(LookupError);
    expect(account.calls.map((call) => call.command)).toEqual(['DescribeVpcs', 'DescribeVpcs']);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeSubnetsCommand, 0);
  });
});

describe('Custom::VpcDependency handler', () => {
  beforeAll(() => {
    process.env.AWS_REGION = 'eu-west-1';
  });

  it('answers the example of its contract, SUCCESS with the VPC id as PhysicalResourceId and the VPC and subnet attributes as Data', async () => {
    // GIVEN
    fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const { puts } = await invoke(handler, { properties: contract.example.properties });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual(successBody('vpc-0dddddddddddddddd', contract.example.data));
  });

  it('answers FAILED with what to do when a VPC has more subnets than 4096 bytes hold', async () => {
    // GIVEN a VPC with 40 subnets
    const many = Array.from({ length: 40 }, (_, i) =>
      subnet(`subnet-0many${String(i).padStart(12, '0')}`, MAIN, `eu-west-1${'abc'[i % 3]}`),
    );
    fakeEc2({ extraVpcs: [MAIN], extraSubnets: many }, ec2Mock);

    // WHEN
    const { puts } = await invoke(handler, { properties: { VpcName: 'main' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].contentLength).toBeLessThanOrEqual(4096);
    expect(puts[0].body.Status).toBe('FAILED');
    expect(puts[0].body.Reason).toMatch(
      /^the response would be \d{4} bytes, more than the 4096 CloudFormation accepts; the largest attributes are SubnetIds \(\d+ bytes\), Subnets \(\d+ bytes\), AvailabilityZones \(\d+ bytes\)\. Set OnlyDefaultSubnets to true to get only the default subnet of each availability zone; /,
    );
  });

  it('answers FAILED naming the VPCs found when two have the Name tag', async () => {
    // GIVEN
    fakeEc2(ACCOUNT, ec2Mock);

    // WHEN
    const { puts } = await invoke(handler, { properties: { VpcName: 'shared' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `2 VPCs have the Name tag "shared" in eu-west-1: vpc-0bbbbbbbbbbbbbbb1 (10.1.0.0/16), vpc-0bbbbbbbbbbbbbbb2 (10.2.0.0/16); give the VPC id instead. ${LOGS}`,
      PhysicalResourceId: `failed-Dependency-${puts[0].body.RequestId}`,
    });
  });

  it('answers FAILED naming the property when a property is misspelt', async () => {
    // WHEN
    const { puts } = await invoke(handler, { properties: { VpcNmae: 'main' } });

    // THEN
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `unknown property "VpcNmae"; valid properties are VpcName, OnlyDefaultSubnets. ${LOGS}`,
    });
    expect(ec2Mock.calls()).toHaveLength(0);
  });
});

function parse(properties: Record<string, unknown>) {
  return parseProperties(definition.schema, properties);
}

function lookup(properties: Record<string, unknown>) {
  return lookupVpc({ ec2 }, parse(properties), { abortSignal: new AbortController().signal });
}

function vpc(id: string, name: string | undefined, cidr: string): Vpc {
  return {
    VpcId: id,
    State: 'available',
    CidrBlock: cidr,
    DhcpOptionsId: 'dopt-0123456789abcdef0',
    InstanceTenancy: 'default',
    IsDefault: false,
    Tags: name === undefined ? [] : [{ Key: 'Name', Value: name }],
  };
}

function subnet(id: string, owner: Vpc, zone: string, defaultForAz = false): Subnet {
  return { SubnetId: id, VpcId: owner.VpcId, AvailabilityZone: zone, DefaultForAz: defaultForAz, State: 'available' };
}

/** The one DescribeVpcs call of a lookup whose VPCs `filter` chooses. */
function describeVpcs(filter: { Name: string; Values: string[] }) {
  return { command: 'DescribeVpcs', input: { Filters: [filter] } };
}

/**
 * The calls of a lookup that finds the VPC `vpcId` in one page: the DescribeVpcs call `filter` chooses it by, then
 * DescribeSubnets of its subnets, with `subnetFilters` besides.
 */
function callsFinding(filter: { Name: string; Values: string[] }, vpcId: string, ...subnetFilters: Array<{ Name: string; Values: string[] }>) {
  return [
    describeVpcs(filter),
    { command: 'DescribeSubnets', input: { Filters: [{ Name: 'vpc-id', Values: [vpcId] }, ...subnetFilters] } },
  ];
}
