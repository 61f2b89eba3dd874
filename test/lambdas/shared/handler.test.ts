import { Readable } from 'node:stream';
import type { Context } from 'aws-lambda';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { recordCalls } from '../../../lambdas/shared/clients';
import { LookupError } from '../../../lambdas/shared/errors';
import { makeHandler } from '../../../lambdas/shared/handler';
import { defineSchema } from '../../../contracts/properties';
import type { LookupDefinition, LookupResult } from '../../../lambdas/shared/definition';
import {
  consoleOutput,
  invoke,
  loggedLines,
  LOGS,
  ResponseServer,
  STACK_ID,
  type ReceivedPut,
} from '../../helpers/cfn';
import { customResourceEvent, lambdaContext, TEST_FUNCTION } from '../../../testkit/lambda';

describe('Create and Update', () => {
  it('answers SUCCESS with the id and data the lookup found', async () => {
    // GIVEN
    const lookup = jest.fn().mockResolvedValue(found('thing-1', { Name: 'main', Count: '2' }));
    const handler = makeHandler(testDefinition({ lookup }));

    // WHEN
    const { puts } = await invoke(handler, { properties: { Name: 'main' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual({
      Status: 'SUCCESS',
      Reason: LOGS,
      PhysicalResourceId: 'thing-1',
      StackId: STACK_ID,
      RequestId: expect.any(String),
      LogicalResourceId: 'Dependency',
      Data: { Name: 'main', Count: '2' },
    });
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(lookup).toHaveBeenCalledWith(CLIENTS, { Name: 'main' }, { abortSignal: expect.any(AbortSignal) });
  });

  it('PUTs JSON with an empty content-type and a content-length in bytes', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: async () => found('thing-1', { Name: 'main' }) }));

    // WHEN
    const { puts } = await invoke(handler, { properties: { Name: 'main' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].method).toBe('PUT');
    expect(puts[0].path).toMatch(/^\/cloudformation-custom-resource-response\/[0-9a-f-]+$/);
    expect(puts[0].query).toMatch(/^\?X-Amz-Algorithm=/);
    expect(puts[0].headers['content-type']).toBe('');
    expect(puts[0].contentLength).toBe(Buffer.byteLength(puts[0].rawBody));
    expect(JSON.parse(puts[0].rawBody)).toEqual(puts[0].body);
  });

  it('answers an Update with the id the lookup finds now, so a changed lookup replaces the resource', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: async () => found('thing-2', { Name: 'main' }) }));

    // WHEN
    const { puts } = await invoke(handler, {
      event: { RequestType: 'Update', PhysicalResourceId: 'thing-1', OldResourceProperties: { Name: 'old' } },
      properties: { Name: 'main' },
    });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'thing-2' });
  });

  it('keeps the old id when an Update fails', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: notFound }));

    // WHEN
    const { puts } = await invoke(handler, {
      event: { RequestType: 'Update', PhysicalResourceId: 'thing-1' },
      properties: { Name: 'main' },
    });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'thing-1' });
  });

  it('answers a failed Create with a non-empty id that marks it failed', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: notFound }));

    // WHEN
    const { puts } = await invoke(handler, { event: { RequestId: '6d1c1c4e-1111-4222-8333-444455556666' }, properties: { Name: 'main' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual({
      Status: 'FAILED',
      Reason: `no thing is named "main"; things with similar names: main-old. ${LOGS}`,
      PhysicalResourceId: 'failed-Dependency-6d1c1c4e-1111-4222-8333-444455556666',
      StackId: STACK_ID,
      RequestId: '6d1c1c4e-1111-4222-8333-444455556666',
      LogicalResourceId: 'Dependency',
    });
  });
});

