import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:util';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import type { ResponseBody } from '../../lambdas/shared/response';

/**
 * How the server answers one request: an HTTP status, a dropped connection
 * (`reset`), or no answer at all (`hang`).
 */
export type Reply = number | 'reset' | 'hang';

/** One request the server received, as CloudFormation would see it. */
export interface ReceivedPut {
  readonly method: string;
  /** Path and query string. */
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly rawBody: string;
  readonly body: ResponseBody;
  /** The `content-length` header as a number. */
  readonly contentLength: number;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for CloudFormation's pre-signed
 * S3 ResponseURL. It records every request and answers each one as scripted
 * with `reply`, then 200.
 */
export class ResponseServer {
  public readonly requests: ReceivedPut[] = [];
  private readonly replies: Reply[] = [];
  private readonly port: number;

  private constructor(private readonly server: http.Server) {
    this.port = (server.address() as AddressInfo).port;
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        this.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          rawBody,
          body: JSON.parse(rawBody) as ResponseBody,
          contentLength: Number(req.headers['content-length']),
        });
        const reply = this.replies.shift() ?? 200;
        if (reply === 'reset') req.socket.destroy();
        else if (reply !== 'hang') res.writeHead(reply).end();
      });
    });
  }

  public static async start(): Promise<ResponseServer> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ResponseServer(server);
  }

  /** Scripts the answers to the next requests, in order; later ones get 200. */
  public reply(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  /** A ResponseURL on this server, signed like CloudFormation's. */
  public responseUrl(requestId: string): string {
    return (
      `http://127.0.0.1:${this.port}/cloudformation-custom-resource-response/${requestId}` +
      '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z&X-Amz-Expires=7200' +
      '&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260101%2Feu-west-1%2Fs3%2Faws4_request' +
      '&X-Amz-SignedHeaders=host&X-Amz-Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7'
    );
  }

  /** Stops the server, dropping connections it never answered. */
  public async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

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

const LOG_GROUP = '/aws/lambda/custom-resources-Dependency';
const LOG_STREAM = '2026/01/01/[$LATEST]0123456789abcdef0123456789abcdef';
/** The sentence that ends every `Reason` a handler sends during `invoke`. */
export const LOGS = `See logs: log group ${LOG_GROUP}, stream ${LOG_STREAM}.`;
export const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/my-stack/1f3a5c70-0000-11f0-8000-0a1b2c3d4e5f';

/**
 * Runs a handler on a Create event (unless `event` says otherwise) whose
 * ResponseURL points at a real server on 127.0.0.1, and returns what the
 * server received. Rejects when the handler does.
 */
export async function invoke(handler: Handler, options: InvokeOptions = {}): Promise<Invocation> {
  const server = options.server ?? (await ResponseServer.start());
  const seen = server.requests.length;
  const requestId = randomUUID();
  const event = withoutUndefined({
    RequestType: 'Create',
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:custom-resources-Dependency',
    ResponseURL: server.responseUrl(requestId),
    StackId: STACK_ID,
    RequestId: requestId,
    LogicalResourceId: 'Dependency',
    ResourceType: 'Custom::Dependency',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:custom-resources-Dependency', ...options.properties },
    ...options.event,
  });
  const previousHosts = process.env.RESPONSE_URL_ALLOWED_HOSTS;
  process.env.RESPONSE_URL_ALLOWED_HOSTS = options.allowedHosts ?? '127.0.0.1';
  const started = Date.now();
  try {
    const context = withoutUndefined({ ...lambdaContext(options.remainingMs ?? 10_000), ...options.context });
    await handler(event as unknown as CloudFormationCustomResourceEvent, context as unknown as Context);
    return { puts: server.requests.slice(seen), elapsedMs: Date.now() - started };
  } finally {
    if (previousHosts === undefined) delete process.env.RESPONSE_URL_ALLOWED_HOSTS;
    else process.env.RESPONSE_URL_ALLOWED_HOSTS = previousHosts;
    if (!options.server) await server.close();
  }
}

/** A Lambda context whose remaining time runs down from `remainingMs`. */
export function lambdaContext(remainingMs: number): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'custom-resources-Dependency',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:custom-resources-Dependency',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: LOG_GROUP,
    logStreamName: LOG_STREAM,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
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
