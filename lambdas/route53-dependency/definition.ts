import { Route53Client } from '@aws-sdk/client-route-53';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import { defineSchema, type Parsed } from '../shared/properties';
import type { LookupDefinition } from '../shared/types';
import { lookupHostedZone } from './lookup';

export const schema = defineSchema({
  DomainName: {
    type: 'string',
    required: true,
    description: 'the hosted zone name, such as example.com',
    pattern: /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$/,
  },
  PrivateZone: { type: 'boolean', description: 'true for a private hosted zone, false for a public one' },
  VpcId: {
    type: 'string',
    description: 'the id of a VPC the private hosted zone is associated with, such as vpc-0abc1234',
    pattern: /^vpc-[0-9a-f]+$/,
  },
});

export type Route53Properties = Parsed<typeof schema>;

export interface Route53Clients {
  readonly route53: Route53Client;
}

export const definition: LookupDefinition<typeof schema, Route53Clients> = {
  resourceType: 'Custom::Route53Dependency',
  schema,
  clients: () => ({ route53: recordCalls(new Route53Client(CLIENT_CONFIG)) }),
  lookup: lookupHostedZone,
};