describe('Delete', () => {
  it.each([
    ['the id of a failed create', 'failed-Dependency-6d1c1c4e-1111-4222-8333-444455556666'],
    ['an id CloudFormation made', 'my-stack-Dependency-1ABCDEF2GHIJK'],
    ['an id a lookup found', 'vpc-0123456789abcdef0'],
  ])('answers SUCCESS echoing %s without looking anything up', async (_, id) => {
    // GIVEN
    const lookup = jest.fn();
    const handler = makeHandler(testDefinition({ lookup }));

    // WHEN
    const { puts } = await invoke(handler, {
      event: { RequestType: 'Delete', PhysicalResourceId: id },
      properties: { Nmae: 'a typo is no reason to block a delete' },
    });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual({
      Status: 'SUCCESS',
      Reason: LOGS,
      PhysicalResourceId: id,
      StackId: STACK_ID,
      RequestId: expect.any(String),
      LogicalResourceId: 'Dependency',
    });
    expect(lookup).not.toHaveBeenCalled();
  });

  it('answers SUCCESS even when the clients could not be created', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ clients: failingClients }));

    // WHEN
    const { puts } = await invoke(handler, { event: { RequestType: 'Delete', PhysicalResourceId: 'thing-1' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'thing-1' });
  });
});

describe('other request types', () => {
  it('answers FAILED naming an unknown RequestType', async () => {
    // GIVEN
    const lookup = jest.fn();
    const handler = makeHandler(testDefinition({ lookup }));

    // WHEN
    const { puts } = await invoke(handler, { event: { RequestType: 'Replace', PhysicalResourceId: 'thing-1' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `unknown RequestType "Replace"; expected Create, Update or Delete. ${LOGS}`,
      PhysicalResourceId: 'thing-1',
    });
    expect(lookup).not.toHaveBeenCalled();
  });
});

describe('events that cannot be answered', () => {
  let server: ResponseServer;
  beforeEach(async () => {
    server = await ResponseServer.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it.each(['RequestType', 'ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId'])(
    'fails the invocation without answering when the event has no %s',
    async (field) => {
      // GIVEN
      const handler = makeHandler(testDefinition({}));

      // WHEN
      const invocation = invoke(handler, { server, event: { [field]: undefined }, properties: { Name: 'main' } });

      // THEN
      await expect(invocation).rejects.toThrow(`the event lacks ${field} (each must be a non-empty string)`);
      expect(server.received).toHaveLength(0);
      expect(loggedLines()).toEqual([
        expect.objectContaining({ level: 'ERROR', message: 'cannot answer', problem: expect.stringContaining(field) }),
      ]);
    },
  );

  it('fails the invocation without answering when a field is not a string', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({}));

    // WHEN
    const invocation = invoke(handler, { server, event: { StackId: 42, RequestId: '' }, properties: { Name: 'main' } });

    // THEN
    await expect(invocation).rejects.toThrow('the event lacks StackId, RequestId (each must be a non-empty string)');
    expect(server.received).toHaveLength(0);
  });

  it.each([
    [null, 'null'],
    ['{"RequestType":"Create"}', 'string'],
    [42, 'number'],
    [undefined, 'undefined'],
  ])('fails the invocation when the event is %p', async (event, kind) => {
    // GIVEN
    const handler = makeHandler(testDefinition({}));

    // WHEN
    const invocation = handler(event as never, lambdaContext(10_000));

    // THEN
    await expect(invocation).rejects.toThrow(`the event is not an object but ${kind}`);
    expect(loggedLines()).toEqual([{ level: 'ERROR', message: 'cannot answer', problem: `the event is not an object but ${kind}` }]);
  });
});

describe('properties', () => {
  it.each([
    ['a property is misspelt', { Nmae: 'main' }, 'unknown property "Nmae"; valid properties are Name, Exact, Tags.'],
    [
      'a required property is missing',
      {},
      'missing required property Name (the name of the thing); valid properties are Name, Exact, Tags.',
    ],
    ['a boolean is not true or false', { Name: 'main', Exact: 'yes' }, 'Exact must be true or false, got "yes".'],
    ['NoEcho is not true or false', { Name: 'main', NoEcho: 'maybe' }, 'NoEcho must be true or false, got "maybe".'],
    [
      'a list is malformed JSON',
      { Name: 'main', Tags: '["a",' },
      'Tags must be a JSON array of strings or a comma-separated list, got "[\\"a\\",".',
    ],
  ])('answers FAILED naming the property when %s', async (_, properties, sentence) => {
    // GIVEN
    const lookup = jest.fn();
    const handler = makeHandler(testDefinition({ lookup }));

    // WHEN
    const { puts } = await invoke(handler, { properties });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({ Status: 'FAILED', Reason: `${sentence} ${LOGS}` });
    expect(lookup).not.toHaveBeenCalled();
  });

  it('answers FAILED when the resource properties are not a map', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({}));

    // WHEN
    const { puts } = await invoke(handler, { event: { ResourceProperties: 'Name=main' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `the resource properties are not a map of names to values. ${LOGS}`,
    });
  });

  it('passes typed values to the lookup, ignoring the common properties', async () => {
    // GIVEN
    const lookup = jest.fn().mockResolvedValue(found('thing-1', {}));
    const handler = makeHandler(testDefinition({ lookup }));

    // WHEN
    await invoke(handler, {
      properties: { Name: ' main ', Exact: 'TRUE', Tags: 'a, b', ServiceTimeout: '60', Refresh: '2', NoEcho: 'false' },
    });

    // THEN
    expect(lookup).toHaveBeenCalledWith(CLIENTS, { Name: 'main', Exact: true, Tags: ['a', 'b'] }, expect.anything());
  });
});

