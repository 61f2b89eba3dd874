import { EC2Client } from '@aws-sdk/client-ec2';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import { defineSchema, type Parsed } from '../shared/properties';
import type { LookupDefinition } from '../shared/types';
import { lookupVpc } from './lookup';

export const schema = defineSchema({
  VpcName: {
    type: 'string',
    required: true,
    description: "the VPC's Name tag, default for the default VPC, or a VPC id such as vpc-0abc1234",
  },
  OnlyDefaultSubnets: { type: 'boolean', description: 'true to give only the default subnet of each availability zone' },
});

export type VpcProperties = Parsed<typeof schema>;

export interface VpcClients {
  readonly ec2: EC2Client;
}

export const definition: LookupDefinition<typeof schema, VpcClients> = {
  resourceType: 'Custom::VpcDependency',
  schema,
  clients: () => ({ ec2: recordCalls(new EC2Client(CLIENT_CONFIG)) }),
  lookup: lookupVpc,
  tooLarge:
    'Set OnlyDefaultSubnets to true to get only the default subnet of each availability zone; a VPC without default subnets that has this many subnets cannot be looked up whole',
};
