import {
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  type GetHostedZoneCommandOutput,
  type HostedZone,
  type ListHostedZonesByNameCommandInput,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { toData } from '../shared/data';
import { InputError, LookupError } from '../shared/errors';
import { listSome } from '../../contracts/text';
import type { Data, LookupContext, LookupResult } from '../shared/definition';
import type { Parsed } from '../../contracts/properties';
import type { schema } from '../../contracts/route53-dependency/contract';

/** The properties of a `Custom::Route53Dependency`, parsed. */
export type Route53Properties = Parsed<typeof schema>;

/** The SDK clients the lookup sends its calls with. */
export interface Route53Clients {
  readonly route53: Route53Client;
}

/** How many zones, or VPCs of a zone, a message names before saying how many more there are. */
const LISTED = 5;

/**
 * Finds the hosted zone named `DomainName`, reading only the zones of that
 * name: `ListHostedZonesByName` starts at the name and the listing stops as
 * soon as the names move past it.
 */
export async function lookupHostedZone(
  { route53 }: Route53Clients,
  props: Route53Properties,
  { abortSignal }: LookupContext,
): Promise<LookupResult> {
  if (props.VpcId !== undefined && props.PrivateZone === false) {
    throw new InputError('VpcId applies only to private hosted zones; leave out PrivateZone or set it to true');
  }
  const name = normalizeName(props.DomainName);
  const privateZone = props.PrivateZone ?? (props.VpcId === undefined ? undefined : true);
  const { named, firstPage } = await listZonesNamed(route53, name, abortSignal);
  const candidates = chooseKind(name, named, firstPage, privateZone, props.VpcId !== undefined);

  if (props.VpcId !== undefined) {
    const zone = await findZoneOfVpc(route53, name, candidates, props.VpcId, abortSignal);
    return { id: zoneId(zone.Id), data: zoneData(zone) };
  }
  if (candidates.length > 1) throw ambiguous(name, candidates);
  const [zone] = candidates;
  if (zone.Config?.PrivateZone) return { id: zoneId(zone.Id), data: zoneData(zone) };

  const details = await route53.send(new GetHostedZoneCommand({ Id: zoneId(zone.Id) }), { abortSignal });
  const current = details.HostedZone ?? zone;
  return { id: zoneId(current.Id), data: zoneData(current, details.DelegationSet?.NameServers ?? []) };
}

/** The attributes of a hosted zone; `nameServers` only for public zones. */
export function zoneData(zone: HostedZone, nameServers?: readonly string[]): Data {
  return toData({
    Id: zoneId(zone.Id),
    Name: displayName(zone.Name),
    ResourceRecordSetCount: zone.ResourceRecordSetCount,
    PrivateZone: zone.Config?.PrivateZone ?? false,
    Comment: zone.Config?.Comment ?? '',
    NameServers: nameServers,
  });
}

/**
 * Up to five zones whose names are close to `name` (a few letters apart, or
 * zones for its subdomains), closest first.
 */
export function similarZones(name: string, zones: readonly HostedZone[]): HostedZone[] {
  const wanted = displayName(name);
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return zones
    .map((zone) => ({ zone, name: displayName(zone.Name) }))
    .filter((z) => z.name !== wanted)
    .map((z) => ({ ...z, distance: editDistance(wanted, z.name) }))
    .filter((z) => z.distance <= limit || z.name.endsWith(`.${wanted}`))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, LISTED)
    .map((z) => z.zone);
}

/** `Example.COM` and `example.com.` both become `example.com.`, as Route 53 writes zone names. */
export function normalizeName(name: string | undefined): string {
  return `${(name ?? '').toLowerCase().replace(/\.+$/, '')}.`;
}

async function listZonesNamed(
  route53: Route53Client,
  name: string,
  abortSignal: AbortSignal,
): Promise<{ named: HostedZone[]; firstPage: HostedZone[] }> {
  const named: HostedZone[] = [];
  let firstPage: HostedZone[] | undefined;
  let input: ListHostedZonesByNameCommandInput = { DNSName: name };
  for (;;) {
    const page = await route53.send(new ListHostedZonesByNameCommand(input), { abortSignal });
    const zones = page.HostedZones ?? [];
    firstPage ??= zones;
    named.push(...zones.filter((zone) => normalizeName(zone.Name) === name));
    if (!page.IsTruncated || normalizeName(page.NextDNSName) !== name) return { named, firstPage };
    input = { DNSName: page.NextDNSName, HostedZoneId: page.NextHostedZoneId };
  }
}

