import type { CertificateSummary, KeyAlgorithm, ListCertificatesRequest } from '@aws-sdk/client-acm';
import type { FakeAccount } from './account';
import { AwsError, type AwsAnswer, type AwsRequest } from './protocol';

/** ACM lists only these key types unless `Includes.keyTypes` names others. */
const DEFAULT_KEY_TYPES: readonly KeyAlgorithm[] = ['RSA_1024', 'RSA_2048'];
const PAGE_SIZE = 1000;

/** ACM's JSON 1.1 API: `ListCertificates`, in the region the request was signed for. */
export function answerAcm(request: AwsRequest, account: FakeAccount): AwsAnswer {
  const target = String(request.headers['x-amz-target'] ?? '');
  const action = target.replace(/^CertificateManager\./, '');
  let input: unknown = request.body;
  try {
    input = JSON.parse(request.body || '{}');
    if (target !== 'CertificateManager.ListCertificates') {
      return failure(action || '(no X-Amz-Target)', input, new AwsError('UnknownOperationException', `${target} is not served`), false);
    }
    const body = listCertificates(input as ListCertificatesRequest, request.region, account);
    return { action, input, status: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(body), known: true };
  } catch (error) {
    if (error instanceof SyntaxError) return failure(action, input, new AwsError('SerializationException', error.message), true);
    if (!(error instanceof AwsError)) throw error;
    return failure(action, input, error, true);
  }
}

function listCertificates(input: ListCertificatesRequest, region: string, account: FakeAccount): unknown {
  const found = listedCertificates(account.acmCertificates, region, input);
  const size = input.MaxItems ?? PAGE_SIZE;
  const start = input.NextToken === undefined ? 0 : Number(/^e2e-acm:(\d+)$/.exec(input.NextToken)?.[1] ?? NaN);
  if (!Number.isInteger(start)) throw new AwsError('InvalidNextTokenException', `invalid NextToken ${input.NextToken}`);
  const end = start + size;
  return {
    CertificateSummaryList: found.slice(start, end).map(summaryJson),
    NextToken: end < found.length ? `e2e-acm:${end}` : undefined,
  };
}

/**
 * The certificates `ListCertificates` lists, as ACM selects them: those in
 * the request's `region`, with a status of `CertificateStatuses` when given,
 * and a key type of `Includes.keyTypes` (RSA 1024 and RSA 2048 when not given).
 */
export function listedCertificates(
  certificates: FakeAccount['acmCertificates'],
  region: string,
  input: Pick<ListCertificatesRequest, 'CertificateStatuses' | 'Includes'>,
): CertificateSummary[] {
  const keyTypes = input.Includes?.keyTypes ?? DEFAULT_KEY_TYPES;
  const statuses: readonly string[] = input.CertificateStatuses ?? [];
  return certificates
    .filter((entry) => entry.region === region)
    .map((entry) => entry.certificate)
    .filter((certificate) => keyTypes.includes(certificate.KeyAlgorithm ?? 'RSA_2048'))
    .filter((certificate) => statuses.length === 0 || statuses.includes(certificate.Status ?? 'ISSUED'));
}

/** JSON 1.1 sends timestamps as seconds since the epoch. */
function summaryJson(certificate: CertificateSummary): unknown {
  const seconds = (date: Date | undefined) => (date === undefined ? undefined : date.getTime() / 1000);
  return {
    ...certificate,
    NotBefore: seconds(certificate.NotBefore),
    NotAfter: seconds(certificate.NotAfter),
    CreatedAt: seconds(certificate.CreatedAt),
    IssuedAt: seconds(certificate.IssuedAt),
    ImportedAt: seconds(certificate.ImportedAt),
    RevokedAt: seconds(certificate.RevokedAt),
  };
}

function failure(action: string, input: unknown, error: AwsError, known: boolean): AwsAnswer {
  const body = JSON.stringify({ __type: error.code, message: error.message });
  return { action, input, status: error.status, contentType: 'application/x-amz-json-1.1', body, known };
}
