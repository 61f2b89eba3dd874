import { EC2Client } from '@aws-sdk/client-ec2';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { LookupDefinition } from '../shared/definition';
import { makeHandler } from '../shared/handler';
import { contract, type schema } from '../../contracts/vpc-dependency/contract';
import { type VpcClients, lookupVpc } from './lookup';

/** The `Custom::VpcDependency` contract bound to its SDK clients and lookup. */
export const definition: LookupDefinition<typeof schema, VpcClients> = {
  ...contract,
  clients: () => ({ ec2: recordCalls(new EC2Client(CLIENT_CONFIG)) }),
  lookup: lookupVpc,
};

export const handler = makeHandler(definition);
