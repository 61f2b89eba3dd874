import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { LookupDefinition } from '../shared/definition';
import { makeHandler } from '../shared/handler';
import { contract, type schema } from '../../contracts/elasticache-dependency/contract';
import { type ElasticacheClients, lookupCache } from './lookup';

/** The `Custom::ElasticacheDependency` contract bound to its SDK clients and lookup. */
export const definition: LookupDefinition<typeof schema, ElasticacheClients> = {
  ...contract,
  clients: () => ({ elasticache: recordCalls(new ElastiCacheClient(CLIENT_CONFIG)) }),
  lookup: lookupCache,
};

export const handler = makeHandler(definition);
