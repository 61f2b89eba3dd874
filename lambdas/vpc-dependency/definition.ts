import { EC2Client } from '@aws-sdk/client-ec2';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { Parsed } from '../../contracts/properties';
import type { LookupDefinition } from '../shared/definition';
import { contract, type schema } from '../../contracts/vpc-dependency/contract';
import { lookupVpc } from './lookup';

export type VpcProperties = Parsed<typeof schema>;

export interface VpcClients {
  readonly ec2: EC2Client;
}

export const definition: LookupDefinition<typeof schema, VpcClients> = {
  ...contract,
  clients: () => ({ ec2: recordCalls(new EC2Client(CLIENT_CONFIG)) }),
  lookup: lookupVpc,
};