describe('failures', () => {
  it('answers FAILED with the AWS error code and message, and where the logs are', async () => {
    // GIVEN
    const handler = makeHandler(ec2Definition(403, EC2_ACCESS_DENIED));

    // WHEN
    const { puts } = await invoke(handler, { properties: { Name: 'main' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason:
        'AWS call failed: UnauthorizedOperation: You are not authorized to perform this operation. User: ' +
        'arn:aws:sts::123456789012:assumed-role/lookup/fn is not authorized to perform: ec2:DescribeVpcs. ' +
        LOGS,
    });
  });

  it.each([
    ['an Error', new TypeError("Cannot read properties of undefined (reading 'VpcId')"), "the lookup failed: TypeError: Cannot read properties of undefined (reading 'VpcId')."],
    ['a string', 'no luck\ntoday', 'the lookup failed: no luck today.'],
    ['a plain object', { code: 'E42', detail: { deep: true } }, 'the lookup failed: it threw an object instead of an Error.'],
    ['an object with a message', { name: 'Throttling', message: 'Rate exceeded' }, 'the lookup failed: Throttling: Rate exceeded.'],
    ['nothing', undefined, 'the lookup failed: it threw undefined instead of an Error.'],
  ])('answers FAILED with a readable Reason when the lookup throws %s', async (_, thrown, sentence) => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: () => Promise.reject(thrown) }));

    // WHEN
    const { puts } = await invoke(handler, { properties: { Name: 'main' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body.Reason).toBe(`${sentence} ${LOGS}`);
  });

  it('creates the clients once, and answers FAILED on every Create when that failed', async () => {
    // GIVEN
    const clients = jest.fn(failingClients);
    const lookup = jest.fn();
    const handler = makeHandler(testDefinition({ clients, lookup }));

    // WHEN
    const first = await invoke(handler, { properties: { Name: 'main' } });
    const second = await invoke(handler, { properties: { Name: 'main' } });

    // THEN
    for (const { puts } of [first, second]) {
      expect(puts).toHaveLength(1);
      expect(puts[0].body).toMatchObject({
        Status: 'FAILED',
        Reason:
          'the Custom::Test function could not create its AWS clients when it started: ' +
          `Region is missing: set AWS_REGION. ${LOGS}`,
      });
    }
    expect(clients).toHaveBeenCalledTimes(1);
    expect(lookup).not.toHaveBeenCalled();
  });

  it.each([
    ['an empty id', ''],
    ['an id that is not text, as from a malformed AWS answer', 42],
  ])('answers FAILED when the lookup finds %s, never a PhysicalResourceId CloudFormation cannot read', async (_case, id) => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: async () => found(id as string, { Name: 'main' }) }));

    // WHEN
    const { puts } = await invoke(handler, { properties: { Name: 'main' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `the Custom::Test lookup found no id to answer. ${LOGS}`,
      PhysicalResourceId: expect.stringMatching(/^failed-Dependency-/),
    });
  });

  it('cuts a long Reason to 1000 characters, keeping where the logs are', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: () => Promise.reject(new LookupError(`no thing named ${'x'.repeat(5000)}`)) }));

    // WHEN
    const { puts } = await invoke(handler, { properties: { Name: 'main' } });

    // THEN
    const reason = puts[0].body.Reason ?? '';
    expect(reason).toHaveLength(1000);
    expect(reason).toMatch(/^no thing named x+… See logs: /);
    expect(reason.endsWith(LOGS)).toBe(true);
  });
});

