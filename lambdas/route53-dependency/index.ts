import { Route53Client } from '@aws-sdk/client-route-53';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { LookupDefinition } from '../shared/definition';
import { makeHandler } from '../shared/handler';
import { contract, type schema } from '../../contracts/route53-dependency/contract';
import { type Route53Clients, lookupHostedZone } from './lookup';

/** The `Custom::Route53Dependency` contract bound to its SDK clients and lookup. */
export const definition: LookupDefinition<typeof schema, Route53Clients> = {
  ...contract,
  clients: () => ({ route53: recordCalls(new Route53Client(CLIENT_CONFIG)) }),
  lookup: lookupHostedZone,
};

export const handler = makeHandler(definition);
