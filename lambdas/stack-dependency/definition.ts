import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CLIENT_CONFIG, recordCalls } from '../shared/clients';
import { defineSchema, type Parsed } from '../shared/properties';
import type { LookupDefinition } from '../shared/types';
import { lookupStack } from './lookup';

const OUTPUT_KEY = /^[A-Za-z0-9]+$/;
const STACK_NAME = '[A-Za-z][-A-Za-z0-9]{0,127}';
const STACK_ID = `arn:aws[-a-z]*:cloudformation:[-a-z0-9]+:\\d{12}:stack/${STACK_NAME}/[-0-9a-f]+`;

export const schema = defineSchema({
  StackName: {
    type: 'string',
    required: true,
    description: 'a stack name or stack id, such as shared-datastores',
    pattern: new RegExp(`^(?:${STACK_NAME}|${STACK_ID})$`),
  },
  Excludes: {
    type: 'list',
    description: 'output keys to leave out, and Environment to leave out the env-file',
    pattern: OUTPUT_KEY,
  },
  Includes: {
    type: 'list',
    description: 'the only output keys to give',
    pattern: OUTPUT_KEY,
  },
});

export type StackProperties = Parsed<typeof schema>;

export interface StackClients {
  readonly cloudformation: CloudFormationClient;
}

export const definition: LookupDefinition<typeof schema, StackClients> = {
  resourceType: 'Custom::StackDependency',
  schema,
  clients: () => ({ cloudformation: recordCalls(new CloudFormationClient(CLIENT_CONFIG)) }),
  lookup: lookupStack,
  tooLarge: 'Leave outputs out with Excludes (Environment repeats every output), or name only the ones you need in Includes',
};
