import { ACMClient } from '@aws-sdk/client-acm';
import { IAMClient } from '@aws-sdk/client-iam';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import { defineSchema, type Parsed } from '../shared/properties';
import type { LookupDefinition } from '../shared/types';
import { lookupCertificate } from './lookup';

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

export type CertificateProperties = Parsed<typeof schema>;

export interface CertificateClients {
  readonly iam: IAMClient;
  /** The ACM client of a region (the Lambda's own when not given), created once per region. */
  readonly acm: (region?: string) => ACMClient;
}

export const definition: LookupDefinition<typeof schema, CertificateClients> = {
  resourceType: 'Custom::CertificateDependency',
  schema,
  clients: () => ({ iam: recordCalls(new IAMClient(CLIENT_CONFIG)), acm: acmClients() }),
  lookup: lookupCertificate,
};

function acmClients(): (region?: string) => ACMClient {
  const clients = new Map<string | undefined, ACMClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = recordCalls(new ACMClient({ ...CLIENT_CONFIG, region }));
      clients.set(region, client);
    }
    return client;
  };
}