describe('NoEcho', () => {
  it('sets NoEcho in the response when NoEcho is "true"', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: async () => found('thing-1', { Password: 'hunter2-secret' }) }));

    // WHEN
    const { puts } = await invoke(handler, { properties: { Name: 'main', NoEcho: 'true' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({ Status: 'SUCCESS', NoEcho: true, Data: { Password: 'hunter2-secret' } });
  });

  it('leaves NoEcho out when NoEcho is not set', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: async () => found('thing-1', { Name: 'main' }) }));

    // WHEN
    const { puts } = await invoke(handler, { properties: { Name: 'main' } });

    // THEN
    expect(puts[0].body).not.toHaveProperty('NoEcho');
  });

  it('never logs the data of a NoEcho resource, only the attribute names', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: async () => found('thing-1', { Password: 'hunter2-secret' }) }));

    // WHEN
    await invoke(handler, { properties: { Name: 'main', NoEcho: 'TRUE' } });

    // THEN
    expect(consoleOutput()).not.toContain('hunter2-secret');
    expect(loggedLines()[1]).toMatchObject({ message: 'answered', attributes: ['Password'], noEcho: true });
  });

  it("under Lambda's JSON log format, logs records as objects without NoEcho data or the URL's signature", async () => {
    // GIVEN Lambda's JSON log format and a signed ResponseURL
    process.env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    const server = await ResponseServer.start();
    const handler = makeHandler(testDefinition({ lookup: async () => found('thing-1', { Password: 'hunter2-secret' }) }));

    try {
      // WHEN
      await invoke(handler, { server, properties: { Name: 'main', NoEcho: 'true' } });
    } finally {
      delete process.env.AWS_LAMBDA_LOG_FORMAT;
      await server.close();
    }

    // THEN each record is one object, which Lambda writes as its line's message
    const records = jest.mocked(console.info).mock.calls.map(([record]) => record as Record<string, unknown>);
    expect(records.map((record) => record.message)).toEqual(['received', 'answered']);
    expect(records[1]).toMatchObject({ status: 'SUCCESS', attributes: ['Password'], noEcho: true });
    expect(console.log).not.toHaveBeenCalled();
    const written = JSON.stringify(records);
    expect(written).not.toContain('hunter2-secret');
    expect(written).not.toContain('X-Amz-Signature');
  });
});

