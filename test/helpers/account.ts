import {
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  Route53Client,
  type HostedZone,
  type ListHostedZonesByNameCommandInput,
  type ListHostedZonesByNameCommandOutput,
} from '@aws-sdk/client-route-53';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';

/** One request a fake account answered, with its input as it was when sent. */
export interface FakeCall {
  readonly command: string;
  readonly input: Record<string, unknown>;
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
    calls.push({ command: 'ListHostedZonesByName', input: structuredClone(input) as Record<string, unknown> });
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
    calls.push({ command: 'GetHostedZone', input: structuredClone(input) as Record<string, unknown> });
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
