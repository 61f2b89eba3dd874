import { randomUUID } from 'node:crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import fc from 'fast-check';
import { lambdaContext } from '../../testkit/lambda';
import { LOOKUPS, mockEveryClient } from '../../testkit/lookups';
import { type Handler, ResponseServer } from '../helpers/cfn';

const RUNS_PER_HANDLER = 200;

/** Each handler of the registry, with the names of its properties. */
const HANDLERS: Array<[string, Handler, readonly string[]]> = LOOKUPS.map(({ contract, handler }) => [
  contract.id,
  handler,
  Object.keys(contract.schema),
]);

/** What every mocked AWS call does in one run. */
type AwsBehaviour = 'empty' | 'error' | 'string' | 'odd';

let server: ResponseServer;
let behaviour: AwsBehaviour = 'empty';
let awsCalls = 0;

beforeAll(async () => {
  server = await ResponseServer.start();
  for (const mock of mockEveryClient().values()) mock.onAnyCommand().callsFake(fakeAwsCall);
});

afterAll(async () => {
  await server.close();
});

describe('fuzzed events and properties', () => {
  it.each(HANDLERS)(
    '%s answers every answerable event exactly once with a body CloudFormation can parse, never again after it returned, and never answers the others',
    async (_type, handler, propertyNames) => {
      const paths: string[] = [];
      let answered = 0;
      await fc.assert(
        fc.asyncProperty(fuzzCase(propertyNames), async (fuzz) => {
          // GIVEN
          behaviour = fuzz.aws;
          awsCalls = 0;
          const token = randomUUID();
          const path = `/cloudformation-custom-resource-response/${token}`;
          const event = buildEvent(fuzz, token, server.url(path));
          paths.push(path);

          // WHEN
          let rejected = false;
          process.env.RESPONSE_URL_ALLOWED_HOSTS = '127.0.0.1';
          try {
            await handler(event as unknown as CloudFormationCustomResourceEvent, lambdaContext(10_000));
          } catch {
            rejected = true;
          } finally {
            delete process.env.RESPONSE_URL_ALLOWED_HOSTS;
          }

          // THEN
          const puts = server.to(path);
          if (!answerable(event)) {
            expect(rejected).toBe(true);
            expect(puts).toHaveLength(0);
            return;
          }
          answered += 1;
          expect(rejected).toBe(false);
          expect(puts).toHaveLength(1);
          const [put] = puts;
          expect(put.contentLength).toBe(Buffer.byteLength(put.rawBody));
          expect(put.contentLength).toBeLessThanOrEqual(4096);
          expect(['SUCCESS', 'FAILED']).toContain(put.body.Status);
          expect(put.body.RequestId).toBe(event.RequestId);
          expect(put.body.PhysicalResourceId).toEqual(expect.any(String));
          expect(put.body.PhysicalResourceId.length).toBeGreaterThan(0);
          for (const value of Object.values(put.body.Data ?? {})) expect(typeof value).toBe('string');
          if (put.body.Status === 'FAILED') {
            expect(put.body.Reason).toEqual(expect.any(String));
            expect(put.body.Reason!.length).toBeLessThanOrEqual(1000);
            expect(put.body.Reason).not.toContain('[object Object]');
          }
          if (event.RequestType === 'Delete') {
            expect(put.body.Status).toBe('SUCCESS');
            expect(awsCalls).toBe(0);
          }
        }),
        { numRuns: RUNS_PER_HANDLER },
      );

      // THEN, once stray answers have had time to arrive, each event still has one answer at most
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(answered).toBeGreaterThan(RUNS_PER_HANDLER * 0.5);
      expect(paths.filter((path) => server.to(path).length > 1)).toEqual([]);
    },
  );
});