describe('logs', () => {
  it('logs one JSON line when an event arrives and one when it is answered', async () => {
    // GIVEN
    const server = await ResponseServer.start();
    const handler = makeHandler(testDefinition({ lookup: async () => found('thing-1', { Name: 'main' }) }));

    // WHEN
    const { puts } = await invoke(handler, { server, properties: { Name: 'main' } });
    await server.close();

    // THEN
    const requestId = puts[0].body.RequestId;
    const ids = { requestType: 'Create', logicalResourceId: 'Dependency', stackId: STACK_ID, requestId };
    expect(jest.mocked(console.log).mock.calls.every(([line]) => !String(line).includes('\n'))).toBe(true);
    expect(loggedLines()).toEqual([
      {
        level: 'INFO',
        message: 'received',
        ...ids,
        resourceType: 'Custom::Dependency',
        responseUrl: server.url(`/cloudformation-custom-resource-response/${requestId}`).replace(/\?.*/, ''),
      },
      {
        level: 'INFO',
        message: 'answered',
        ...ids,
        status: 'SUCCESS',
        physicalResourceId: 'thing-1',
        durationMs: expect.any(Number),
        awsCalls: 0,
        calls: [],
        attributes: ['Name'],
        delivered: true,
        attempts: 1,
        httpStatus: 200,
      },
    ]);
  });

  it('logs the answer as an ERROR with its Reason when it is FAILED', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: notFound }));

    // WHEN
    await invoke(handler, { properties: { Name: 'main' } });

    // THEN
    expect(loggedLines()[1]).toMatchObject({
      level: 'ERROR',
      message: 'answered',
      status: 'FAILED',
      reason: `no thing is named "main"; things with similar names: main-old. ${LOGS}`,
    });
  });

  it('does not log the calls of a lookup abandoned at its deadline against the next event', async () => {
    // GIVEN a lookup that, for "slow", makes its call only after its deadline, and for "fast" makes none
    const definition = ec2Definition(200, EC2_ONE_VPC);
    const handler = makeHandler({
      ...definition,
      lookup: async (ec2, props) => {
        await new Promise((resolve) => setTimeout(resolve, props.Name === 'slow' ? 1500 : 800));
        if (props.Name === 'slow') await ec2.send(new DescribeVpcsCommand({}));
        return found('vpc-0123456789abcdef0', {});
      },
    });

    // WHEN the slow event times out and the fast one runs while the abandoned call is made
    await invoke(handler, { properties: { Name: 'slow' }, remainingMs: 1500 });
    await invoke(handler, { properties: { Name: 'fast' } });

    // THEN
    const answered = loggedLines().filter((line) => line.message === 'answered');
    expect(answered.map((line) => [line.status, line.awsCalls, line.calls])).toEqual([
      ['FAILED', 0, []],
      ['SUCCESS', 0, []],
    ]);
  });

  it('counts and names the AWS calls the lookup made', async () => {
    // GIVEN
    const handler = makeHandler(ec2Definition(200, EC2_ONE_VPC));

    // WHEN
    const { puts } = await invoke(handler, { properties: { Name: 'main' } });

    // THEN
    expect(puts[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'vpc-0123456789abcdef0' });
    expect(loggedLines()[1]).toMatchObject({ message: 'answered', awsCalls: 2, calls: ['EC2.DescribeVpcs', 'EC2.DescribeVpcs'] });
  });
});

const schema = defineSchema({
  Name: { type: 'string', required: true, description: 'the name of the thing' },
  Exact: { type: 'boolean', description: 'match the name exactly' },
  Tags: { type: 'list', description: 'tags the thing must have' },
});

const CLIENTS = { kind: 'test clients' };

type Lookup<C> = LookupDefinition<typeof schema, C>['lookup'];

