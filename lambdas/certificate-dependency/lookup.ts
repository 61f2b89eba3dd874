import {
  KeyAlgorithm,
  paginateListCertificates,
  type ACMClient,
  type CertificateSummary,
} from '@aws-sdk/client-acm';
import { paginateListServerCertificates, type IAMClient, type ServerCertificateMetadata } from '@aws-sdk/client-iam';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { toData } from '../shared/data';
import { InputError, LookupError } from '../shared/errors';
import { allItems } from '../shared/pages';
import { compilePattern, PatternError } from '../../contracts/certificate-dependency/pattern';
import { listWithin } from '../../contracts/text';
import type { Data, LookupContext, LookupResult } from '../shared/definition';
import type { Parsed } from '../../contracts/properties';
import type { schema } from '../../contracts/certificate-dependency/contract';

/** The properties of a `Custom::CertificateDependency`, parsed. */
export type CertificateProperties = Parsed<typeof schema>;

/** The SDK clients the lookup sends its calls with. */
export interface CertificateClients {
  readonly iam: IAMClient;
  /** The ACM client of a region (the Lambda's own when not given), created once per region. */
  readonly acm: (region?: string) => ACMClient;
}

/** The largest page both listings allow, so that most accounts need one call. */
const PAGE_SIZE = 1000;

/** How long a list of names in a message may grow before it says how many more there are. */
const NAMES_BUDGET = 300;

/**
 * Finds the IAM server certificate whose whole name matches `CertificateName`,
 * or the `ISSUED` ACM certificate that covers `DomainName`; of several, the
 * one that expires last.
 */
export async function lookupCertificate(
  clients: CertificateClients,
  props: CertificateProperties,
  { abortSignal }: LookupContext,
): Promise<LookupResult> {
  const { CertificateName: name, DomainName: domain, Region: region } = props;
  if ((name === undefined) === (domain === undefined)) {
    const given = name === undefined ? 'neither was given' : 'both were given';
    throw new InputError(
      'give exactly one of CertificateName (a regular expression for an IAM server certificate name) ' +
        `and DomainName (a domain an ACM certificate covers); ${given}`,
    );
  }

  if (name !== undefined) {
    if (region !== undefined) {
      throw new InputError(
        'Region applies only to ACM certificates (DomainName); IAM server certificates (CertificateName) ' +
          'belong to no region. Remove Region',
      );
    }
    const matches = nameMatcher(name);
    const certificates = await listServerCertificates(clients.iam, abortSignal);
    const matching = await matchingNames(certificates, matches, abortSignal);
    const chosen = chooseServerCertificate(certificates, name, (candidate) => matching.has(candidate), new Date());
    return { id: chosen.Arn ?? name, data: serverCertificateData(chosen) };
  }

  const acm = clients.acm(region);
  const certificates = await listIssuedCertificates(acm, abortSignal);
  const chosen = chooseAcmCertificate(certificates, domain ?? '', region ?? (await acm.config.region()));
  return { id: chosen.CertificateArn ?? domain ?? '', data: acmCertificateData(chosen) };
}

/**
 * A test for whole IAM server certificate names: `pattern` must match from the
 * first character to the last, in time linear in the name's length whatever
 * the pattern. A pattern that is invalid, or uses what linear-time matching
 * cannot do, is an `InputError` that says what and how to fix it.
 */
export function nameMatcher(pattern: string): (name: string) => boolean {
  try {
    return compilePattern(pattern);
  } catch (error) {
    if (!(error instanceof PatternError)) throw error;
    throw new InputError(`CertificateName ${JSON.stringify(pattern)} ${error.problem}; ${error.fix}`, { properties: ['CertificateName'], cause: error });
  }
}

/**
 * The certificate names `matches` accepts, tested one name per turn of the
 * event loop. Each test is linear in the name, but a pattern of thousands of
 * states against hundreds of names can still take longer than the Lambda
 * has: between names the deadline's timer can fire, and once the lookup is
 * abandoned the testing stops.
 */
async function matchingNames(
  certificates: readonly ServerCertificateMetadata[],
  matches: (name: string) => boolean,
  abortSignal: AbortSignal,
): Promise<Set<string>> {
  const found = new Set<string>();
  for (const { ServerCertificateName: name = '' } of certificates) {
    abortSignal.throwIfAborted();
    if (matches(name)) found.add(name);
    await nextTurn();
  }
  return found;
}

function listServerCertificates(iam: IAMClient, abortSignal: AbortSignal): Promise<ServerCertificateMetadata[]> {
  return allItems(
    paginateListServerCertificates({ client: iam, pageSize: PAGE_SIZE }, {}, { abortSignal }),
    (page) => page.ServerCertificateMetadataList,
  );
}

