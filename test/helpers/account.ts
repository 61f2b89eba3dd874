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
  type Tag,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { OWNER_ALIASES } from '../../e2e/fake-aws/ec2';
import { globMatches } from '../../e2e/fake-aws/protocol';

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
  const sorted = zones
    .map((zone) => ({ zone, key: reversedLabels(zone.name) }))
    .sort((a, b) => compareKeys(a.key, b.key) || compareText(a.zone.id, b.zone.id));
  const calls: FakeCall[] = [];

  mock.on(ListHostedZonesByNameCommand).callsFake((input: ListHostedZonesByNameCommandInput) => {
    calls.push(fakeCall('ListHostedZonesByName', input));
    const max = Math.min(input.MaxItems ?? ROUTE53_PAGE, ROUTE53_PAGE);
    let start = 0;
    if (input.DNSName !== undefined) {
      const key = reversedLabels(input.DNSName);
      const id = input.HostedZoneId ?? '';
      start = sorted.findIndex((z) => {
        const order = compareKeys(z.key, key);
        return order > 0 || (order === 0 && compareText(z.zone.id, id) >= 0);
      });
      if (start < 0) start = sorted.length;
    }
    const page = sorted.slice(start, start + max).map((z) => hostedZone(z.zone));
    const next = sorted[start + max]?.zone;
    const output: Partial<ListHostedZonesByNameCommandOutput> = {
      HostedZones: page,
      DNSName: input.DNSName,
      HostedZoneId: input.HostedZoneId,
      IsTruncated: next !== undefined,
      NextDNSName: next && withDot(next.name),
      NextHostedZoneId: next?.id,
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

function reversedLabels(name: string): string[] {
  return withDot(name).slice(0, -1).split('.').reverse();
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareText(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
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

type Fields<T> = Record<string, (item: T) => Array<string | undefined>>;

const VPC_FIELDS: Fields<Vpc> = {
  'vpc-id': (vpc) => [vpc.VpcId],
  'is-default': (vpc) => [String(vpc.IsDefault ?? false)],
};

const SUBNET_FIELDS: Fields<Subnet> = {
  'vpc-id': (subnet) => [subnet.VpcId],
  'default-for-az': (subnet) => [String(subnet.DefaultForAz ?? false)],
};

const IMAGE_FIELDS: Fields<Image> = {
  name: (image) => [image.Name],
  state: (image) => [image.State],
  architecture: (image) => [image.Architecture],
};

/**
 * An EC2 account that filters on the server as EC2 does: `Filters` (values
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
    const { items, NextToken } = page(filterItems(vpcs, input.Filters, VPC_FIELDS), input, pageSize);
    return { Vpcs: items, NextToken };
  });

  mock.on(DescribeSubnetsCommand).callsFake((input: PageInput) => {
    calls.push(fakeCall('DescribeSubnets', input));
    const { items, NextToken } = page(filterItems(subnets, input.Filters, SUBNET_FIELDS), input, pageSize);
    return { Subnets: items, NextToken };
  });

  mock.on(DescribeImagesCommand).callsFake((input: PageInput & { Owners?: string[]; IncludeDeprecated?: boolean }) => {
    calls.push(fakeCall('DescribeImages', input));
    const now = new Date().toISOString();
    const visible = images.filter(
      (image) =>
        ownedBy(image, input.Owners) &&
        (input.IncludeDeprecated || image.OwnerId === ACCOUNT_ID || !image.DeprecationTime || image.DeprecationTime > now),
    );
    const { items, NextToken } = page(filterItems(visible, input.Filters, IMAGE_FIELDS), input, pageSize);
    return { Images: items, NextToken };
  });

  return { mock, vpcs, subnets, images, calls };
}

function ownedBy(image: Image, owners: string[] | undefined): boolean {
  if (!owners || owners.length === 0) return true;
  return owners.some((owner) => {
    if (owner === 'self') return image.OwnerId === ACCOUNT_ID;
    if (OWNER_ALIASES.includes(owner)) return image.ImageOwnerAlias === owner;
    return image.OwnerId === owner;
  });
}

function filterItems<T extends { Tags?: Tag[] }>(items: readonly T[], filters: Filter[] | undefined, fields: Fields<T>): T[] {
  const tests = (filters ?? []).map((filter) => {
    const name = filter.Name ?? '';
    const field = name.startsWith('tag:')
      ? (item: T) => (item.Tags ?? []).filter((tag) => tag.Key === name.slice(4)).map((tag) => tag.Value)
      : fields[name];
    if (!field) throw ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`);
    const patterns = filter.Values ?? [];
    return (item: T) => field(item).some((value) => value !== undefined && patterns.some((p) => globMatches(p, value)));
  });
  return items.filter((item) => tests.every((test) => test(item)));
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
