import { ACMClient } from '@aws-sdk/client-acm';
import { IAMClient, ListServerCertificatesCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { contract, schema } from '../../contracts/certificate-dependency/contract';
import { definition, handler } from '../../lambdas/certificate-dependency/index';
import {
  acmCertificateData,
  type CertificateProperties,
  chooseAcmCertificate,
  chooseServerCertificate,
  covers,
  lookupCertificate,
  nameMatcher,
  serverCertificateData,
} from '../../lambdas/certificate-dependency/lookup';
import { InputError, LookupError } from '../../lambdas/shared/errors';
import { parseProperties } from '../../contracts/properties';
import { acmCertificate, fakeAcm, fakeIam, serverCertificate } from '../../testkit/mock-account-lookups';
import { invoke, LOGS, STACK_ID, successBody } from '../helpers/cfn';
import { rejectionBy, thrownBy } from '../helpers/thrown';

const iamMock = mockClient(IAMClient);
const acmMock = mockClient(ACMClient);

const EVERY_KEY_TYPE = [
  'EC_prime256v1',
  'EC_secp384r1',
  'EC_secp521r1',
  'RSA_1024',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
];
const ISSUED_OF_EVERY_KEY_TYPE = { CertificateStatuses: ['ISSUED'], Includes: { keyTypes: EVERY_KEY_TYPE } };

const NOW = new Date('2026-06-01T00:00:00Z');

beforeEach(() => {
  iamMock.reset();
  acmMock.reset();
});

describe('domain matching', () => {
  it.each<[string, string, boolean]>([
    ['www.example.com', 'www.example.com', true],
    ['WWW.Example.com', 'www.example.COM', true],
    ['*.example.com', 'www.example.com', true],
    ['*.EXAMPLE.com', 'Api.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'www.example.org', false],
    ['*.example.com', 'wwwexample.com', false],
    ['*.example.com', '*.example.com', true],
    ['www.example.com', '*.example.com', false],
    ['example.com', 'www.example.com', false],
  ])('certificate name %s covers %s: %s', (name, domain, expected) => {
    expect(covers(name, domain)).toBe(expected);
  });
});

describe('IAM server certificate names', () => {
  it.each<[string, string, boolean]>([
    ['web', 'web', true],
    ['web', 'web-2024', false],
    ['web', 'old-web', false],
    ['web-.*', 'web-2024', true],
    ['web-\\d{4}', 'web-2024', true],
    ['web-\\d{4}', 'web-2024-old', false],
    ['web|api', 'web', true],
    ['web|api', 'webapi', false],
    ['web|api', 'api-2024', false],
  ])('pattern %j matches the whole name %j: %s', (pattern, name, expected) => {
    expect(nameMatcher(pattern)(name)).toBe(expected);
  });

  it.each([
    ['web-(', 'CertificateName "web-(" is not a valid regular expression: Unterminated group; correct the pattern'],
    ['web)|(api', 'CertificateName "web)|(api" is not a valid regular expression: Unmatched \')\'; correct the pattern'],
    ['[web', 'CertificateName "[web" is not a valid regular expression: Unterminated character class; correct the pattern'],
    ['*web', 'CertificateName "*web" is not a valid regular expression: Nothing to repeat; correct the pattern'],
  ])('answers FAILED explaining why %j is not a regular expression', (pattern, message) => {
    // WHEN
    const error = thrownBy(InputError, () => nameMatcher(pattern));

    // THEN
    expect(error.message).toBe(message);
    expect(error.properties).toEqual(['CertificateName']);
    expect(error.cause).toMatchObject({ name: 'PatternError', cause: expect.any(SyntaxError) });
  });
});

describe('choosing an IAM server certificate', () => {
  const certificates = [
    serverCertificate('web-2025', '2026-03-01T00:00:00Z'),
    serverCertificate('web-2026', '2027-03-01T00:00:00Z', '/cloudfront/'),
    serverCertificate('web-2026b', '2027-01-01T00:00:00Z'),
    serverCertificate('api-2026', '2028-01-01T00:00:00Z'),
  ];

  it('chooses the matching certificate that expires last', () => {
    expect(chooseServerCertificate(certificates, 'web-.*', nameMatcher('web-.*'), NOW).ServerCertificateName).toBe(
      'web-2026',
    );
  });

  it.each<[string, string, readonly ReturnType<typeof serverCertificate>[], string]>([
    [
      'no name matches',
      'www-.*',
      certificates,
      'no IAM server certificate has a whole name matching "www-.*"; this account has ' +
        'api-2026, web-2025, web-2026, web-2026b. Correct CertificateName, or upload the certificate to IAM',
    ],
    [
      'the account has no server certificates',
      'web-.*',
      [],
      'no IAM server certificate has a whole name matching "web-.*"; this account has none. ' +
        'Correct CertificateName, or upload the certificate to IAM',
    ],
    [
      'every matching certificate has expired',
      'web-2025|web-2026b',
      [
        serverCertificate('web-2025', '2026-03-01T00:00:00Z'),
        serverCertificate('web-2026b', '2026-05-31T23:59:59Z'),
        serverCertificate('web-2027', '2028-01-01T00:00:00Z'),
      ],
      'every IAM server certificate whose whole name matches "web-2025|web-2026b" has expired; the latest, ' +
        'web-2026b, expired at 2026-05-31T23:59:59.000Z. Upload a renewed certificate to IAM',
    ],
    [
      'only part of the name matches',
      'web',
      certificates,
      'no IAM server certificate has a whole name matching "web"; this account has ' +
        'api-2026, web-2025, web-2026, web-2026b. Correct CertificateName, or upload the certificate to IAM',
    ],
  ])('answers FAILED saying what the account holds when %s', (_case, pattern, list, reason) => {
    // WHEN
    const error = thrownBy(LookupError, () => chooseServerCertificate(list, pattern, nameMatcher(pattern), NOW));

    // THEN
    expect(error.message).toBe(reason);
  });

  it('lists as many names as fit in a message and counts the others', () => {
    // GIVEN 100 certificates with names of 26 characters
    const many = Array.from({ length: 100 }, (_, i) =>
      serverCertificate(`legacy-site-certificate-${String(i).padStart(2, '0')}`, '2030-01-01T00:00:00Z'),
    );

    // WHEN
    const error = thrownBy(LookupError, () => chooseServerCertificate(many, 'web', nameMatcher('web'), NOW));

    // THEN ten names and their separators fit in 300 characters
    expect(error.message).toBe(
      'no IAM server certificate has a whole name matching "web"; this account has ' +
        Array.from({ length: 10 }, (_, i) => `legacy-site-certificate-0${i}`).join(', ') +
        ' and 90 more. Correct CertificateName, or upload the certificate to IAM',
    );
  });
});

describe('choosing an ACM certificate', () => {
  const certificates = [
    acmCertificate('example.com', { names: ['example.com', 'www.example.com'], notAfter: '2027-01-01T00:00:00Z' }),
    acmCertificate('*.example.com', { notAfter: '2027-06-01T00:00:00Z', keyAlgorithm: 'EC_prime256v1' }),
    acmCertificate('api.example.com', { notAfter: '2028-01-01T00:00:00Z' }),
    acmCertificate('shop.example.org', {
      names: ['shop.example.org', 'WWW.EXAMPLE.NET'],
      notAfter: '2026-09-01T00:00:00Z',
    }),
  ];

  it.each<[string, string, string]>([
    ['a wildcard that expires after the exact name', 'www.example.com', '*.example.com'],
    ['the certificate for the exact name when no wildcard covers it', 'example.com', 'example.com'],
    ['a name ending in a dot', 'api.example.com.', 'api.example.com'],
    ['the exact name that expires after a wildcard', 'api.example.com', 'api.example.com'],
    ['a certificate by a subject alternative name in another case', 'www.example.net', 'shop.example.org'],
    ['the wildcard certificate itself', '*.example.com', '*.example.com'],
  ])('chooses %s', (_case, domain, chosen) => {
    expect(chooseAcmCertificate(certificates, domain, 'eu-west-1').DomainName).toBe(chosen);
  });

  it.each<[string, string, readonly ReturnType<typeof acmCertificate>[], string]>([
    [
      'no certificate covers the domain',
      'www.example.info',
      certificates,
      'no ISSUED ACM certificate in us-east-1 covers www.example.info, exactly or by a wildcard; those there are for ' +
        '*.example.com, api.example.com, example.com, shop.example.org. ' +
        'Request or import a certificate for it, or set Region to where it is',
    ],
    [
      'a wildcard would need two labels',
      'a.b.example.com',
      certificates,
      'no ISSUED ACM certificate in us-east-1 covers a.b.example.com, exactly or by a wildcard; those there are for ' +
        '*.example.com, api.example.com, example.com, shop.example.org. ' +
        'Request or import a certificate for it, or set Region to where it is',
    ],
    [
      'the region has no certificates',
      'www.example.com',
      [],
      'no ISSUED ACM certificate in us-east-1 covers www.example.com, exactly or by a wildcard; ' +
        'there are no ISSUED certificates there. Request or import a certificate for it, or set Region to where it is',
    ],
  ])('answers FAILED naming the region and what it holds when %s', (_case, domain, list, reason) => {
    // WHEN
    const error = thrownBy(LookupError, () => chooseAcmCertificate(list, domain, 'us-east-1'));

    // THEN
    expect(error.message).toBe(reason);
  });
});

describe('certificate attributes', () => {
  it('gives an IAM server certificate its Sony attributes', () => {
    expect(serverCertificateData(serverCertificate('web-2026', '2027-03-01T00:00:00Z', '/cloudfront/'))).toEqual({
      Path: '/cloudfront/',
      ServerCertificateName: 'web-2026',
      ServerCertificateId: expect.stringMatching(/^ASCA[0-9A-F]{8}EXAMPLE$/),
      Arn: 'arn:aws:iam::123456789012:server-certificate/cloudfront/web-2026',
      UploadDate: '2026-03-01T00:00:00.000Z',
      Expiration: '2027-03-01T00:00:00.000Z',
    });
  });

  it('gives an ACM certificate its ARN, names, status, expiry, type and key algorithm', () => {
    // GIVEN
    const certificate = acmCertificate('example.com', {
      region: 'us-east-1',
      names: ['example.com', '*.example.com'],
      notAfter: '2027-08-14T23:59:59Z',
      keyAlgorithm: 'EC_secp384r1',
      type: 'IMPORTED',
    });

    // WHEN
    const data = acmCertificateData(certificate);

    // THEN
    expect(data).toEqual({
      Arn: certificate.CertificateArn,
      DomainName: 'example.com',
      Status: 'ISSUED',
      NotAfter: '2027-08-14T23:59:59.000Z',
      Type: 'IMPORTED',
      KeyAlgorithm: 'EC_secp384r1',
      SubjectAlternativeNames: 'example.com,*.example.com',
    });
    expect(data.Arn).toMatch(/^arn:aws:acm:us-east-1:123456789012:certificate\//);
  });
});

describe('lookup in IAM', () => {
  it('answers with the matching server certificate after one listing call', async () => {
    // GIVEN
    const account = fakeIam({ extraCertificates: [serverCertificate('web-2030', '2031-01-01T00:00:00Z')] }, iamMock);

    // WHEN
    const result = await lookup({ CertificateName: 'web-\\d+' });

    // THEN
    expect(result).toEqual({
      id: 'arn:aws:iam::123456789012:server-certificate/web-2030',
      data: serverCertificateData(serverCertificate('web-2030', '2031-01-01T00:00:00Z')),
    });
    expect(account.calls).toEqual([{ command: 'ListServerCertificates', input: { MaxItems: 1000 } }]);
    expect(acmMock.calls()).toHaveLength(0);
  });

  it('answers FAILED when Region is given with CertificateName, without calling AWS', async () => {
    // GIVEN
    fakeIam({ certificates: 3 }, iamMock);

    // WHEN
    const error = await lookup({ CertificateName: 'site-0001', Region: 'us-east-1' }).catch((e: unknown) => e);

    // THEN
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(
      'Region applies only to ACM certificates (DomainName); IAM server certificates (CertificateName) ' +
        'belong to no region. Remove Region',
    );
    expect(iamMock.calls()).toHaveLength(0);
  });

  it('answers FAILED for an invalid regular expression without calling AWS', async () => {
    // WHEN
    const error = await lookup({ CertificateName: 'web-(' }).catch((e: unknown) => e);

    // THEN
    expect(error).toBeInstanceOf(InputError);
    expect(iamMock.calls()).toHaveLength(0);
  });
});

describe('lookup in ACM', () => {
  it('finds an EC certificate in the Region given, listing ISSUED certificates of every key type', async () => {
    // GIVEN an EC certificate in us-east-1, and a later one for the same name in eu-west-1
    const cloudfront = acmCertificate('*.example.com', {
      region: 'us-east-1',
      keyAlgorithm: 'EC_prime256v1',
      notAfter: '2027-05-01T00:00:00Z',
    });
    const account = fakeAcm(
      {
        extraCertificates: [
          cloudfront,
          acmCertificate('www.example.com', { region: 'eu-west-1', notAfter: '2028-01-01T00:00:00Z' }),
          acmCertificate('www.example.com', { region: 'us-east-1', status: 'PENDING_VALIDATION' }),
        ],
      },
      acmMock,
    );
    const clients = lookupClients();

    // WHEN
    const result = await lookupCertificate(
      clients,
      { DomainName: 'www.example.com', Region: 'us-east-1' },
      { abortSignal: new AbortController().signal },
    );

    // THEN
    expect(result).toEqual({ id: cloudfront.CertificateArn, data: acmCertificateData(cloudfront) });
    expect(clients.acm).toHaveBeenCalledWith('us-east-1');
    expect(account.calls).toEqual([
      { command: 'ListCertificates', input: { ...ISSUED_OF_EVERY_KEY_TYPE, MaxItems: 1000 }, region: 'us-east-1' },
    ]);
    expect(iamMock.calls()).toHaveLength(0);
  });

  it("looks in the Lambda's own region when Region is not given, and names it when nothing is found", async () => {
    // GIVEN
    const elsewhere = acmCertificate('www.example.com', { region: 'us-east-1' });
    const account = fakeAcm({ extraCertificates: [elsewhere] }, acmMock);
    const clients = lookupClients();

    // WHEN
    const error = await rejectionBy(LookupError, lookupCertificate(clients, { DomainName: 'www.example.com' }, signal()));

    // THEN
    expect(clients.acm).toHaveBeenCalledWith(undefined);
    expect(account.calls.map((call) => call.region)).toEqual(['eu-west-1']);
    expect(error.message).toBe(
      'no ISSUED ACM certificate in eu-west-1 covers www.example.com, exactly or by a wildcard; ' +
        'there are no ISSUED certificates there. Request or import a certificate for it, or set Region to where it is',
    );
  });
});

describe('properties', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'neither CertificateName nor DomainName is given',
      {},
      'give exactly one of CertificateName (a regular expression for an IAM server certificate name) ' +
        'and DomainName (a domain an ACM certificate covers); neither was given',
    ],
    [
      'both CertificateName and DomainName are given',
      { CertificateName: 'web', DomainName: 'www.example.com' },
      'give exactly one of CertificateName (a regular expression for an IAM server certificate name) ' +
        'and DomainName (a domain an ACM certificate covers); both were given',
    ],
  ])('answers FAILED without calling AWS when %s', async (_case, raw, message) => {
    // WHEN
    const error = await lookup(parseProperties(schema, raw)).catch((e: unknown) => e);

    // THEN
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe(message);
    expect(iamMock.calls()).toHaveLength(0);
    expect(acmMock.calls()).toHaveLength(0);
  });

  it.each([
    [{ DomainName: 'www.example.com', Region: 'us-east-1' }],
    [{ DomainName: '*.example.com', Region: 'us-gov-west-1' }],
    [{ DomainName: 'example.co.uk.', Region: 'cn-north-1' }],
    [{ CertificateName: 'web-(2024|2025)' }],
  ])('accepts %j', (raw) => {
    expect(parseProperties(schema, raw)).toEqual(raw);
  });

  it.each([
    [
      { DomainName: 'https://www.example.com' },
      'DomainName "https://www.example.com" is not valid: expected a domain name an ACM certificate covers, ' +
        'exactly or by a wildcard, such as www.example.com',
    ],
    [
      { DomainName: 'www.*.example.com' },
      'DomainName "www.*.example.com" is not valid: expected a domain name an ACM certificate covers, ' +
        'exactly or by a wildcard, such as www.example.com',
    ],
    [
      { DomainName: 'www.example.com', Region: 'US East (N. Virginia)' },
      'Region "US East (N. Virginia)" is not valid: ' +
        'expected the region of the ACM certificate, such as us-east-1 for CloudFront',
    ],
    [
      { Name: 'web' },
      'unknown property "Name"; valid properties are CertificateName, DomainName, Region',
    ],
  ])('rejects %j', (raw, message) => {
    expect(() => parseProperties(schema, raw)).toThrow(new InputError(message));
  });

  it('creates one IAM client and one ACM client per region', async () => {
    // WHEN
    const clients = definition.clients();

    // THEN
    expect(clients.iam).toBeInstanceOf(IAMClient);
    expect(clients.acm('us-east-1')).toBe(clients.acm('us-east-1'));
    expect(clients.acm('us-east-1')).not.toBe(clients.acm('eu-west-1'));
    expect(await clients.acm('us-east-1').config.region()).toBe('us-east-1');
    expect(await clients.acm('eu-west-1').config.region()).toBe('eu-west-1');
  });
});

