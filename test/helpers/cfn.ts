import { randomUUID } from 'node:crypto';
import { format } from 'node:util';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { customResourceEvent, lambdaContext, TEST_FUNCTION } from '../../testkit/lambda';
import { ResponseServer, type ReceivedPut } from '../../testkit/response-server';

export { ResponseServer, type ReceivedPut, type Reply } from '../../testkit/response-server';

export type Handler = (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;

export interface InvokeOptions {
  /** Fields to set on the event; a field set to `undefined` is removed. */
  readonly event?: Record<string, unknown>;
  /** `ResourceProperties` besides `ServiceToken`. */
  readonly properties?: Record<string, unknown>;
  /** What `context.getRemainingTimeInMillis()` starts at. @default 10000 */
  readonly remainingMs?: number;
  /** The server to answer to; by default one is started and closed for this call. */
  readonly server?: ResponseServer;
  /** `RESPONSE_URL_ALLOWED_HOSTS` during the call. @default '127.0.0.1' */
  readonly allowedHosts?: string;
  /** Fields to set on the Lambda context; a field set to `undefined` is removed. */
  readonly context?: Record<string, unknown>;
}

export interface Invocation {
  /** Every request the server received during the call. */
  readonly puts: ReceivedPut[];
  /** How long the handler took. */
  readonly elapsedMs: number;
}

/** The sentence that ends every `Reason` a handler sends during `invoke`. */
export const LOGS = `See logs: log group ${TEST_FUNCTION.logGroupName}, stream ${TEST_FUNCTION.logStreamName}.`;
export const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/my-stack/1f3a5c70-0000-11f0-8000-0a1b2c3d4e5f';

/** The whole body of a SUCCESS a handler sends during `invoke`, for the resource `physicalResourceId` with `data`. */
export function successBody(physicalResourceId: string | undefined, data: Readonly<Record<string, string>>) {
  return {
    Status: 'SUCCESS',
    Reason: LOGS,
    PhysicalResourceId: physicalResourceId,
    StackId: STACK_ID,
    RequestId: expect.any(String),
    LogicalResourceId: 'Dependency',
    Data: data,
  };
}

/**
 * Runs a handler on a Create event (unless `event` says otherwise) whose
 * ResponseURL points at a real server on 127.0.0.1, and returns what the
 * server received. Rejects when the handler does.
 */
export async function invoke(handler: Handler, options: InvokeOptions = {}): Promise<Invocation> {
  const server = options.server ?? (await ResponseServer.start());
  const seen = server.received.length;
  const requestId = randomUUID();
  const serviceToken = `arn:aws:lambda:${TEST_FUNCTION.region}:${TEST_FUNCTION.accountId}:function:${TEST_FUNCTION.functionName}`;
  const event = withoutUndefined({
    ...customResourceEvent({
      responseUrl: server.url(`/cloudformation-custom-resource-response/${requestId}`),
      serviceToken,
      stackId: STACK_ID,
      requestId,
      logicalResourceId: 'Dependency',
      resourceType: 'Custom::Dependency',
      properties: options.properties,
    }),
    ...options.event,
  });
  const previousHosts = process.env.RESPONSE_URL_ALLOWED_HOSTS;
  process.env.RESPONSE_URL_ALLOWED_HOSTS = options.allowedHosts ?? '127.0.0.1';
  const started = Date.now();
  try {
    const context = withoutUndefined({ ...lambdaContext(options.remainingMs ?? 10_000), ...options.context });
    await handler(event as unknown as CloudFormationCustomResourceEvent, context as unknown as Context);
    return { puts: server.received.slice(seen), elapsedMs: Date.now() - started };
  } finally {
    if (previousHosts === undefined) delete process.env.RESPONSE_URL_ALLOWED_HOSTS;
    else process.env.RESPONSE_URL_ALLOWED_HOSTS = previousHosts;
    if (!options.server) await server.close();
  }
}

/** The JSON lines the handlers logged in this test, parsed. */
export function loggedLines(): Array<Record<string, unknown>> {
  return jest.mocked(console.log).mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
}

/** Everything written to the console in this test, as text. */
export function consoleOutput(): string {
  return [console.log, console.info, console.warn, console.error]
    .flatMap((write) => jest.mocked(write).mock.calls)
    .map((args) => format(...args))
    .join('\n');
}

function withoutUndefined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
