import { randomUUID } from 'node:crypto';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

/** What a Lambda context says about the function that runs. */
export interface FunctionFacts {
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/** The function the jest tests pretend to run in. */
export const TEST_FUNCTION: FunctionFacts = {
  functionName: 'custom-resources-Dependency',
  region: 'eu-west-1',
  accountId: '123456789012',
  memoryMb: 256,
  logGroupName: '/aws/lambda/custom-resources-Dependency',
  logStreamName: '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef',
};

/** A log stream name as Lambda gives one, unique to this call. */
export function logStreamName(): string {
  return `2026/01/01/[$LATEST]${randomUUID().replace(/-/g, '')}`;
}

/**
 * A Lambda context as the Node.js runtime passes it, for `fn`, whose
 * remaining time runs down from `remainingMs`.
 */
export function lambdaContext(remainingMs: number, fn: FunctionFacts = TEST_FUNCTION): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.accountId}:function:${fn.functionName}`,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: fn.logGroupName,
    logStreamName: fn.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What a custom resource event is about; the rest has CloudFormation's shape. */
export interface EventFields {
  readonly requestType?: 'Create' | 'Update' | 'Delete';
  readonly responseUrl: string;
  readonly serviceToken: string;
  readonly stackId: string;
  readonly logicalResourceId: string;
  readonly resourceType: string;
  /** `ResourceProperties` besides `ServiceToken`. */
  readonly properties?: Readonly<Record<string, unknown>>;
  /** The id of the resource an Update or Delete is about. */
  readonly physicalResourceId?: string;
  /** @default - a new UUID */
  readonly requestId?: string;
}

/** A custom resource event as CloudFormation sends it to the function a ServiceToken names. */
export function customResourceEvent(fields: EventFields): CloudFormationCustomResourceEvent {
  return {
    RequestType: fields.requestType ?? 'Create',
    ServiceToken: fields.serviceToken,
    ResponseURL: fields.responseUrl,
    StackId: fields.stackId,
    RequestId: fields.requestId ?? randomUUID(),
    LogicalResourceId: fields.logicalResourceId,
    ResourceType: fields.resourceType,
    ...(fields.physicalResourceId === undefined ? {} : { PhysicalResourceId: fields.physicalResourceId }),
    ResourceProperties: { ServiceToken: fields.serviceToken, ...fields.properties },
  } as CloudFormationCustomResourceEvent;
}
