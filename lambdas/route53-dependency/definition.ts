import { Route53Client } from '@aws-sdk/client-route-53';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { Parsed } from '../../contracts/properties';
import type { LookupDefinition } from '../shared/definition';
import { contract, type schema } from '../../contracts/route53-dependency/contract';
import { lookupHostedZone } from './lookup';

export type Route53Properties = Parsed<typeof schema>;

export interface Route53Clients {
  readonly route53: Route53Client;
}

export const definition: LookupDefinition<typeof schema, Route53Clients> = {
  ...contract,
  clients: () => ({ route53: recordCalls(new Route53Client(CLIENT_CONFIG)) }),
  lookup: lookupHostedZone,
};