function listIssuedCertificates(acm: ACMClient, abortSignal: AbortSignal): Promise<CertificateSummary[]> {
  // Without keyTypes, ACM lists only RSA 1024 and RSA 2048 certificates.
  const input = { CertificateStatuses: ['ISSUED' as const], Includes: { keyTypes: Object.values(KeyAlgorithm) } };
  return allItems(
    paginateListCertificates({ client: acm, pageSize: PAGE_SIZE }, input, { abortSignal }),
    (page) => page.CertificateSummaryList,
  );
}

/**
 * Of the server certificates whose name matches, the one that expires last,
 * provided it has not expired by `now`. Otherwise a `LookupError` that says
 * what the account holds.
 */
export function chooseServerCertificate(
  certificates: readonly ServerCertificateMetadata[],
  pattern: string,
  matches: (name: string) => boolean,
  now: Date,
): ServerCertificateMetadata {
  const found = certificates
    .filter((c) => matches(c.ServerCertificateName ?? ''))
    .sort(
      (a, b) =>
        time(b.Expiration) - time(a.Expiration) ||
        (a.ServerCertificateName ?? '').localeCompare(b.ServerCertificateName ?? ''),
    );
  const asked = `no IAM server certificate has a whole name matching ${JSON.stringify(pattern)}`;
  const latest = found[0];
  if (latest === undefined) {
    const names = certificates.map((c) => c.ServerCertificateName ?? '').sort();
    const held = names.length === 0 ? 'this account has none' : `this account has ${listWithin(names, NAMES_BUDGET)}`;
    throw new LookupError(`${asked}; ${held}. Correct CertificateName, or upload the certificate to IAM`);
  }
  if (time(latest.Expiration) <= now.getTime()) {
    throw new LookupError(
      `every IAM server certificate whose whole name matches ${JSON.stringify(pattern)} has expired; ` +
        `the latest, ${latest.ServerCertificateName}, expired at ${latest.Expiration?.toISOString()}. ` +
        'Upload a renewed certificate to IAM',
    );
  }
  return latest;
}

/**
 * Of the certificates that cover `domain` by their domain name or a subject
 * alternative name, exactly or by a wildcard, the one that expires last.
 * Otherwise a `LookupError` that names the domains the region's certificates
 * cover.
 */
export function chooseAcmCertificate(
  certificates: readonly CertificateSummary[],
  domain: string,
  region: string,
): CertificateSummary {
  const wanted = domain.replace(/\.$/, '');
  const found = certificates
    .filter((c) => namesOf(c).some((name) => covers(name, wanted)))
    .sort(
      (a, b) => time(b.NotAfter) - time(a.NotAfter) || (a.CertificateArn ?? '').localeCompare(b.CertificateArn ?? ''),
    );
  if (found[0] !== undefined) return found[0];

  const domains = [...new Set(certificates.map((c) => c.DomainName ?? ''))].sort();
  const held =
    domains.length === 0 ? 'there are no ISSUED certificates there' : `those there are for ${listWithin(domains, NAMES_BUDGET)}`;
  throw new LookupError(
    `no ISSUED ACM certificate in ${region} covers ${wanted}, exactly or by a wildcard; ${held}. ` +
      'Request or import a certificate for it, or set Region to where it is',
  );
}

/**
 * Whether a certificate name covers `domain`, ignoring case: the same name, or
 * a wildcard `*.example.com` for one more label (`www.example.com`, not
 * `example.com` nor `a.b.example.com`).
 */
export function covers(certificateName: string, domain: string): boolean {
  const name = certificateName.toLowerCase();
  const wanted = domain.toLowerCase();
  if (name === wanted) return true;
  if (!name.startsWith('*.')) return false;
  const parent = name.slice(1);
  const label = wanted.slice(0, -parent.length);
  return wanted.endsWith(parent) && label.length > 0 && !label.includes('.');
}

/** `Path`, `ServerCertificateName`, `ServerCertificateId`, `Arn`, `UploadDate`, `Expiration`. */
export function serverCertificateData(certificate: ServerCertificateMetadata): Data {
  return toData({
    Path: certificate.Path,
    ServerCertificateName: certificate.ServerCertificateName,
    ServerCertificateId: certificate.ServerCertificateId,
    Arn: certificate.Arn,
    UploadDate: certificate.UploadDate,
    Expiration: certificate.Expiration,
  });
}

/** `Arn`, `DomainName`, `Status`, `NotAfter`, `Type`, `KeyAlgorithm`, `SubjectAlternativeNames`. */
export function acmCertificateData(certificate: CertificateSummary): Data {
  return toData({
    Arn: certificate.CertificateArn,
    DomainName: certificate.DomainName,
    Status: certificate.Status,
    NotAfter: certificate.NotAfter,
    Type: certificate.Type,
    KeyAlgorithm: certificate.KeyAlgorithm,
    SubjectAlternativeNames: certificate.SubjectAlternativeNameSummaries,
  });
}

function namesOf(certificate: CertificateSummary): string[] {
  return [certificate.DomainName ?? '', ...(certificate.SubjectAlternativeNameSummaries ?? [])];
}

function time(date: Date | undefined): number {
  return date?.getTime() ?? 0;
}