describe('scale', () => {
  it.each([
    ['answers in one page', undefined, 1],
    ['follows every marker when IAM returns pages of 100', 100, 10],
  ])('IAM with 1,000 server certificates %s', async (_case, pageLimit, calls) => {
    // GIVEN
    const account = fakeIam({ certificates: 1000, pageLimit }, iamMock);

    // WHEN the names of site-0000 to site-0099 match
    const result = await lookup({ CertificateName: 'site-00\\d\\d' });

    // THEN the one of them expiring last wins, after one call per page
    expect(result.data.ServerCertificateName).toBe('site-0059');
    expect(account.calls).toHaveLength(calls);
    expect(account.calls.map((call) => call.input.Marker !== undefined)).toEqual(
      Array.from({ length: calls }, (_, i) => i > 0),
    );
  });

  it.each([
    ['answers in one page', undefined, 1],
    ['follows every token when ACM returns pages of 100', 100, 6],
  ])('ACM with 1,000 certificates, 600 of them ISSUED, %s', async (_case, pageLimit, calls) => {
    // GIVEN
    const account = fakeAcm({ certificates: 1000, pageLimit }, acmMock);

    // WHEN
    const result = await lookup({ DomainName: 'www.app0995.example.com' });

    // THEN
    expect(result.data.DomainName).toBe('app0995.example.com');
    expect(account.calls).toHaveLength(calls);
    expect(account.calls.map((call) => call.input.NextToken !== undefined)).toEqual(
      Array.from({ length: calls }, (_, i) => i > 0),
    );
  });
});