/** Every mocked AWS call answers as `behaviour` says for the run. */
async function fakeAwsCall(): Promise<unknown> {
  awsCalls += 1;
  switch (behaviour) {
    case 'empty':
      return {};
    case 'error':
      throw Object.assign(new Error('User is not authorized to perform this action'), {
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
      });
    case 'string':
      throw 'socket hang up';
    case 'odd':
      return { Vpcs: [{}], HostedZones: [null], Images: [{ ImageId: 42 }], Stacks: [{ Outputs: 'x' }] };
  }
}

interface FuzzCase {
  readonly aws: AwsBehaviour;
  readonly requestType: unknown;
  readonly url: 'good' | 'http-elsewhere' | 'https-elsewhere' | 'garbage' | 'missing';
  readonly drop: ReadonlyArray<'StackId' | 'RequestId' | 'LogicalResourceId'>;
  readonly physicalResourceId: unknown;
  readonly properties: unknown;
}

function fuzzCase(propertyNames: readonly string[]): fc.Arbitrary<FuzzCase> {
  const name = fc.oneof(
    fc.constantFrom(...propertyNames, 'ServiceTimeout', 'Refresh', 'NoEcho'),
    fc.constantFrom(...propertyNames.map((n) => n.toLowerCase()), 'Typo'),
    fc.string({ maxLength: 12 }),
  );
  const value = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('true', 'FALSE', 'yes', '', '*', '[', '["a","b"]', 'a,b,,c', 'vpc-0abc', 'default', '(', 'x'.repeat(5000)),
    fc.anything({ maxDepth: 2 }),
  );
  return fc.record({
    aws: fc.constantFrom<AwsBehaviour>('empty', 'error', 'string', 'odd'),
    requestType: fc.oneof(
      { arbitrary: fc.constantFrom('Create', 'Update', 'Delete'), weight: 8 },
      { arbitrary: fc.anything({ maxDepth: 1 }), weight: 1 },
    ),
    url: fc.oneof(
      { arbitrary: fc.constant('good' as const), weight: 8 },
      { arbitrary: fc.constantFrom('http-elsewhere' as const, 'https-elsewhere' as const, 'garbage' as const, 'missing' as const), weight: 1 },
    ),
    drop: fc.oneof(
      { arbitrary: fc.constant([]), weight: 8 },
      { arbitrary: fc.subarray(['StackId', 'RequestId', 'LogicalResourceId'] as const, { minLength: 1 }), weight: 1 },
    ),
    physicalResourceId: fc.oneof(fc.string({ maxLength: 60 }), fc.constant(undefined), fc.anything({ maxDepth: 1 })),
    properties: fc.oneof(fc.dictionary(name, value, { maxKeys: 5 }), fc.anything({ maxDepth: 2 })),
  });
}

function buildEvent(fuzz: FuzzCase, requestId: string, goodUrl: string): Record<string, unknown> {
  const urls: Record<FuzzCase['url'], unknown> = {
    good: goodUrl,
    'http-elsewhere': goodUrl.replace('127.0.0.1', '192.0.2.10'),
    'https-elsewhere': goodUrl.replace('http://127.0.0.1', 'https://example.com'),
    garbage: 'not a url',
    missing: undefined,
  };
  const event: Record<string, unknown> = {
    RequestType: fuzz.requestType,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:fuzz',
    ResponseURL: urls[fuzz.url],
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/fuzz/1',
    RequestId: requestId,
    LogicalResourceId: 'Fuzzed',
    ResourceType: 'Custom::Fuzzed',
    PhysicalResourceId: fuzz.physicalResourceId,
    ResourceProperties: fuzz.properties,
  };
  for (const field of fuzz.drop) delete event[field];
  return event;
}

/** An event the contract says must be answered: every required field a non-empty string, an allowed URL. */
function answerable(event: Record<string, unknown>): boolean {
  const fields = ['RequestType', 'ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId'];
  if (!fields.every((field) => typeof event[field] === 'string' && event[field] !== '')) return false;
  return String(event.ResponseURL).startsWith('http://127.0.0.1:');
}