/** The zones of the kind asked for (public or private), or an error that says what there is instead. */
function chooseKind(
  name: string,
  named: HostedZone[],
  firstPage: HostedZone[],
  privateZone: boolean | undefined,
  vpcGiven: boolean,
): HostedZone[] {
  const shown = displayName(name);
  if (named.length === 0) {
    const similar = similarZones(name, firstPage);
    if (similar.length === 0) throw new LookupError(`no hosted zone named ${shown} in this AWS account`);
    const list = similar.map((zone) => `${displayName(zone.Name)} (${zoneId(zone.Id)})`).join(', ');
    throw new LookupError(`no hosted zone named ${shown}; zones with similar names: ${list}`);
  }

  const privates = named.filter((zone) => zone.Config?.PrivateZone === true);
  const publics = named.filter((zone) => zone.Config?.PrivateZone !== true);
  if (privateZone === undefined) {
    if (privates.length > 0 && publics.length > 0) {
      throw new LookupError(
        `both a public (${ids(publics)}) and a private (${ids(privates)}) hosted zone are named ${shown}; set PrivateZone to true or false`,
      );
    }
    return named;
  }

  const [wanted, others] = privateZone ? [privates, publics] : [publics, privates];
  if (wanted.length > 0) return wanted;
  const kind = privateZone ? 'private' : 'public';
  const other = privateZone ? 'public' : 'private';
  const what = others.length === 1 ? `a ${other} one` : `${other} ones`;
  const hint = vpcGiven
    ? 'leave out VpcId, which applies only to private zones'
    : `set PrivateZone to ${!privateZone} or leave it out`;
  throw new LookupError(`no ${kind} hosted zone named ${shown}, only ${what}: ${ids(others)}; ${hint}`);
}

function ambiguous(name: string, zones: HostedZone[]): LookupError {
  const shown = displayName(name);
  if (zones[0].Config?.PrivateZone) {
    return new LookupError(
      `${zones.length} private hosted zones are named ${shown}: ${ids(zones)}; give VpcId to choose the one associated with your VPC`,
    );
  }
  const list = listSome(zones.map((zone) => `${zoneId(zone.Id)} (${zone.ResourceRecordSetCount ?? 0} records)`), LISTED);
  return new LookupError(
    `${zones.length} public hosted zones are named ${shown}: ${list}; delete the one not in use, as the lookup cannot tell which one the domain is delegated to`,
  );
}

/**
 * The private zone associated with `vpcId`. Route 53 lets a VPC be associated
 * with only one zone of a name, so the first one found is the one.
 */
async function findZoneOfVpc(
  route53: Route53Client,
  name: string,
  candidates: HostedZone[],
  vpcId: string,
  abortSignal: AbortSignal,
): Promise<HostedZone> {
  const seen: Array<{ id: string; details: GetHostedZoneCommandOutput }> = [];
  for (const candidate of candidates) {
    const id = zoneId(candidate.Id);
    const details = await route53.send(new GetHostedZoneCommand({ Id: id }), { abortSignal });
    if (details.VPCs?.some((vpc) => vpc.VPCId === vpcId)) return details.HostedZone ?? candidate;
    seen.push({ id, details });
  }
  const associations = seen.map(({ id, details }) => {
    const vpcs = (details.VPCs ?? []).map((vpc) => vpc.VPCId ?? '');
    return `${id} (${vpcs.length === 0 ? 'no VPC' : listSome(vpcs, 3)})`;
  });
  throw new LookupError(
    `no private hosted zone named ${displayName(name)} is associated with ${vpcId}; the zones of that name are associated with: ${listSome(associations, LISTED)}`,
  );
}

function ids(zones: HostedZone[]): string {
  return listSome(zones.map((zone) => zoneId(zone.Id)), LISTED);
}

function zoneId(id: string | undefined): string {
  return (id ?? '').replace(/^\/hostedzone\//, '');
}

function displayName(name: string | undefined): string {
  return (name ?? '').replace(/\.$/, '');
}

/** Levenshtein distance: the fewest single-letter edits that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
