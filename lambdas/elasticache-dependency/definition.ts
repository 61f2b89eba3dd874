import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import { defineSchema, type Parsed } from '../shared/properties';
import type { LookupDefinition } from '../shared/types';
import { lookupCache } from './lookup';

export const schema = defineSchema({
  CacheId: {
    type: 'string',
    required: true,
    description: 'a cache cluster id or a replication group id, such as sessions-001 or sessions',
    pattern: /^[A-Za-z][A-Za-z0-9-]{0,49}$/,
  },
});

export type ElasticacheProperties = Parsed<typeof schema>;

export interface ElasticacheClients {
  readonly elasticache: ElastiCacheClient;
}

export const definition: LookupDefinition<typeof schema, ElasticacheClients> = {
  resourceType: 'Custom::ElasticacheDependency',
  schema,
  clients: () => ({ elasticache: recordCalls(new ElastiCacheClient(CLIENT_CONFIG)) }),
  lookup: lookupCache,
};
