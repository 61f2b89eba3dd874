import type { FakeAccount } from './account';
import { answerQuery, page, type AwsAnswer, type AwsRequest, type QueryService } from './protocol';
import { el, list } from './xml';

const IAM: QueryService<FakeAccount> = {
  version: '2010-05-08',
  xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
  actions: {
    ListServerCertificates: (params, account) => {
      const prefix = params.get('PathPrefix') ?? '/';
      const found = account.serverCertificates.filter((certificate) => (certificate.Path ?? '/').startsWith(prefix));
      const { items, next } = page(found, params, { size: 'MaxItems', token: 'Marker' }, 100);
      return [
        list('ServerCertificateMetadataList', 'member', items, (certificate) => [
          el('Path', certificate.Path),
          el('ServerCertificateName', certificate.ServerCertificateName),
          el('ServerCertificateId', certificate.ServerCertificateId),
          el('Arn', certificate.Arn),
          el('UploadDate', certificate.UploadDate),
          el('Expiration', certificate.Expiration),
        ]),
        el('IsTruncated', next !== undefined),
        el('Marker', next),
      ];
    },
  },
};

/** IAM's query/XML API: `ListServerCertificates`. */
export function answerIam(request: AwsRequest, account: FakeAccount): AwsAnswer {
  return answerQuery(IAM, request, account);
}
