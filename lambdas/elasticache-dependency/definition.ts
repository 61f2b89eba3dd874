import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { Parsed } from '../../contracts/properties';
import type { LookupDefinition } from '../shared/definition';
import { contract, type schema } from '../../contracts/elasticache-dependency/contract';
import { lookupCache } from './lookup';

export type ElasticacheProperties = Parsed<typeof schema>;

export interface ElasticacheClients {
  readonly elasticache: ElastiCacheClient;
}

export const definition: LookupDefinition<typeof schema, ElasticacheClients> = {
  ...contract,
  clients: () => ({ elasticache: recordCalls(new ElastiCacheClient(CLIENT_CONFIG)) }),
  lookup: lookupCache,
};
