import { ACMClient } from '@aws-sdk/client-acm';
import { IAMClient } from '@aws-sdk/client-iam';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { Parsed } from '../../contracts/properties';
import type { LookupDefinition } from '../shared/definition';
import { contract, type schema } from '../../contracts/certificate-dependency/contract';
import { lookupCertificate } from './lookup';

export type CertificateProperties = Parsed<typeof schema>;

export interface CertificateClients {
  readonly iam: IAMClient;
  /** The ACM client of a region (the Lambda's own when not given), created once per region. */
  readonly acm: (region?: string) => ACMClient;
}

export const definition: LookupDefinition<typeof schema, CertificateClients> = {
  ...contract,
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
