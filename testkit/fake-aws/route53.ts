import type { HostedZone } from '@aws-sdk/client-route-53';
import type { FakeAccount, FakeHostedZone } from './account';
import { AwsError, errorResponse, type AwsAnswer, type AwsRequest } from './protocol';
import { el, list, xmlDocument, type Xml, type XmlElement } from './xml';

const XMLNS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const API = '/2013-04-01';

/** Route 53's REST-XML API: `ListHostedZonesByName` and `GetHostedZone`. */
export function answerRoute53(request: AwsRequest, account: FakeAccount): AwsAnswer {
  const zoneMatch = new RegExp(`^${API}/hostedzone/([^/]+)$`).exec(request.path);
  const input = { path: request.path, ...Object.fromEntries(request.query) };
  let action = `${request.method} ${request.path}`;
  try {
    if (request.method === 'GET' && request.path === `${API}/hostedzonesbyname`) {
      action = 'ListHostedZonesByName';
      return ok(action, input, listHostedZonesByName(request.query, account));
    }
    if (request.method === 'GET' && zoneMatch) {
      action = 'GetHostedZone';
      return ok(action, input, getHostedZone(decodeURIComponent(zoneMatch[1]), account));
    }
    return failure(action, input, new AwsError('UnknownOperationException', `${action} is not an operation of this fake Route 53`, 404), false);
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return failure(action, input, error, true);
  }
}

function listHostedZonesByName(query: URLSearchParams, account: FakeAccount): XmlElement {
  const dnsName = query.get('dnsname');
  const startId = query.get('hostedzoneid');
  const maxItems = Number(query.get('maxitems') ?? '100');
  if (startId !== null && dnsName === null) {
    throw new AwsError('InvalidInput', 'The DNS name must be specified when a hosted zone id is specified');
  }
  const { shown, next } = hostedZonesPage(account.hostedZones, (entry) => entry.zone, dnsName, startId, maxItems);
  return el(
    'ListHostedZonesByNameResponse',
    [
      list('HostedZones', 'HostedZone', shown, (entry) => zoneXml(entry.zone)),
      el('DNSName', dnsName ?? undefined),
      el('HostedZoneId', startId ?? undefined),
      el('IsTruncated', next !== undefined),
      el('NextDNSName', next?.zone.Name),
      el('NextHostedZoneId', next && zoneId(next.zone)),
      el('MaxItems', maxItems),
    ],
    XMLNS,
  );
}

/**
 * One page of `ListHostedZonesByName` as Route 53 gives it: the zones sorted
 * by name with the labels reversed, then by id, from `dnsName` and `startId`
 * on, at most `maxItems`, and the first zone of the next page.
 */
export function hostedZonesPage<T>(
  zones: readonly T[],
  zoneOf: (item: T) => HostedZone,
  dnsName: string | null | undefined,
  startId: string | null | undefined,
  maxItems: number,
): { shown: T[]; next: T | undefined } {
  const sorted = [...zones].sort((a, b) => compareZones(zoneOf(a), zoneOf(b)));
  const start = sorted.findIndex((item) => {
    if (dnsName === null || dnsName === undefined) return true;
    const order = compareNames(zoneOf(item).Name ?? '', dnsName);
    return order > 0 || (order === 0 && (startId === null || startId === undefined || zoneId(zoneOf(item)) >= startId));
  });
  const rest = start < 0 ? [] : sorted.slice(start);
  return { shown: rest.slice(0, maxItems), next: rest[maxItems] };
}

function getHostedZone(id: string, account: FakeAccount): XmlElement {
  const wanted = id.replace(/^\/hostedzone\//, '');
  const entry = account.hostedZones.find((candidate) => zoneId(candidate.zone) === wanted);
  if (!entry) throw new AwsError('NoSuchHostedZone', `No hosted zone found with ID: ${wanted}`, 404);
  return el(
    'GetHostedZoneResponse',
    [
      el('HostedZone', zoneXml(entry.zone)),
      delegationSet(entry),
      list('VPCs', 'VPC', entry.vpcs, (vpc) => [el('VPCRegion', vpc.VPCRegion), el('VPCId', vpc.VPCId)]),
    ],
    XMLNS,
  );
}

function delegationSet(entry: FakeHostedZone): Xml {
  if (!entry.nameServers) return undefined;
  return el('DelegationSet', list('NameServers', 'NameServer', entry.nameServers, (name) => name));
}

function zoneXml(zone: HostedZone): Xml {
  return [
    el('Id', zone.Id),
    el('Name', zone.Name),
    el('CallerReference', zone.CallerReference),
    el('Config', zone.Config && [el('Comment', zone.Config.Comment), el('PrivateZone', zone.Config.PrivateZone)]),
    el('ResourceRecordSetCount', zone.ResourceRecordSetCount),
  ];
}

/** Route 53 orders zones by name with the labels reversed (`com.example.www`), then by id. */
function compareZones(a: HostedZone, b: HostedZone): number {
  return compareNames(a.Name ?? '', b.Name ?? '') || zoneId(a).localeCompare(zoneId(b));
}

function compareNames(a: string, b: string): number {
  const key = (name: string) => name.toLowerCase().replace(/\.$/, '').split('.').reverse().join('.');
  const [x, y] = [key(a), key(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function zoneId(zone: HostedZone): string {
  return (zone.Id ?? '').replace(/^\/hostedzone\//, '');
}

function ok(action: string, input: unknown, root: XmlElement): AwsAnswer {
  return { action, input, status: 200, contentType: 'text/xml', body: xmlDocument(root), known: true };
}

function failure(action: string, input: unknown, error: AwsError, known: boolean): AwsAnswer {
  return { action, input, status: error.status, contentType: 'text/xml', body: errorResponse(error, XMLNS), known };
}
