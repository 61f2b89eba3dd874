import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
  type DescribeStacksCommandInput,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { ACCOUNT_ID, type FakeCall } from './account';

/** How many stacks `DescribeStacks` returns at most without a `StackName`, as in CloudFormation. */
const CLOUDFORMATION_PAGE = 100;

export interface FakeCloudFormationOptions {
  /** Generated stacks, named `service-0000`, `service-0001`, ..., each with five outputs. */
  readonly stacks?: number;
  readonly extraStacks?: readonly Stack[];
}

export interface FakeCloudFormation {
  readonly mock: AwsClientStub<CloudFormationClient>;
  readonly stacks: readonly Stack[];
  /** Every request answered so far, in order. */
  readonly calls: FakeCall[];
}

/**
 * A CloudFormation account in eu-west-1 with generated and extra stacks. It
 * answers `DescribeStacks` as CloudFormation does: by name (stacks not
 * deleted) or by id (any stack), a `ValidationError` "Stack with id … does
 * not exist" otherwise, and without a name every stack in pages of 100.
 */
export function fakeCloudFormation(
  options: FakeCloudFormationOptions = {},
  mock: AwsClientStub<CloudFormationClient> = mockClient(CloudFormationClient),
): FakeCloudFormation {
  const stacks = [...generatedStacks(options.stacks ?? 0), ...(options.extraStacks ?? [])];
  const calls: FakeCall[] = [];

  mock.on(DescribeStacksCommand).callsFake((input: DescribeStacksCommandInput) => {
    calls.push({ command: 'DescribeStacks', input: structuredClone(input) as Record<string, unknown> });
    const name = input.StackName;
    if (name === undefined) {
      const start = Number(input.NextToken ?? 0);
      const end = start + CLOUDFORMATION_PAGE;
      return { Stacks: stacks.slice(start, end), NextToken: end < stacks.length ? String(end) : undefined };
    }
    const stack = stacks.find(
      (s) => s.StackId === name || (s.StackName === name && s.StackStatus !== 'DELETE_COMPLETE'),
    );
    if (!stack) {
      throw new CloudFormationServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: `Stack with id ${name} does not exist`,
      });
    }
    return { Stacks: [stack] };
  });

  return { mock, stacks, calls };
}

/** A stack in eu-west-1 of the fake account, with its outputs in the order given. */
export function stack(name: string, outputs: Record<string, string>, status = 'CREATE_COMPLETE'): Stack {
  return {
    StackId: stackId(name),
    StackName: name,
    CreationTime: new Date('2024-01-15T09:00:00Z'),
    StackStatus: status as Stack['StackStatus'],
    DisableRollback: false,
    Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    Tags: [],
  };
}

/** The id the fake gives the stack named `name`. */
export function stackId(name: string): string {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  const hex = hash.toString(16).padStart(8, '0');
  return `arn:aws:cloudformation:eu-west-1:${ACCOUNT_ID}:stack/${name}/${hex}-0000-11ef-8000-0a1b2c3d4e5f`;
}

function generatedStacks(count: number): Stack[] {
  return Array.from({ length: count }, (_, i) => {
    const n = String(i).padStart(4, '0');
    return stack(
      `service-${n}`,
      {
        QueueUrl: `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT_ID}/service-${n}`,
        TableName: `service-${n}-items`,
        BucketName: `service-${n}-assets`,
        Port: String(8000 + (i % 1000)),
        LogLevel: i % 2 === 0 ? 'info' : 'debug',
      },
      i % 3 === 0 ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE',
    );
  });
}
