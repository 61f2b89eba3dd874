import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { handler as stackHandler } from '../../lambdas/stack-dependency';
import { LOOKUPS, lookupProperty, mockEveryClient } from '../../testkit/lookups';
import { stack } from '../../testkit/mock-account-lookups';
import { type Handler, invoke, loggedLines, LOGS, ResponseServer } from '../helpers/cfn';

/** Each handler of the registry with the string property it looks up by and its valid properties, as its Reason lists them. */
const HANDLERS: Array<[string, Handler, string, string]> = LOOKUPS.map(({ contract, handler }) => [
  contract.id,
  handler,
  lookupProperty(contract),
  Object.keys(contract.schema).join(', '),
]);

const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

const clients = mockEveryClient();
const cloudformation = clients.get(CloudFormationClient)!;
const mocks = [...clients.values()];

beforeEach(() => {
  for (const mock of mocks) mock.reset();
});

describe('property names every object inherits', () => {
  it.each(HANDLERS.flatMap(([type, handler, property, valid]) => PROTOTYPE_NAMES.map((name) => [type, name, handler, property, valid] as const)))(
    '%s answers FAILED naming %s as an unknown property',
    async (_type, name, handler, property, valid) => {
      // GIVEN properties parsed from JSON, as Lambda parses the event, so that each name is an own property
      const properties = JSON.parse(`{"${property}": "main", "${name}": "x"}`) as Record<string, unknown>;

      // WHEN
      const { puts } = await invoke(handler, { properties });

      // THEN
      expect(puts).toHaveLength(1);
      expect(puts[0].body).toMatchObject({
        Status: 'FAILED',
        Reason: `unknown property "${name}"; valid properties are ${valid}. ${LOGS}`,
      });
      expect(awsCalls()).toBe(0);
    },
  );
});

describe('deeply nested values', () => {
  it.each(HANDLERS)('%s answers FAILED naming the property and its kind when it is nested 5,000 levels deep', async (_type, handler, property) => {
    // GIVEN
    let value: unknown = 'main';
    for (let level = 0; level < 5000; level++) value = { [property]: value };

    // WHEN
    const { puts } = await invoke(handler, { properties: { [property]: value } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body.Status).toBe('FAILED');
    expect(puts[0].body.Reason).toMatch(new RegExp(`^${property} must be a string \\(.+\\), got an object nested too deeply to show\\. See logs: `));
    expect(puts[0].body.Reason).not.toContain('[object Object]');
    expect(awsCalls()).toBe(0);
  });
});

describe('oversize ids', () => {
  it.each(HANDLERS)('%s answers a Delete of a 5,000-character id SUCCESS, within 4096 bytes, naming the log stream', async (_type, handler) => {
    // GIVEN
    const id = 'p'.repeat(5000);

    // WHEN
    const { puts } = await invoke(handler, { event: { RequestType: 'Delete', PhysicalResourceId: id } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].contentLength).toBe(Buffer.byteLength(puts[0].rawBody));
    expect(puts[0].contentLength).toBeLessThanOrEqual(4096);
    expect(puts[0].body).toMatchObject({ Status: 'SUCCESS', Reason: LOGS, PhysicalResourceId: expect.stringMatching(/^p{3000,}…$/) });
    expect(awsCalls()).toBe(0);
  });

  it.each(HANDLERS)('%s answers a failed Update of a 5,000-character id within 4096 bytes, naming the log stream', async (_type, handler) => {
    // WHEN
    const { puts } = await invoke(handler, { event: { RequestType: 'Update', PhysicalResourceId: 'p'.repeat(5000) } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].contentLength).toBeLessThanOrEqual(4096);
    expect(puts[0].body.Status).toBe('FAILED');
    expect(puts[0].body.Reason).toMatch(/^.*… See logs: .*, stream 2026\/01\/01\/\[\$LATEST\]0123456789abcdef0123456789abcdef\.$/);
  });
});

describe('fields of hundreds of kilobytes', () => {
  const HUGE = 'a://'.repeat(50_000);

  it.each(HANDLERS)('%s answers an event whose ResourceType is 200,000 characters of URL look-alikes, within a 5 s budget', async (_type, handler, property) => {
    // WHEN
    const { puts } = await invoke(handler, { event: { ResourceType: HUGE }, properties: { [property]: ['not', 'a', 'string'] }, remainingMs: 5000 });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body.Status).toBe('FAILED');
    expect(puts[0].body.Reason).toMatch(new RegExp(`^${property} must be a string`));
    expect(loggedLines()[0]).toMatchObject({ message: 'received', resourceType: `${'a://'.repeat(255)}a:/… (200000 characters)` });
  });

  it.each(HANDLERS)('%s answers FAILED an unknown RequestType of 200,000 characters, within a 5 s budget', async (_type, handler) => {
    // WHEN
    const { puts } = await invoke(handler, { event: { RequestType: HUGE }, remainingMs: 5000 });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `unknown RequestType "${'a://'.repeat(19)}...; expected Create, Update or Delete. ${LOGS}`,
    });
  });

  it.each(HANDLERS)('%s refuses at once, logging why, an event whose LogicalResourceId leaves no room for an answer', async (_type, handler) => {
    // GIVEN
    const server = await ResponseServer.start();

    // WHEN
    const invocation = invoke(handler, { server, event: { LogicalResourceId: HUGE }, remainingMs: 5000 });

    // THEN
    try {
      await expect(invocation).rejects.toThrow('the smallest answer to this event, which repeats its StackId, RequestId and LogicalResourceId, is 200');
      expect(server.received).toHaveLength(0);
      expect(loggedLines()).toEqual([
        expect.objectContaining({ message: 'received', logicalResourceId: `${'a://'.repeat(255)}a:/… (200000 characters)` }),
        expect.objectContaining({ level: 'ERROR', message: 'cannot answer', problem: expect.stringContaining('more than the 4096 CloudFormation accepts') }),
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('a broken remaining-time clock', () => {
  it.each<[string, unknown]>([
    ['missing', undefined],
    ['throwing', () => { throw new Error('no clock'); }],
    ['giving NaN', () => Number.NaN],
    ['giving a negative time', () => -1],
    ['giving Infinity', () => Number.POSITIVE_INFINITY],
    ['giving a string', () => '30000'],
  ])('gives exactly one answer when the clock is %s', async (_case, getRemainingTimeInMillis) => {
    // GIVEN
    cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [stack('web', { Port: '8080' })] });

    // WHEN
    const { puts } = await invoke(stackHandler, { properties: { StackName: 'web' }, context: { getRemainingTimeInMillis } });
    await new Promise((resolve) => setTimeout(resolve, 300));

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toMatchObject({ Status: 'SUCCESS', Data: expect.objectContaining({ Port: '8080' }) });
    expect(cloudformation).toHaveReceivedCommandTimes(DescribeStacksCommand, 1);
  });
});

function awsCalls(): number {
  return mocks.reduce((sum, mock) => sum + mock.calls().length, 0);
}
