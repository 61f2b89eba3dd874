import {
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  Route53Client,
  type HostedZone,
  type ListHostedZonesByNameCommandInput,
  type ListHostedZonesByNameCommandOutput,
} from '@aws-sdk/client-route-53';
import {
  DescribeImagesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type Filter,
  type Image,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { imageValues, ownedBy, subnetValues, vpcValues } from './fake-aws/ec2';
import { AwsError, passesFilters } from './fake-aws/protocol';
import { hostedZonesPage } from './fake-aws/route53';

/** One request a fake account answered, with its input as it was when sent. */
export interface FakeCall {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/** The record of a request to a fake account, its input copied as it is now. */
export function fakeCall(command: string, input: object): FakeCall {
  return { command, input: structuredClone(input) as Record<string, unknown> };
}

/** A hosted zone of a fake account. */
export interface FakeZone {
  /** Without `/hostedzone/`. */
  readonly id: string;
  /** With or without the trailing dot. */
  readonly name: string;
  readonly private?: boolean;
  /** VPCs a private zone is associated with. */
  readonly vpcs?: readonly string[];
  readonly records?: number;
  readonly comment?: string;
}

export interface FakeRoute53 {
  readonly mock: AwsClientStub<Route53Client>;
  readonly zones: readonly FakeZone[];
  /** Every request answered so far, in order. */
  readonly calls: FakeCall[];
}

/** How many zones `ListHostedZonesByName` returns at most, as in Route 53. */
const ROUTE53_PAGE = 100;

/**
 * A Route 53 account with `zoneCount` generated zones plus `extra` ones. It
 * answers `ListHostedZonesByName` as Route 53 does (zones sorted by name with
 * the labels reversed, then by id; pages of at most 100 starting at `DNSName`
 * and `HostedZoneId`) and `GetHostedZone` (name servers for public zones,
 * VPCs for private ones).
 */
export function fakeRoute53(
  zoneCount: number,
  extra: readonly FakeZone[] = [],
  mock: AwsClientStub<Route53Client> = mockClient(Route53Client),
): FakeRoute53 {
  const zones = [...generatedZones(zoneCount), ...extra];
  const calls: FakeCall[] = [];

  mock.on(ListHostedZonesByNameCommand).callsFake((input: ListHostedZonesByNameCommandInput) => {
    calls.push(fakeCall('ListHostedZonesByName', input));
    const max = Math.min(input.MaxItems ?? ROUTE53_PAGE, ROUTE53_PAGE);
    const { shown, next } = hostedZonesPage(zones.map(hostedZone), (zone) => zone, input.DNSName, input.HostedZoneId, max);
    const output: Partial<ListHostedZonesByNameCommandOutput> = {
      HostedZones: shown,
      DNSName: input.DNSName,
      HostedZoneId: input.HostedZoneId,
      IsTruncated: next !== undefined,
      NextDNSName: next?.Name,
      NextHostedZoneId: next?.Id?.replace(/^\/hostedzone\//, ''),
      MaxItems: max,
    };
    return output;
  });

  mock.on(GetHostedZoneCommand).callsFake((input: { Id: string }) => {
    calls.push(fakeCall('GetHostedZone', input));
    const zone = zones.find((z) => z.id === input.Id.replace(/^\/hostedzone\//, ''));
    if (!zone) throw Object.assign(new Error(`No hosted zone found with ID: ${input.Id}`), { name: 'NoSuchHostedZone' });
    return {
      HostedZone: hostedZone(zone),
      DelegationSet: zone.private ? undefined : { NameServers: nameServers(zone) },
      VPCs: zone.private ? (zone.vpcs ?? []).map((vpc) => ({ VPCId: vpc, VPCRegion: 'eu-west-1' })) : undefined,
    };
  });

  return { mock, zones, calls };
}

/** The name servers the fake gives a public zone. */
export function nameServers(zone: FakeZone): string[] {
  const n = zone.id.length;
  return [`ns-${n}.awsdns-01.com`, `ns-${n + 1}.awsdns-02.net`, `ns-${n + 2}.awsdns-03.org`, `ns-${n + 3}.awsdns-04.co.uk`];
}

function generatedZones(count: number): FakeZone[] {
  const parents = ['com', 'net', 'org', 'io', 'example.com', 'example.org', 'internal'];
  return Array.from({ length: count }, (_, i) => ({
    id: `Z${String(i).padStart(8, '0')}GEN`,
    name: `team${String(i).padStart(5, '0')}.${parents[i % parents.length]}`,
    private: i % 3 === 0,
    vpcs: i % 3 === 0 ? [`vpc-${String(i).padStart(17, '0')}`] : undefined,
    records: 2 + (i % 40),
  }));
}

function hostedZone(zone: FakeZone): HostedZone {
  return {
    Id: `/hostedzone/${zone.id}`,
    Name: withDot(zone.name),
    CallerReference: `ref-${zone.id}`,
    Config: { Comment: zone.comment, PrivateZone: zone.private ?? false },
    ResourceRecordSetCount: zone.records ?? 2,
  };
}

function withDot(name: string): string {
  return name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
}




/** The account the fake EC2 answers for (`self`). */
export const ACCOUNT_ID = '123456789012';
/** The account Amazon's own images belong to (owner alias `amazon`). */
export const AMAZON_ID = '137112412989';
/** An account anyone could use to publish an image under any name. */
export const STRANGER_ID = '999999999999';

export interface FakeEc2Options {
  /** Generated VPCs, named `team-0000`, `team-0001`, ... */
  readonly vpcs?: number;
  /** Generated subnets, spread over the generated VPCs and three zones. */
  readonly subnets?: number;
  /** Generated images, named `build-<family>-<n>`, owned by this account, Amazon and a stranger. */
  readonly images?: number;
  readonly extraVpcs?: readonly Vpc[];
  readonly extraSubnets?: readonly Subnet[];
  readonly extraImages?: readonly Image[];
  /** How many items a page holds when a request gives no `MaxResults`. */
  readonly pageSize?: number;
}

export interface FakeEc2 {
  readonly mock: AwsClientStub<EC2Client>;
  readonly vpcs: readonly Vpc[];
  readonly subnets: readonly Subnet[];
  readonly images: readonly Image[];
  /** Every request answered so far, in order. */
  readonly calls: FakeCall[];
}

interface PageInput {
  readonly Filters?: Filter[];
  readonly MaxResults?: number;
  readonly NextToken?: string;
}

/**
 * An EC2 account that filters on the server as EC2 does, with the wire
 * fake's filters: `Filters` (values
 * with `*` and `?` wildcards and `\` escapes, `tag:<key>`), image `Owners`
 * and deprecation, and pages with `MaxResults` (5 to 1000) and `NextToken`.
 * An unknown filter name is an error, as it is in EC2.
 */
export function fakeEc2(options: FakeEc2Options = {}, mock: AwsClientStub<EC2Client> = mockClient(EC2Client)): FakeEc2 {
  const generated = generatedVpcs(options.vpcs ?? 0);
  const vpcs = [...generated, ...(options.extraVpcs ?? [])];
  const subnets = [...generatedSubnets(options.subnets ?? 0, generated), ...(options.extraSubnets ?? [])];
  const images = [...generatedImages(options.images ?? 0), ...(options.extraImages ?? [])];
  const pageSize = options.pageSize ?? 1000;
  const calls: FakeCall[] = [];

  mock.on(DescribeVpcsCommand).callsFake((input: PageInput) => {
    calls.push(fakeCall('DescribeVpcs', input));
    const { items, NextToken } = page(filterItems(vpcs, input.Filters, vpcValues), input, pageSize);
    return { Vpcs: items, NextToken };
  });

  mock.on(DescribeSubnetsCommand).callsFake((input: PageInput) => {
    calls.push(fakeCall('DescribeSubnets', input));
    const { items, NextToken } = page(filterItems(subnets, input.Filters, subnetValues), input, pageSize);
    return { Subnets: items, NextToken };
  });

  mock.on(DescribeImagesCommand).callsFake((input: PageInput & { Owners?: string[]; IncludeDeprecated?: boolean }) => {
    calls.push(fakeCall('DescribeImages', input));
    const now = new Date().toISOString();
    const visible = images.filter(
      (image) =>
        (!input.Owners?.length || input.Owners.some((owner) => ownedBy(image, owner, ACCOUNT_ID))) &&
        (input.IncludeDeprecated || image.OwnerId === ACCOUNT_ID || !image.DeprecationTime || image.DeprecationTime > now),
    );
    const { items, NextToken } = page(filterItems(visible, input.Filters, imageValues), input, pageSize);
    return { Images: items, NextToken };
  });

  return { mock, vpcs, subnets, images, calls };
}

/** The items that pass the filters, as the wire fake's EC2 filters them. */
function filterItems<T>(items: readonly T[], filters: Filter[] | undefined, valuesOf: (item: T, name: string) => readonly string[] | undefined): T[] {
  const requested = (filters ?? []).map((filter) => ({ name: filter.Name ?? '', values: filter.Values ?? [] }));
  try {
    return items.filter((item) => passesFilters(requested, (name) => valuesOf(item, name)));
  } catch (error) {
    if (error instanceof AwsError) throw ec2Error(error.code, error.message);
    throw error;
  }
}

function page<T>(items: T[], input: PageInput, pageSize: number): { items: T[]; NextToken?: string } {
  if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
    throw ec2Error('InvalidParameterValue', `Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  }
  const start = input.NextToken ? Number(input.NextToken.replace(/^page-/, '')) : 0;
  const end = start + (input.MaxResults ?? pageSize);
  return { items: items.slice(start, end), NextToken: end < items.length ? `page-${end}` : undefined };
}

function ec2Error(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client' });
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function generatedVpcs(count: number): Vpc[] {
  return Array.from({ length: count }, (_, i) => ({
    VpcId: `vpc-${hex(i, 17)}`,
    OwnerId: ACCOUNT_ID,
    State: 'available',
    CidrBlock: `10.${i % 256}.0.0/16`,
    DhcpOptionsId: 'dopt-0123456789abcdef0',
    InstanceTenancy: 'default',
    IsDefault: false,
    Tags: [{ Key: 'Name', Value: `team-${String(i).padStart(4, '0')}` }],
  }));
}

function generatedSubnets(count: number, vpcs: readonly Vpc[]): Subnet[] {
  return Array.from({ length: vpcs.length === 0 ? 0 : count }, (_, j) => {
    const vpc = vpcs[j % vpcs.length];
    const index = Math.floor(j / vpcs.length);
    return {
      SubnetId: `subnet-${hex(j, 17)}`,
      VpcId: vpc.VpcId,
      OwnerId: ACCOUNT_ID,
      State: 'available',
      AvailabilityZone: `eu-west-1${'abc'[index % 3]}`,
      CidrBlock: (vpc.CidrBlock ?? '').replace(/\.0\.0\/16$/, `.${index}.0/24`),
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
      AvailableIpAddressCount: 251,
    };
  });
}

function generatedImages(count: number): Image[] {
  const owners = [
    { OwnerId: ACCOUNT_ID, Public: false },
    { OwnerId: AMAZON_ID, ImageOwnerAlias: 'amazon', Public: true },
    { OwnerId: STRANGER_ID, Public: true },
  ];
  const start = Date.UTC(2020, 0, 1);
  return Array.from({ length: count }, (_, k) => ({
    ImageId: `ami-${hex(k, 17)}`,
    Name: `build-${String(k % 100).padStart(3, '0')}-${String(k).padStart(5, '0')}`,
    ...owners[k % owners.length],
    State: k % 10 === 9 ? 'pending' : 'available',
    Architecture: k % 2 === 0 ? 'x86_64' : 'arm64',
    CreationDate: new Date(start + k * 3_600_000).toISOString(),
    ImageLocation: `${owners[k % owners.length].OwnerId}/build-${k}`,
    ImageType: 'machine',
    RootDeviceType: 'ebs',
    RootDeviceName: '/dev/xvda',
    VirtualizationType: 'hvm',
    Hypervisor: 'xen',
    SriovNetSupport: 'simple',
  }));
}
