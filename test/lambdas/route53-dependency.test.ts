import { GetHostedZoneCommand, ListHostedZonesByNameCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { contract } from '../../contracts/route53-dependency/contract';
import { definition, handler } from '../../lambdas/route53-dependency/index';
import { lookupHostedZone, normalizeName, similarZones, zoneData } from '../../lambdas/route53-dependency/lookup';
import { InputError, LookupError } from '../../lambdas/shared/errors';
import { parseProperties } from '../../contracts/properties';
import { fakeRoute53, type FakeZone } from '../../testkit/mock-account';
import { invoke, LOGS, successBody } from '../helpers/cfn';

const route53Mock = mockClient(Route53Client);
const route53 = new Route53Client({ region: 'us-east-1' });

beforeEach(() => {
  route53Mock.reset();
});

const ZONES: FakeZone[] = [
  { id: 'Z1PUB', name: 'example.com', records: 24, comment: 'web site' },
  { id: 'Z2PRIV', name: 'example.com', private: true, vpcs: ['vpc-0aaa', 'vpc-0bbb'], records: 5 },
  { id: 'Z3PRIV', name: 'example.com', private: true, vpcs: ['vpc-0ccc'], records: 6 },
  { id: 'Z4', name: 'example.co', records: 3 },
  { id: 'Z5', name: 'www.example.com', records: 4 },
  { id: 'ZA1', name: 'twin.example.org', records: 3 },
  { id: 'ZA2', name: 'twin.example.org', records: 7 },
  { id: 'ZP', name: 'corp.example', private: true, vpcs: ['vpc-0ddd'], records: 9, comment: 'corporate' },
  { id: 'ZQ', name: 'shop.example', records: 11 },
];

describe('finding a hosted zone', () => {
  it('gives the public zone with its name servers, reading only the zones of that name', async () => {
    // GIVEN
    const account = fakeRoute53(0, ZONES, route53Mock);

    // WHEN
    const result = await lookup({ DomainName: 'example.com', PrivateZone: 'false' });

    // THEN
    expect(result).toEqual({
      id: 'Z1PUB',
      data: {
        Id: 'Z1PUB',
        Name: 'example.com',
        ResourceRecordSetCount: '24',
        PrivateZone: 'false',
        Comment: 'web site',
        NameServers: 'ns-5.awsdns-01.com,ns-6.awsdns-02.net,ns-7.awsdns-03.org,ns-8.awsdns-04.co.uk',
      },
    });
    expect(account.calls).toEqual([
      { command: 'ListHostedZonesByName', input: { DNSName: 'example.com.' } },
      { command: 'GetHostedZone', input: { Id: 'Z1PUB' } },
    ]);
  });

  it.each(['example.com', 'example.com.', 'Example.COM', 'EXAMPLE.com.'])(
    'asks Route 53 for example.com. when DomainName is %s',
    async (domainName) => {
      // GIVEN
      fakeRoute53(0, ZONES, route53Mock);

      // WHEN
      const result = await lookup({ DomainName: domainName, PrivateZone: 'false' });

      // THEN
      expect(result.id).toBe('Z1PUB');
      expect(route53Mock).toHaveReceivedCommandWith(ListHostedZonesByNameCommand, { DNSName: 'example.com.' });
    },
  );

  it('gives a private zone without name servers in one call', async () => {
    // GIVEN
    const account = fakeRoute53(0, ZONES, route53Mock);

    // WHEN
    const result = await lookup({ DomainName: 'corp.example' });

    // THEN
    expect(result).toEqual({
      id: 'ZP',
      data: { Id: 'ZP', Name: 'corp.example', ResourceRecordSetCount: '9', PrivateZone: 'true', Comment: 'corporate' },
    });
    expect(account.calls).toEqual([{ command: 'ListHostedZonesByName', input: { DNSName: 'corp.example.' } }]);
  });

  it('gives an empty Comment when the zone has none', async () => {
    // GIVEN
    fakeRoute53(0, ZONES, route53Mock);

    // WHEN
    const result = await lookup({ DomainName: 'shop.example' });

    // THEN
    expect(result.data.Comment).toBe('');
  });

  it('gives the private zone associated with VpcId, asking only about zones of that name', async () => {
    // GIVEN
    const account = fakeRoute53(0, ZONES, route53Mock);

    // WHEN
    const result = await lookup({ DomainName: 'example.com', VpcId: 'vpc-0ccc' });

    // THEN
    expect(result).toEqual({
      id: 'Z3PRIV',
      data: { Id: 'Z3PRIV', Name: 'example.com', ResourceRecordSetCount: '6', PrivateZone: 'true', Comment: '' },
    });
    expect(account.calls).toEqual([
      { command: 'ListHostedZonesByName', input: { DNSName: 'example.com.' } },
      { command: 'GetHostedZone', input: { Id: 'Z2PRIV' } },
      { command: 'GetHostedZone', input: { Id: 'Z3PRIV' } },
    ]);
  });

  it('stops asking about zones once it finds the one associated with VpcId', async () => {
    // GIVEN
    fakeRoute53(0, ZONES, route53Mock);

    // WHEN
    const result = await lookup({ DomainName: 'example.com', PrivateZone: 'true', VpcId: 'vpc-0bbb' });

    // THEN
    expect(result.id).toBe('Z2PRIV');
    expect(route53Mock).toHaveReceivedCommandTimes(GetHostedZoneCommand, 1);
    expect(route53Mock).toHaveReceivedCommandWith(GetHostedZoneCommand, { Id: 'Z2PRIV' });
  });
});

describe('answering FAILED with a reason an operator can act on', () => {
  it.each([
    [
      'no zone has the name but some are close',
      { DomainName: 'exampel.com' },
      'no hosted zone named exampel.com; zones with similar names: example.com (Z1PUB), example.com (Z2PRIV), example.com (Z3PRIV)',
    ],
    [
      'no zone has the name and none is close',
      { DomainName: 'nothing.invalid' },
      'no hosted zone named nothing.invalid in this AWS account',
    ],
    [
      'a public and a private zone have the name and PrivateZone is not set',
      { DomainName: 'example.com' },
      'both a public (Z1PUB) and a private (Z2PRIV, Z3PRIV) hosted zone are named example.com; set PrivateZone to true or false',
    ],
    [
      'several private zones have the name and VpcId is not set',
      { DomainName: 'example.com', PrivateZone: 'true' },
      '2 private hosted zones are named example.com: Z2PRIV, Z3PRIV; give VpcId to choose the one associated with your VPC',
    ],
    [
      'no zone of the name is associated with VpcId',
      { DomainName: 'example.com', VpcId: 'vpc-0eee' },
      'no private hosted zone named example.com is associated with vpc-0eee; the zones of that name are associated with: Z2PRIV (vpc-0aaa, vpc-0bbb), Z3PRIV (vpc-0ccc)',
    ],
    [
      'two public zones have the name',
      { DomainName: 'twin.example.org' },
      '2 public hosted zones are named twin.example.org: ZA1 (3 records), ZA2 (7 records); delete the one not in use, as the lookup cannot tell which one the domain is delegated to',
    ],
    [
      'only a private zone has the name and PrivateZone is false',
      { DomainName: 'corp.example', PrivateZone: 'false' },
      'no public hosted zone named corp.example, only a private one: ZP; set PrivateZone to true or leave it out',
    ],
    [
      'only a public zone has the name and PrivateZone is true',
      { DomainName: 'shop.example', PrivateZone: 'true' },
      'no private hosted zone named shop.example, only a public one: ZQ; set PrivateZone to false or leave it out',
    ],
    [
      'only a public zone has the name and VpcId is set',
      { DomainName: 'shop.example', VpcId: 'vpc-0aaa' },
      'no private hosted zone named shop.example, only a public one: ZQ; leave out VpcId, which applies only to private zones',
    ],
  ])('when %s', async (_case, properties, reason) => {
    // GIVEN
    fakeRoute53(0, ZONES, route53Mock);

    // WHEN
    const result = lookup(properties);

    // THEN
    await expect(result).rejects.toThrow(new LookupError(reason));
    await expect(result).rejects.toBeInstanceOf(LookupError);
  });

  it('rejects VpcId with PrivateZone false without calling Route 53', async () => {
    // WHEN
    const result = lookup({ DomainName: 'example.com', PrivateZone: 'false', VpcId: 'vpc-0aaa' });

    // THEN
    await expect(result).rejects.toThrow(
      new InputError('VpcId applies only to private hosted zones; leave out PrivateZone or set it to true'),
    );
    expect(route53Mock.calls()).toHaveLength(0);
  });

  it.each([
    ['DomainName', { DomainName: 'https://example.com/' }, 'DomainName "https://example.com/" is not valid: expected the hosted zone name, such as example.com'],
    ['VpcId', { DomainName: 'example.com', VpcId: 'main' }, 'VpcId "main" is not valid: expected the id of a VPC the private hosted zone is associated with, such as vpc-0abc1234'],
    ['PrivateZone', { DomainName: 'example.com', PrivateZone: 'yes' }, 'PrivateZone must be true or false, got "yes"'],
  ])('names %s when its value is malformed', (_name, properties, message) => {
    expect(() => parse(properties)).toThrow(new InputError(message));
  });

  it('keeps the list of similar names to five', () => {
    // GIVEN
    const zones = ['a', 'b', 'c', 'd', 'e', 'f'].map((label) => ({
      Id: `/hostedzone/Z${label}`,
      Name: `${label}.example.com.`,
      CallerReference: label,
    }));

    // WHEN
    const similar = similarZones('example.com.', zones);

    // THEN
    expect(similar.map((zone) => zone.Name)).toEqual([
      'a.example.com.',
      'b.example.com.',
      'c.example.com.',
      'd.example.com.',
      'e.example.com.',
    ]);
  });
});

describe('zone attributes', () => {
  it('gives the Sony attribute names, the id without /hostedzone/ and the name without the dot', () => {
    expect(
      zoneData({
        Id: '/hostedzone/ZEHTTI1S7FAPK',
        Name: 'example.com.',
        CallerReference: 'ref',
        ResourceRecordSetCount: 22,
        Config: { PrivateZone: false },
      }),
    ).toEqual({ Id: 'ZEHTTI1S7FAPK', Name: 'example.com', ResourceRecordSetCount: '22', PrivateZone: 'false', Comment: '' });
  });

  it.each([
    ['example.com', 'example.com.'],
    ['Example.Com.', 'example.com.'],
    ['EXAMPLE.COM..', 'example.com.'],
  ])('writes %s as Route 53 does: %s', (name, expected) => {
    expect(normalizeName(name)).toBe(expected);
  });
});

describe('accounts with many zones', () => {
  it.each([100, 1_000, 10_000])(
    'makes exactly two calls for a public zone in an account with %i zones',
    async (zoneCount) => {
      // GIVEN
      const account = fakeRoute53(zoneCount, [{ id: 'ZSITE', name: 'example.com', records: 8 }], route53Mock);

      // WHEN
      const result = await lookup({ DomainName: 'example.com' });

      // THEN
      expect(result.id).toBe('ZSITE');
      expect(account.calls).toEqual([
        { command: 'ListHostedZonesByName', input: { DNSName: 'example.com.' } },
        { command: 'GetHostedZone', input: { Id: 'ZSITE' } },
      ]);
    },
  );

  it('makes one call to say a zone is missing from an account with 10,000 zones', async () => {
    // GIVEN
    const account = fakeRoute53(10_000, [], route53Mock);

    // WHEN
    const result = lookup({ DomainName: 'team00012.org' });

    // THEN
    await expect(result).rejects.toThrow(
      'no hosted zone named team00012.org; zones with similar names: team00016.org (Z00000016GEN), team00072.org (Z00000072GEN), team00212.org (Z00000212GEN), team00023.org (Z00000023GEN), team00030.org (Z00000030GEN)',
    );
    expect(account.calls).toHaveLength(1);
  });

  it.each([
    [1, 1],
    [100, 1],
    [101, 2],
    [250, 3],
  ])(
    'reads %i private zones that share the name in %i pages, then stops',
    async (sameNamed, pages) => {
      // GIVEN
      const twins = Array.from({ length: sameNamed }, (_, i) => ({
        id: `ZTWIN${String(i).padStart(4, '0')}`,
        name: 'shared.example.com',
        private: true,
        vpcs: [`vpc-0${String(i).padStart(4, '0')}`],
      }));
      const account = fakeRoute53(10_000, twins, route53Mock);

      // WHEN
      const result = await lookup({ DomainName: 'shared.example.com', VpcId: `vpc-0${String(sameNamed - 1).padStart(4, '0')}` });

      // THEN
      expect(result.id).toBe(twins[sameNamed - 1].id);
      const listings = account.calls.filter((call) => call.command === 'ListHostedZonesByName');
      expect(listings).toEqual(
        Array.from({ length: pages }, (_, page) => ({
          command: 'ListHostedZonesByName',
          input: page === 0 ? { DNSName: 'shared.example.com.' } : { DNSName: 'shared.example.com.', HostedZoneId: twins[page * 100].id },
        })),
      );
      expect(account.calls).toHaveLength(pages + sameNamed);
    },
  );

  it('names five of 250 private zones that share the name, in three calls', async () => {
    // GIVEN
    const twins = Array.from({ length: 250 }, (_, i) => ({
      id: `ZTWIN${String(i).padStart(4, '0')}`,
      name: 'shared.example.com',
      private: true,
    }));
    const account = fakeRoute53(10_000, twins, route53Mock);

    // WHEN
    const result = lookup({ DomainName: 'shared.example.com' });

    // THEN
    await expect(result).rejects.toThrow(
      '250 private hosted zones are named shared.example.com: ZTWIN0000, ZTWIN0001, ZTWIN0002, ZTWIN0003, ZTWIN0004 and 245 more; give VpcId to choose the one associated with your VPC',
    );
    expect(account.calls).toHaveLength(3);
  });
});

describe('Custom::Route53Dependency handler', () => {
  it('answers the example of its contract, SUCCESS with the zone id as PhysicalResourceId and the zone attributes as Data', async () => {
    // GIVEN
    fakeRoute53(0, ZONES, route53Mock);

    // WHEN
    const { puts } = await invoke(handler, { properties: contract.example.properties });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual(successBody('ZP', contract.example.data));
  });

  it('answers FAILED naming the zone and similar ones when no zone has the name', async () => {
    // GIVEN
    fakeRoute53(0, ZONES, route53Mock);

    // WHEN
    const { puts } = await invoke(handler, { properties: { DomainName: 'exampel.com' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `no hosted zone named exampel.com; zones with similar names: example.com (Z1PUB), example.com (Z2PRIV), example.com (Z3PRIV). ${LOGS}`,
      PhysicalResourceId: `failed-Dependency-${puts[0].body.RequestId}`,
    });
    expect(puts[0].body.Data).toBeUndefined();
  });

  it('answers FAILED naming the property when a property is misspelt', async () => {
    // WHEN
    const { puts } = await invoke(handler, { properties: { DomainNmae: 'example.com' } });

    // THEN
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `unknown property "DomainNmae"; valid properties are DomainName, PrivateZone, VpcId. ${LOGS}`,
    });
    expect(route53Mock.calls()).toHaveLength(0);
  });
});

function parse(properties: Record<string, unknown>) {
  return parseProperties(definition.schema, properties);
}

function lookup(properties: Record<string, unknown>) {
  return lookupHostedZone({ route53 }, parse(properties), { abortSignal: new AbortController().signal });
}
