import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import type { LookupDefinition } from '../shared/definition';
import { makeHandler } from '../shared/handler';
import { contract, type schema } from '../../contracts/stack-dependency/contract';
import { type StackClients, lookupStack } from './lookup';

/** The `Custom::StackDependency` contract bound to its SDK clients and lookup. */
export const definition: LookupDefinition<typeof schema, StackClients> = {
  ...contract,
  clients: () => ({ cloudformation: recordCalls(new CloudFormationClient(CLIENT_CONFIG)) }),
  lookup: lookupStack,
};

export const handler = makeHandler(definition);
