import * as http from 'node:http';
import * as https from 'node:https';
import { makeHandler } from '../../../lambdas/shared/handler';
import { defineSchema } from '../../../contracts/properties';
import type { LookupDefinition, LookupResult } from '../../../lambdas/shared/definition';
import { consoleOutput, invoke, loggedLines, ResponseServer, STACK_ID } from '../../helpers/cfn';

describe('delivery of the answer', () => {
  let server: ResponseServer;
  beforeEach(async () => {
    server = await ResponseServer.start();
  });
  afterEach(async () => {
    await server.close();
    // Whatever a test did, its logs name no signature of a ResponseURL.
    expect(consoleOutput()).not.toMatch(/X-Amz-(Signature|Credential)/);
  });

  describe('retries', () => {
    it('tries again after a 500 and delivers one SUCCESS', async () => {
      // GIVEN
      server.reply(500, 200);
      const handler = makeHandler(testDefinition(async () => found('thing-1', { Name: 'main' })));

      // WHEN
      const { puts } = await invoke(handler, { server, properties: { Name: 'main' } });

      // THEN
      expect(puts).toHaveLength(2);
      expect(puts[1].rawBody).toBe(puts[0].rawBody);
      expectValidPut(puts[1]);
      expect(puts[1].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'thing-1' });
      expect(loggedLines()).toContainEqual(
        expect.objectContaining({ level: 'WARN', message: 'answer not accepted, trying again', problem: 'the server answered HTTP 500', retryInMs: 200 }),
      );
      expect(loggedLines().at(-1)).toMatchObject({ message: 'answered', delivered: true, attempts: 2, httpStatus: 200 });
    });

    it('tries again when the connection is reset', async () => {
      // GIVEN
      server.reply('reset', 200);
      const handler = makeHandler(testDefinition(async () => found('thing-1', { Name: 'main' })));

      // WHEN
      const { puts } = await invoke(handler, { server, properties: { Name: 'main' } });

      // THEN
      expect(puts).toHaveLength(2);
      expect(puts[1].rawBody).toBe(puts[0].rawBody);
      expectValidPut(puts[1]);
      expect(loggedLines().at(-1)).toMatchObject({ message: 'answered', delivered: true, attempts: 2 });
    });

    it('does not try again after a 403, and the handler finishes', async () => {
      // GIVEN
      server.reply(403);
      const handler = makeHandler(testDefinition(async () => found('thing-1', { Name: 'main' })));

      // WHEN
      const { puts } = await invoke(handler, { server, properties: { Name: 'main' } });

      // THEN
      expect(puts).toHaveLength(1);
      expect(loggedLines().at(-1)).toMatchObject({
        level: 'ERROR',
        message: 'answered',
        delivered: false,
        attempts: 1,
        httpStatus: 403,
        problem: 'the server answered HTTP 403',
      });
    });

    it('stops trying when the time is up, before the Lambda is stopped', async () => {
      // GIVEN
      server.reply(500, 500, 500, 500, 500, 500);
      const handler = makeHandler(testDefinition(async () => found('thing-1', { Name: 'main' })));

      // WHEN
      const { puts, elapsedMs } = await invoke(handler, { server, properties: { Name: 'main' }, remainingMs: 1500 });

      // THEN
      expect(puts).toHaveLength(3);
      expect(elapsedMs).toBeLessThan(1500);
      expect(loggedLines().at(-1)).toMatchObject({
        level: 'ERROR',
        delivered: false,
        attempts: 3,
        problem: 'the server answered HTTP 500; no time left to try again',
      });
    });

    it('returns before its deadline when the server never answers', async () => {
      // GIVEN
      server.reply('hang');
      const handler = makeHandler(testDefinition(async () => found('thing-1', { Name: 'main' })));

      // WHEN
      const { puts, elapsedMs } = await invoke(handler, { server, properties: { Name: 'main' }, remainingMs: 2000 });

      // THEN
      expect(puts).toHaveLength(1);
      expect(elapsedMs).toBeLessThan(2000);
      expect(loggedLines().at(-1)).toMatchObject({
        level: 'ERROR',
        delivered: false,
        attempts: 1,
        problem: expect.stringMatching(/^no answer within \d+ ms; no time left to try again$/),
      });
    });
  });

  describe('time-outs', () => {
    it('answers FAILED saying it timed out before the deadline, and never answers twice', async () => {
      // GIVEN
      let signal: AbortSignal | undefined;
      let lateLookup: Promise<LookupResult> | undefined;
      const handler = makeHandler(
        testDefinition((_, __, context) => {
          signal = context.abortSignal;
          lateLookup = sleep(1300).then(() => found('thing-1', { Name: 'main' }));
          return lateLookup;
        }),
      );

      // WHEN
      const { puts, elapsedMs } = await invoke(handler, { server, properties: { Name: 'main' }, remainingMs: 1500 });
      await lateLookup;
      await sleep(100);

      // THEN
      expect(elapsedMs).toBeLessThan(1500);
      expect(puts).toHaveLength(1);
      expect(server.received).toHaveLength(1);
      expectValidPut(puts[0]);
      expect(puts[0].body).toMatchObject({
        Status: 'FAILED',
        Reason: expect.stringMatching(
          /^timed out after 1\.\d s looking up Custom::Test; the Lambda had 0\.\d s left, kept to send this answer\. Give the function a longer timeout if the lookup needs more time\. See logs: /,
        ),
        PhysicalResourceId: expect.stringMatching(/^failed-Dependency-/),
      });
      expect(signal?.aborted).toBe(true);
    });

    it('lets a lookup run until the answer margin, a third of the time at most 5 s', async () => {
      // GIVEN
      const handler = makeHandler(testDefinition(() => sleep(900).then(() => found('thing-1', { Name: 'main' }))));

      // WHEN
      const { puts } = await invoke(handler, { server, properties: { Name: 'main' }, remainingMs: 1500 });

      // THEN
      expect(puts).toHaveLength(1);
      expect(puts[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'thing-1' });
    });
  });

  describe('the body', () => {
    it('fails when the body would exceed 4096 bytes, naming the largest attributes', async () => {
      // GIVEN
      const data = { Environment: 'E'.repeat(2000), Output1: 'x'.repeat(1500), Output2: 'y'.repeat(700), Output3: 'z' };
      const handler = makeHandler(testDefinition(async () => found('thing-1', data)));

      // WHEN
      const { puts } = await invoke(handler, { server, properties: { Name: 'main' } });

      // THEN
      expect(puts).toHaveLength(1);
      expectValidPut(puts[0]);
      expect(puts[0].body).toEqual({
        Status: 'FAILED',
        Reason: expect.stringMatching(
          /^the response would be \d{4} bytes, more than the 4096 CloudFormation accepts; the largest attributes are Environment \(2017 bytes\), Output1 \(1513 bytes\), Output2 \(713 bytes\)\. This type has no property that leaves attributes out, so this resource cannot be looked up whole\. See logs: /,
        ),
        PhysicalResourceId: expect.stringMatching(/^failed-Dependency-/),
        StackId: STACK_ID,
        RequestId: expect.any(String),
        LogicalResourceId: 'Dependency',
      });
    });

    it('counts bytes, not characters, in content-length', async () => {
      // GIVEN
      const handler = makeHandler(testDefinition(async () => found('thing-1', { City: 'Zürich ✓ 東京' })));

      // WHEN
      const { puts } = await invoke(handler, { server, properties: { Name: 'main' } });

      // THEN
      expect(puts).toHaveLength(1);
      expectValidPut(puts[0]);
      expect(puts[0].contentLength).toBeGreaterThan(puts[0].rawBody.length);
      expect(puts[0].body.Data).toEqual({ City: 'Zürich ✓ 東京' });
    });
  });

  describe('ResponseURL safety', () => {
    // Lambda sets AWS_REGION to the function's region, which is its stack's.
    const previousRegion = process.env.AWS_REGION;
    beforeEach(() => {
      process.env.AWS_REGION = 'eu-west-1';
    });
    afterEach(() => {
      if (previousRegion === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = previousRegion;
    });

    it.each([
      ['http to a host that is not loopback', 'http://example.com/response?X-Amz-Signature=abc', 'example.com,127.0.0.1', /uses http/],
      ['https to a host outside AWS', 'https://example.com/response?X-Amz-Signature=abc', '127.0.0.1', /is not https on port 443 to cloudformation-custom-resource-response-euwest1, CloudFormation's response bucket in eu-west-1/],
      ['https to a look-alike of an AWS host', 'https://s3.amazonaws.com.example.net/r?X-Amz-Signature=abc', '', /is not https on port 443/],
      ['https to the response bucket of another region', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/r?X-Amz-Signature=abc', '', /is not https on port 443 to cloudformation-custom-resource-response-euwest1, CloudFormation's response bucket in eu-west-1/],
      ['https to an S3 bucket that is not a response bucket', 'https://attacker-bucket.s3.eu-west-1.amazonaws.com/r?X-Amz-Signature=abc', '', /is not https on port 443/],
      ['another scheme', 'ftp://s3.amazonaws.com/r?X-Amz-Signature=abc', '', /must use https/],
      ['no URL at all', 'not a url?X-Amz-Signature=abc', '', /is not a valid URL/],
    ])('sends no request and fails the invocation for %s', async (_, url, allowedHosts, problem) => {
      // GIVEN
      const httpRequest = jest.spyOn(http, 'request');
      const httpsRequest = jest.spyOn(https, 'request');
      const lookup = jest.fn();
      const handler = makeHandler(testDefinition(lookup));

      // WHEN
      const invocation = invoke(handler, { server, event: { ResponseURL: url }, properties: { Name: 'main' }, allowedHosts });

      // THEN
      await expect(invocation).rejects.toThrow(problem);
      expect(httpRequest).not.toHaveBeenCalled();
      expect(httpsRequest).not.toHaveBeenCalled();
      expect(lookup).not.toHaveBeenCalled();
      expect(loggedLines().at(-1)).toMatchObject({ level: 'ERROR', message: 'cannot answer', problem: expect.stringMatching(problem) });
    });

    it('sends no request to a loopback host that RESPONSE_URL_ALLOWED_HOSTS does not name', async () => {
      // GIVEN
      const handler = makeHandler(testDefinition(async () => found('thing-1', {})));

      // WHEN
      const invocation = invoke(handler, { server, properties: { Name: 'main' }, allowedHosts: 'localhost,::1' });

      // THEN
      await expect(invocation).rejects.toThrow(/ResponseURL http:\/\/127\.0\.0\.1:\d+ uses http/);
      expect(server.received).toHaveLength(0);
    });
  });

  it('logs the ResponseURL it answers to without its query string', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition(async () => found('thing-1', {})));

    // WHEN
    await invoke(handler, { server, properties: { Name: 'main' } });

    // THEN
    expect(consoleOutput()).toContain('/cloudformation-custom-resource-response/');
    expect(consoleOutput()).not.toContain('X-Amz-');
  });
});

const schema = defineSchema({
  Name: { type: 'string', required: true, description: 'the name of the thing' },
});

function testDefinition(lookup: LookupDefinition<typeof schema, null>['lookup']): LookupDefinition<typeof schema, null> {
  return { resourceType: 'Custom::Test', schema, clients: () => null, lookup };
}

function found(id: string, data: Record<string, string>): LookupResult {
  return { id, data };
}

function expectValidPut(put: { contentLength: number; rawBody: string; headers: Record<string, unknown> }): void {
  expect(put.contentLength).toBe(Buffer.byteLength(put.rawBody));
  expect(put.headers['content-type']).toBe('');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