describe('Custom::CertificateDependency handler', () => {
  it('answers the example of its contract, SUCCESS with the ACM certificate ARN as PhysicalResourceId, looking in the Region given', async () => {
    // GIVEN
    const certificate = acmCertificate('*.example.com', {
      region: 'us-east-1',
      names: ['*.example.com', 'example.com'],
      notAfter: '2027-10-31T23:59:59Z',
    });
    const account = fakeAcm({ extraCertificates: [certificate] }, acmMock);

    // WHEN
    const { puts } = await invoke(handler, { properties: contract.example.properties });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual(successBody(certificate.CertificateArn, contract.example.data));
    expect(account.calls.map((call) => call.region)).toEqual(['us-east-1']);
  });

  it('answers SUCCESS with the IAM server certificate ARN as PhysicalResourceId', async () => {
    // GIVEN
    fakeIam({ extraCertificates: [serverCertificate('web-2030', '2031-01-01T00:00:00Z')] }, iamMock);

    // WHEN
    const { puts } = await invoke(handler, { properties: { CertificateName: 'web-.*' } });

    // THEN
    expect(puts[0].body).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: 'arn:aws:iam::123456789012:server-certificate/web-2030',
      Data: {
        Path: '/',
        ServerCertificateName: 'web-2030',
        ServerCertificateId: serverCertificate('web-2030', '2031-01-01T00:00:00Z').ServerCertificateId,
        Arn: 'arn:aws:iam::123456789012:server-certificate/web-2030',
        UploadDate: '2030-01-01T00:00:00.000Z',
        Expiration: '2031-01-01T00:00:00.000Z',
      },
    });
  });

  it.each([
    ['(a+)+', `${'a'.repeat(30)}!`],
    ['(www-)?([a-z0-9]+-?)+-prod', `www-${'a1-'.repeat(12)}prox`],
    ['(www-)?([a-z0-9]+-?)+-prod', `www-${'a1-'.repeat(40)}prox`],
  ])('answers CertificateName %j against the name %j before the deadline of a 5 s budget', async (pattern, name) => {
    // GIVEN a pattern that makes a backtracking engine run for minutes on this name
    fakeIam({ extraCertificates: [serverCertificate(name, '2031-01-01T00:00:00Z')] }, iamMock);

    // WHEN
    const { puts } = await invoke(handler, { properties: { CertificateName: pattern }, remainingMs: 5000 });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body.Status).toBe('FAILED');
    expect(puts[0].body.Reason).toMatch(new RegExp(`^no IAM server certificate has a whole name matching ${escape(JSON.stringify(pattern))}; this account has `));
    expect(iamMock).toHaveReceivedCommandTimes(ListServerCertificatesCommand, 1);
  });

  it('finds a certificate by a pattern that nests repetitions, in linear time', async () => {
    // GIVEN
    const name = `www-${'a1-'.repeat(40)}prod`;
    fakeIam({ extraCertificates: [serverCertificate(name, '2031-01-01T00:00:00Z')] }, iamMock);

    // WHEN
    const { puts } = await invoke(handler, { properties: { CertificateName: '(www-)?([a-z0-9]+-?)+-prod' }, remainingMs: 5000 });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `arn:aws:iam::123456789012:server-certificate/${name}` });
  });

  it('answers FAILED saying it timed out, before the deadline, when a pattern of thousands of states meets a hundred long names', async () => {
    // GIVEN a pattern that keeps thousands of states alive at every character, and a hundred names of IAM's longest
    const pattern = `(?:${Array.from({ length: 3000 }, (_, i) => `a${i % 10}`).join('|')}|a)*x`;
    const names = Array.from({ length: 100 }, (_, i) => `${'a'.repeat(125)}${String(i).padStart(3, '0')}`);
    fakeIam({ extraCertificates: names.map((name) => serverCertificate(name, '2031-01-01T00:00:00Z')) }, iamMock);

    // WHEN
    const { puts } = await invoke(handler, { properties: { CertificateName: pattern }, remainingMs: 3000 });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body.Status).toBe('FAILED');
    expect(puts[0].body.Reason).toMatch(/^timed out after [\d.]+ s looking up Custom::CertificateDependency; the Lambda had [\d.]+ s left, kept to send this answer\./);
    expect(iamMock).toHaveReceivedCommandTimes(ListServerCertificatesCommand, 1);
  });

  it.each([
    ['web-(\\d+)-\\1', 'CertificateName "web-(\\\\d+)-\\\\1" uses a backreference "\\1", which linear-time matching does not support; write out what the group should match again instead of referring back to it'],
    ['(?!old-).*', 'CertificateName "(?!old-).*" uses a lookahead "(?!", which linear-time matching does not support; match the whole name with a pattern that has no lookahead or lookbehind, listing the forms you want with |'],
  ])('answers FAILED without calling AWS when CertificateName %j needs backtracking, naming it and the fix', async (pattern, sentence) => {
    // WHEN
    const { puts } = await invoke(handler, { properties: { CertificateName: pattern } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({ Status: 'FAILED', Reason: `${sentence}. ${LOGS}` });
    expect(iamMock.calls()).toHaveLength(0);
  });

  it('answers FAILED without calling AWS when both CertificateName and DomainName are given', async () => {
    // WHEN
    const { puts } = await invoke(handler, { properties: { CertificateName: 'web', DomainName: 'www.example.com' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual({
      Status: 'FAILED',
      Reason:
        'give exactly one of CertificateName (a regular expression for an IAM server certificate name) ' +
        `and DomainName (a domain an ACM certificate covers); both were given. ${LOGS}`,
      PhysicalResourceId: `failed-Dependency-${puts[0].body.RequestId}`,
      StackId: STACK_ID,
      RequestId: expect.any(String),
      LogicalResourceId: 'Dependency',
    });
    expect(iamMock.calls()).toHaveLength(0);
    expect(acmMock.calls()).toHaveLength(0);
  });

  it('answers a failed Update with the old id when no certificate covers the domain any more', async () => {
    // GIVEN
    fakeAcm({ extraCertificates: [acmCertificate('www.example.com', { region: 'us-east-1' })] }, acmMock);
    const oldArn = 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-4222-8333-0f0e0d0cabcd';

    // WHEN
    const { puts } = await invoke(handler, {
      event: { RequestType: 'Update', PhysicalResourceId: oldArn, OldResourceProperties: { DomainName: 'x.com' } },
      properties: { DomainName: 'shop.example.com', Region: 'us-east-1' },
    });

    // THEN
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason:
        'no ISSUED ACM certificate in us-east-1 covers shop.example.com, exactly or by a wildcard; ' +
        'those there are for www.example.com. Request or import a certificate for it, or set Region to where it is. ' +
        LOGS,
      PhysicalResourceId: oldArn,
    });
  });
});

function lookupClients() {
  return {
    iam: new IAMClient({ region: 'us-east-1' }),
    acm: jest.fn((region?: string) => new ACMClient({ region: region ?? 'eu-west-1' })),
  };
}

function signal() {
  return { abortSignal: new AbortController().signal };
}

function lookup(props: CertificateProperties, abortSignal = new AbortController().signal) {
  return lookupCertificate(lookupClients(), props, { abortSignal });
}

/** `text` as a regular expression that matches it literally. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
