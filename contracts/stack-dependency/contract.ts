import { defineContract } from '../contract';
import { defineSchema } from '../properties';

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

export const contract = defineContract({
  resourceType: 'Custom::StackDependency',
  schema,
  attributes: {
    names: ['Environment', 'StackId', 'StackStatus'],
    // One attribute per output: output keys are alphanumeric.
    patterns: [OUTPUT_KEY],
  },
  permissions: [
    {
      actions: ['cloudformation:DescribeStacks'],
      resource: 'arn:{partition}:cloudformation:{region}:{account}:stack/{stackName}/*',
      reason: 'StackName names any stack of this account and region, chosen by the template at deploy time',
    },
  ],
  tooLarge: 'Leave outputs out with Excludes (Environment repeats every output), or name only the ones you need in Includes',
  example: {
    properties: { StackName: 'shared-datastores', Excludes: 'DatabaseUrl' },
    data: {
      SessionsEndpoint: 'sessions.abc123.cfg.euw1.cache.amazonaws.com:11211',
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs',
      Environment:
        'SessionsEndpoint=sessions.abc123.cfg.euw1.cache.amazonaws.com:11211\n' +
        'QueueUrl=https://sqs.eu-west-1.amazonaws.com/123456789012/jobs\n',
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/shared-datastores/4a78aa44-0000-11ef-8000-0a1b2c3d4e5f',
      StackStatus: 'CREATE_COMPLETE',
    },
  },
});
