import type { ServerCertificateMetadata } from '@aws-sdk/client-iam';
import type { FakeAccount } from './account';
import { answerQuery, pagedList, type AwsAnswer, type AwsRequest, type Paging, type QueryService } from './protocol';
import { el } from './xml';

const PAGING: Paging = { size: 'MaxItems', token: 'Marker', defaultSize: 100, nextTag: 'Marker', truncatedTag: 'IsTruncated' };

const IAM: QueryService<FakeAccount> = {
  version: '2010-05-08',
  xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
  actions: {
    ListServerCertificates: (params, account) => {
      const found = listedServerCertificates(account.serverCertificates, params.get('PathPrefix') ?? undefined);
      return pagedList(params, PAGING, 'ServerCertificateMetadataList', 'member', found, (certificate) => [
        el('Path', certificate.Path),
        el('ServerCertificateName', certificate.ServerCertificateName),
        el('ServerCertificateId', certificate.ServerCertificateId),
        el('Arn', certificate.Arn),
        el('UploadDate', certificate.UploadDate),
        el('Expiration', certificate.Expiration),
      ]);
    },
  },
};

/** The server certificates `ListServerCertificates` lists, as IAM selects them: those whose path starts with `pathPrefix` (`/` when not given). */
export function listedServerCertificates(
  certificates: readonly ServerCertificateMetadata[],
  pathPrefix = '/',
): ServerCertificateMetadata[] {
  return certificates.filter((certificate) => (certificate.Path ?? '/').startsWith(pathPrefix));
}

/** IAM's query/XML API: `ListServerCertificates`. */
export function answerIam(request: AwsRequest, account: FakeAccount): AwsAnswer {
  return answerQuery(IAM, request, account);
}