describe('without the log location of a Lambda context', () => {
  const REQUEST_ID = '5d7f6a2e-0000-4000-8000-0123456789ab';
  const shell = { StackId: STACK_ID, RequestId: REQUEST_ID, LogicalResourceId: 'Dependency' };

  /** Runs `handler` on a Create event with `context` as the Lambda context; returns the PUTs it made. */
  async function invokeWith(handler: ReturnType<typeof makeHandler>, context: unknown): Promise<ReceivedPut[]> {
    const server = await ResponseServer.start();
    const previousHosts = process.env.RESPONSE_URL_ALLOWED_HOSTS;
    process.env.RESPONSE_URL_ALLOWED_HOSTS = '127.0.0.1';
    try {
      const event = customResourceEvent({
        responseUrl: server.url(`/cloudformation-custom-resource-response/${REQUEST_ID}`),
        serviceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:custom-resources-Dependency',
        stackId: STACK_ID,
        requestId: REQUEST_ID,
        logicalResourceId: 'Dependency',
        resourceType: 'Custom::Dependency',
        properties: { Name: 'main' },
      });
      await handler(event, context as Context);
      return server.received;
    } finally {
      if (previousHosts === undefined) delete process.env.RESPONSE_URL_ALLOWED_HOSTS;
      else process.env.RESPONSE_URL_ALLOWED_HOSTS = previousHosts;
      await server.close();
    }
  }

  it.each([
    ['no context at all', undefined],
    ['a context without log group and stream', { getRemainingTimeInMillis: () => 10_000 }],
  ])('answers FAILED with the sentence alone when given %s', async (_, context) => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: notFound }));

    // WHEN
    const puts = await invokeWith(handler, context);

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].rawBody).toBe(
      JSON.stringify({
        Status: 'FAILED',
        Reason: 'no thing is named "main"; things with similar names: main-old.',
        PhysicalResourceId: `failed-Dependency-${REQUEST_ID}`,
        ...shell,
      }),
    );
  });

  it('answers SUCCESS with the data and an empty Reason when given no context', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: async () => found('thing-1', { Name: 'main' }) }));

    // WHEN
    const puts = await invokeWith(handler, undefined);

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual({ Status: 'SUCCESS', Reason: '', PhysicalResourceId: 'thing-1', ...shell, Data: { Name: 'main' } });
  });

  it('names the log group alone when the context gives no stream', async () => {
    // GIVEN
    const handler = makeHandler(testDefinition({ lookup: notFound }));

    // WHEN
    const puts = await invokeWith(handler, { ...lambdaContext(10_000), logStreamName: undefined });

    // THEN
    expect(puts[0].body.Reason).toBe(`no thing is named "main"; things with similar names: main-old. See logs: log group ${TEST_FUNCTION.logGroupName}.`);
  });
});

function testDefinition(parts: {
  clients?: () => typeof CLIENTS;
  lookup?: Lookup<typeof CLIENTS>;
}): LookupDefinition<typeof schema, typeof CLIENTS> {
  return {
    resourceType: 'Custom::Test',
    schema,
    clients: parts.clients ?? (() => CLIENTS),
    lookup: parts.lookup ?? (async () => found('thing-1', {})),
  };
}

function found(id: string, data: Record<string, string>): LookupResult {
  return { id, data };
}

async function notFound(): Promise<LookupResult> {
  throw new LookupError('no thing is named "main"; things with similar names: main-old');
}

function failingClients(): typeof CLIENTS {
  throw new Error('Region is missing: set AWS_REGION');
}

const EC2_ACCESS_DENIED =
  '<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation. ' +
  'User: arn:aws:sts::123456789012:assumed-role/lookup/fn is not authorized to perform: ec2:DescribeVpcs</Message>' +
  '</Error></Errors><RequestID>8f7c7f0e-0000-4000-8000-000000000000</RequestID></Response>';

const EC2_ONE_VPC =
  '<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>1</requestId>' +
  '<vpcSet><item><vpcId>vpc-0123456789abcdef0</vpcId><state>available</state></item></vpcSet></DescribeVpcsResponse>';

/**
 * A definition whose lookup makes two real `DescribeVpcs` calls through an
 * SDK client that records its calls; the client's HTTP handler answers every
 * request with `status` and `xml` without any network.
 */
function ec2Definition(status: number, xml: string): LookupDefinition<typeof schema, EC2Client> {
  return {
    resourceType: 'Custom::Test',
    schema,
    clients: () =>
      recordCalls(
        new EC2Client({
          region: 'eu-west-1',
          credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
          maxAttempts: 1,
          requestHandler: {
            handle: async () => ({
              response: { statusCode: status, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(xml)]) },
            }),
          } as never,
        }),
      ),
    lookup: async (ec2, props, { abortSignal }) => {
      const first = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: [props.Name] }] }), { abortSignal });
      const second = await ec2.send(new DescribeVpcsCommand({ VpcIds: [first.Vpcs?.[0]?.VpcId ?? ''] }), { abortSignal });
      return found(second.Vpcs?.[0]?.VpcId ?? '', {});
    },
  };
}
