import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { Parsed } from '../../contracts/properties';
import type { LookupDefinition } from '../shared/definition';
import { contract, type schema } from '../../contracts/stack-dependency/contract';
import { lookupStack } from './lookup';

export type StackProperties = Parsed<typeof schema>;

export interface StackClients {
  readonly cloudformation: CloudFormationClient;
}

export const definition: LookupDefinition<typeof schema, StackClients> = {
  ...contract,
  clients: () => ({ cloudformation: recordCalls(new CloudFormationClient(CLIENT_CONFIG)) }),
  lookup: lookupStack,
};
