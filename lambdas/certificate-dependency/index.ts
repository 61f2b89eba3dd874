import { ACMClient } from '@aws-sdk/client-acm';
import { IAMClient } from '@aws-sdk/client-iam';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { LookupDefinition } from '../shared/definition';
import { makeHandler } from '../shared/handler';
import { contract, type schema } from '../../contracts/certificate-dependency/contract';
import { type CertificateClients, lookupCertificate } from './lookup';

/** The `Custom::CertificateDependency` contract bound to its SDK clients and lookup. */
export const definition: LookupDefinition<typeof schema, CertificateClients> = {
  ...contract,
  clients: () => ({ iam: recordCalls(new IAMClient(CLIENT_CONFIG)), acm: acmClients() }),
  lookup: lookupCertificate,
};

export const handler = makeHandler(definition);

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
