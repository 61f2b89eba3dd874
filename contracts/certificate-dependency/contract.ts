import { defineContract, NO_RESOURCE_LEVEL } from '../contract';
import { defineSchema } from '../properties';

export const schema = defineSchema({
  CertificateName: {
    type: 'string',
    description: 'a regular expression for the whole name of an IAM server certificate, such as www-example-com-.*',
  },
  DomainName: {
    type: 'string',
    description: 'a domain name an ACM certificate covers, exactly or by a wildcard, such as www.example.com',
    pattern: /^(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}\.?$/,
  },
  Region: {
    type: 'string',
    description: 'the region of the ACM certificate, such as us-east-1 for CloudFront',
    pattern: /^[a-z]{2}(?:-[a-z]+)+-\d+$/,
  },
});

export const contract = defineContract({
  resourceType: 'Custom::CertificateDependency',
  schema,
  attributes: {
    names: [
      'Arn',
      'Path',
      'ServerCertificateName',
      'ServerCertificateId',
      'UploadDate',
      'Expiration',
      'DomainName',
      'Status',
      'NotAfter',
      'Type',
      'KeyAlgorithm',
      'SubjectAlternativeNames',
    ],
    patterns: [],
  },
  permissions: [
    { actions: ['iam:ListServerCertificates', 'acm:ListCertificates'], resource: '*', reason: NO_RESOURCE_LEVEL },
  ],
  example: {
    properties: { DomainName: 'www.example.com', Region: 'us-east-1' },
    data: {
      Arn: 'arn:aws:acm:us-east-1:123456789012:certificate/6e797a60-1111-4222-8333-6e797a60abcd',
      DomainName: '*.example.com',
      Status: 'ISSUED',
      NotAfter: '2027-10-31T23:59:59.000Z',
      Type: 'AMAZON_ISSUED',
      KeyAlgorithm: 'RSA_2048',
      SubjectAlternativeNames: '*.example.com,example.com',
    },
  },
});
