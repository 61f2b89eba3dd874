import { CloudFormationClient, CloudFormationServiceException } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { InputError, LookupError } from '../../lambdas/shared/errors';
import { parseProperties } from '../../contracts/properties';
import { contract, schema } from '../../contracts/stack-dependency/contract';
import { definition, handler } from '../../lambdas/stack-dependency/index';
import { lookupStack, refuseLineBreaks, renderEnvFile, selectOutputs, type StackProperties } from '../../lambdas/stack-dependency/lookup';
import { fakeCloudFormation, stack, stackId } from '../../testkit/mock-account-lookups';
import { invoke, LOGS, STACK_ID, successBody } from '../helpers/cfn';
import { rejectionBy, thrownBy } from '../helpers/thrown';

const cloudformationMock = mockClient(CloudFormationClient);

const DATASTORES = stack('shared-datastores', {
  SessionsEndpoint: 'sessions.abc123.cfg.euw1.cache.amazonaws.com:11211',
  DatabaseUrl: 'postgres://db.internal:5432/app',
  QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs',
});

beforeEach(() => {
  cloudformationMock.reset();
});

describe('env-file', () => {
  it('renders one KEY=value line per output, in output order', () => {
    // GIVEN
    const outputs = DATASTORES.Outputs ?? [];

    // WHEN
    const file = renderEnvFile(outputs);

    // THEN
    expect(file).toBe(
      'SessionsEndpoint=sessions.abc123.cfg.euw1.cache.amazonaws.com:11211\n' +
        'DatabaseUrl=postgres://db.internal:5432/app\n' +
        'QueueUrl=https://sqs.eu-west-1.amazonaws.com/123456789012/jobs\n',
    );
  });

  it('keeps spaces, equals signs and quotes of a value as they are', () => {
    expect(renderEnvFile([{ OutputKey: 'Greeting', OutputValue: ' a="b" = c ' }])).toBe(
      'Greeting= a="b" = c \n',
    );
  });

  it('is empty for a stack without outputs', () => {
    expect(renderEnvFile([])).toBe('');
  });

  it.each([
    ['a line feed', 'line one\nline two'],
    ['a carriage return and line feed', 'line one\r\nline two'],
    ['a carriage return', 'line one\rline two'],
  ])('refuses, naming the output, a value that holds %s', (_case, value) => {
    // GIVEN
    const outputs = [
      { OutputKey: 'Port', OutputValue: '8080' },
      { OutputKey: 'Certificate', OutputValue: value },
    ];

    // WHEN
    const error = thrownBy(LookupError, () => refuseLineBreaks('web', outputs));

    // THEN
    expect(error.message).toBe(
      'output Certificate of stack "web" holds a line break, which no output of this lookup may hold, ' +
        'as an env-file cannot; add Certificate to Excludes (or leave it out of Includes)',
    );
  });
});

describe('output selection', () => {
  const outputs = DATASTORES.Outputs ?? [];

  const ALL = ['SessionsEndpoint', 'DatabaseUrl', 'QueueUrl'];
  it.each<[string, string[] | undefined, string[], string[]]>([
    ['every output when neither is given', undefined, [], ALL],
    ['the included outputs in stack order', ['QueueUrl', 'SessionsEndpoint'], [], ['SessionsEndpoint', 'QueueUrl']],
    ['all but the excluded outputs', undefined, ['DatabaseUrl'], ['SessionsEndpoint', 'QueueUrl']],
    ['the included outputs less the excluded ones', ['QueueUrl', 'DatabaseUrl'], ['DatabaseUrl'], ['QueueUrl']],
    ['every output when Excludes names only Environment', undefined, ['Environment'], ALL],
    ['every output when Excludes names a key the stack lacks', undefined, ['Missing'], ALL],
  ])('gives %s', (_case, includes, excludes, keys) => {
    expect(selectOutputs('shared-datastores', outputs, includes, excludes).map((o) => o.OutputKey)).toEqual(keys);
  });

  it.each<[string, string[], readonly { OutputKey: string; OutputValue: string }[], string]>([
    [
      'one key the stack lacks',
      ['QueueURL'],
      outputs as { OutputKey: string; OutputValue: string }[],
      'Includes names an output that stack "shared-datastores" does not have: QueueURL; ' +
        'its outputs are SessionsEndpoint, DatabaseUrl, QueueUrl. Correct Includes',
    ],
    [
      'two keys the stack lacks',
      ['QueueUrl', 'Redis', 'Bucket'],
      outputs as { OutputKey: string; OutputValue: string }[],
      'Includes names outputs that stack "shared-datastores" does not have: Redis, Bucket; ' +
        'its outputs are SessionsEndpoint, DatabaseUrl, QueueUrl. Correct Includes',
    ],
    [
      'a key of a stack without outputs',
      ['QueueUrl'],
      [],
      'Includes names an output that stack "shared-datastores" does not have: QueueUrl; ' +
        'it has no outputs. Correct Includes',
    ],
    [
      'a key of a stack with many outputs',
      ['Missing'],
      Array.from({ length: 25 }, (_, i) => ({ OutputKey: `Key${i}`, OutputValue: 'v' })),
      'Includes names an output that stack "shared-datastores" does not have: Missing; its outputs are ' +
        'Key0, Key1, Key2, Key3, Key4, Key5, Key6, Key7, Key8, Key9, Key10, Key11, Key12, Key13, Key14, ' +
        'Key15, Key16, Key17, Key18, Key19 and 5 more. Correct Includes',
    ],
  ])('answers FAILED naming missing and available keys when Includes names %s', (_c, includes, list, reason) => {
    expect(thrownBy(LookupError, () => selectOutputs('shared-datastores', list, includes, [])).message).toBe(reason);
  });
});

describe('lookup', () => {
  it('answers with one attribute per output, the env-file, the stack id and status after one call', async () => {
    // GIVEN
    const account = fakeCloudFormation({ extraStacks: [DATASTORES] }, cloudformationMock);

    // WHEN
    const result = await lookup({ StackName: 'shared-datastores' });

    // THEN
    expect(result).toEqual({
      id: stackId('shared-datastores'),
      data: {
        SessionsEndpoint: 'sessions.abc123.cfg.euw1.cache.amazonaws.com:11211',
        DatabaseUrl: 'postgres://db.internal:5432/app',
        QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs',
        Environment:
          'SessionsEndpoint=sessions.abc123.cfg.euw1.cache.amazonaws.com:11211\n' +
          'DatabaseUrl=postgres://db.internal:5432/app\n' +
          'QueueUrl=https://sqs.eu-west-1.amazonaws.com/123456789012/jobs\n',
        StackId: stackId('shared-datastores'),
        StackStatus: 'CREATE_COMPLETE',
      },
    });
    expect(account.calls).toEqual([{ command: 'DescribeStacks', input: { StackName: 'shared-datastores' } }]);
  });

  it('finds the stack by its id', async () => {
    // GIVEN
    const account = fakeCloudFormation({ extraStacks: [DATASTORES] }, cloudformationMock);

    // WHEN
    const result = await lookup({ StackName: stackId('shared-datastores') });

    // THEN
    expect(result.id).toBe(stackId('shared-datastores'));
    expect(account.calls).toEqual([{ command: 'DescribeStacks', input: { StackName: stackId('shared-datastores') } }]);
  });

  it('leaves the Environment attribute out when Excludes names it', async () => {
    // GIVEN
    fakeCloudFormation({ extraStacks: [stack('web', { Port: '8080' })] }, cloudformationMock);

    // WHEN
    const result = await lookup({ StackName: 'web', Excludes: ['Environment'] });

    // THEN
    expect(result.data).toEqual({ Port: '8080', StackId: stackId('web'), StackStatus: 'CREATE_COMPLETE' });
  });

  it('answers FAILED naming the output whose value holds a line break even when Environment is left out', async () => {
    // GIVEN
    const web = stack('web', { Port: '8080', Banner: 'Welcome\nto the service' });
    fakeCloudFormation({ extraStacks: [web] }, cloudformationMock);

    // WHEN
    const error = await rejectionBy(LookupError, lookup({ StackName: 'web', Excludes: ['Environment'] }));

    // THEN
    expect(error.message).toBe(
      'output Banner of stack "web" holds a line break, which no output of this lookup may hold, ' +
        'as an env-file cannot; add Banner to Excludes (or leave it out of Includes)',
    );
  });

  it('answers with the other outputs when the one with a line break is excluded', async () => {
    // GIVEN
    const web = stack('web', { Port: '8080', Banner: 'Welcome\nto the service' });
    fakeCloudFormation({ extraStacks: [web] }, cloudformationMock);

    // WHEN
    const result = await lookup({ StackName: 'web', Excludes: ['Banner'] });

    // THEN
    expect(result.data).toEqual({ Port: '8080', Environment: 'Port=8080\n', StackId: stackId('web'), StackStatus: 'CREATE_COMPLETE' });
  });

  it('leaves included and excluded outputs out of both the attributes and the env-file', async () => {
    // GIVEN
    fakeCloudFormation({ extraStacks: [DATASTORES] }, cloudformationMock);

    // WHEN
    const result = await lookup({
      StackName: 'shared-datastores',
      Includes: ['QueueUrl', 'DatabaseUrl'],
      Excludes: ['DatabaseUrl'],
    });

    // THEN
    expect(result.data).toEqual({
      QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs',
      Environment: 'QueueUrl=https://sqs.eu-west-1.amazonaws.com/123456789012/jobs\n',
      StackId: stackId('shared-datastores'),
      StackStatus: 'CREATE_COMPLETE',
    });
  });

  it('answers FAILED naming the output whose value holds a line break when the env-file is wanted', async () => {
    // GIVEN
    const web = stack('web', { Port: '8080', Banner: 'Welcome\nto the service' });
    fakeCloudFormation({ extraStacks: [web] }, cloudformationMock);

    // WHEN
    const error = await rejectionBy(LookupError, lookup({ StackName: 'web' }));

    // THEN
    expect(error.message).toBe(
      'output Banner of stack "web" holds a line break, which no output of this lookup may hold, ' +
        'as an env-file cannot; add Banner to Excludes (or leave it out of Includes)',
    );
  });

  it('keeps the env-file under Environment, StackId and StackStatus when outputs have those keys too', async () => {
    // GIVEN
    fakeCloudFormation(
      { extraStacks: [stack('web', { Environment: 'production', StackStatus: 'green' })] },
      cloudformationMock,
    );

    // WHEN
    const result = await lookup({ StackName: 'web' });

    // THEN
    expect(result.data).toEqual({
      Environment: 'Environment=production\nStackStatus=green\n',
      StackId: stackId('web'),
      StackStatus: 'CREATE_COMPLETE',
    });
  });

  const STABLE =
    'CREATE_COMPLETE, UPDATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE, IMPORT_COMPLETE, IMPORT_ROLLBACK_COMPLETE';
  it.each(STABLE.split(', '))('answers with the outputs of a stack in %s', async (status) => {
    // GIVEN
    fakeCloudFormation({ extraStacks: [stack('web', { Port: '8080' }, status)] }, cloudformationMock);

    // WHEN
    const result = await lookup({ StackName: 'web' });

    // THEN
    expect(result.data).toEqual({
      Port: '8080',
      Environment: 'Port=8080\n',
      StackId: stackId('web'),
      StackStatus: status,
    });
  });

  it.each([
    ['CREATE_IN_PROGRESS', 'its outputs may still change. Deploy again when it has finished'],
    ['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'its outputs may still change. Deploy again when it has finished'],
    ['REVIEW_IN_PROGRESS', 'its outputs may still change. Deploy again when it has finished'],
    ['ROLLBACK_COMPLETE', 'its creation failed, so it has no outputs. Delete it and create it again'],
    ['CREATE_FAILED', 'its last operation failed. Repair the stack, then deploy again'],
    ['UPDATE_ROLLBACK_FAILED', 'its last operation failed. Repair the stack, then deploy again'],
    ['DELETE_FAILED', 'its last operation failed. Repair the stack, then deploy again'],
  ])('answers FAILED saying why a stack in %s cannot be used', async (status, advice) => {
    // GIVEN
    fakeCloudFormation({ extraStacks: [stack('web', { Port: '8080' }, status)] }, cloudformationMock);

    // WHEN
    const error = await rejectionBy(LookupError, lookup({ StackName: 'web' }));

    // THEN
    expect(error.message).toBe(`stack "web" is ${status}, not one of the stable states ${STABLE}; ${advice}`);
  });

  it('answers FAILED saying a stack found by id was deleted', async () => {
    // GIVEN
    fakeCloudFormation({ extraStacks: [stack('web', {}, 'DELETE_COMPLETE')] }, cloudformationMock);

    // WHEN
    const error = await rejectionBy(LookupError, lookup({ StackName: stackId('web') }));

    // THEN
    expect(error.message).toBe(
      `stack "web" is DELETE_COMPLETE, not one of the stable states ${STABLE}; ` +
        'it was deleted. Create it again, or correct StackName',
    );
  });

  it.each([
    [
      'no stack has the name',
      'shared-datastore',
      'no stack is named "shared-datastore" in this account and region; ' +
        'check StackName (stacks in other regions or accounts cannot be looked up)',
    ],
    [
      'the stack of that name was deleted',
      'retired',
      'no stack is named "retired" in this account and region; ' +
        'check StackName (stacks in other regions or accounts cannot be looked up)',
    ],
    [
      'no stack has the id',
      stackId('elsewhere'),
      `no stack has the id "${stackId('elsewhere')}" in this account and region; ` +
        'check StackName (stacks in other regions or accounts cannot be looked up)',
    ],
  ])('answers FAILED naming what was asked when %s', async (_case, stackName, reason) => {
    // GIVEN
    fakeCloudFormation({ extraStacks: [DATASTORES, stack('retired', {}, 'DELETE_COMPLETE')] }, cloudformationMock);

    // WHEN
    const error = await rejectionBy(LookupError, lookup({ StackName: stackName }));

    // THEN
    expect(error.message).toBe(reason);
  });

  it('lets other CloudFormation errors through', async () => {
    // GIVEN
    const denied = new CloudFormationServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'User is not authorized to perform: cloudformation:DescribeStacks',
    });
    cloudformationMock.rejects(denied);

    // WHEN
    const error = await lookup({ StackName: 'shared-datastores' }).catch((e: unknown) => e);

    // THEN
    expect(error).toBe(denied);
  });
});

describe('scale', () => {
  it('makes one call however many stacks the account has', async () => {
    // GIVEN an account with 1,000 stacks
    const account = fakeCloudFormation({ stacks: 1000 }, cloudformationMock);

    // WHEN
    const result = await lookup({ StackName: 'service-0999' });

    // THEN
    expect(result.id).toBe(stackId('service-0999'));
    expect(result.data.TableName).toBe('service-0999-items');
    expect(account.calls).toEqual([{ command: 'DescribeStacks', input: { StackName: 'service-0999' } }]);
  });
});

describe('properties', () => {
  it.each<[Record<string, unknown>, StackProperties]>([
    [{ StackName: 'shared-datastores' }, { StackName: 'shared-datastores' }],
    [{ StackName: stackId('web') }, { StackName: stackId('web') }],
    [
      { StackName: 'web', Excludes: 'Environment, Banner', Includes: '["Port","Banner"]' },
      { StackName: 'web', Excludes: ['Environment', 'Banner'], Includes: ['Port', 'Banner'] },
    ],
  ])('accepts %j', (raw, expected) => {
    expect(parseProperties(schema, raw)).toEqual(expected);
  });

  it.each([
    [
      { StackName: 'shared_datastores' },
      'StackName "shared_datastores" is not valid: expected a stack name or stack id, such as shared-datastores',
    ],
    [
      { StackName: 'web', Includes: 'Port,Queue-Url' },
      'Includes item "Queue-Url" is not valid: expected the only output keys to give',
    ],
    [
      { StackName: 'web', Exclude: 'Environment' },
      'unknown property "Exclude"; valid properties are StackName, Excludes, Includes',
    ],
  ])('rejects %j', (raw, message) => {
    expect(() => parseProperties(schema, raw)).toThrow(new InputError(message));
  });

  it('creates one CloudFormation client', () => {
    expect(definition.clients().cloudformation).toBeInstanceOf(CloudFormationClient);
  });
});

describe('Custom::StackDependency handler', () => {
  it('answers the example of its contract, SUCCESS with the stack id as PhysicalResourceId and the outputs and env-file as Data', async () => {
    // GIVEN
    fakeCloudFormation({ extraStacks: [DATASTORES] }, cloudformationMock);

    // WHEN
    const { puts } = await invoke(handler, {
      properties: contract.example.properties,
    });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual(successBody(stackId('shared-datastores'), contract.example.data));
  });

  it('answers FAILED saying how to leave outputs out when they would pass 4096 bytes', async () => {
    // GIVEN a stack whose outputs, with the env-file that repeats them, pass the limit
    const certificate = 'MII' + 'A'.repeat(2100);
    fakeCloudFormation({ extraStacks: [stack('web', { CaBundle: certificate, Port: '8080' })] }, cloudformationMock);

    // WHEN
    const { puts } = await invoke(handler, { properties: { StackName: 'web' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body.Status).toBe('FAILED');
    expect(puts[0].body.Reason).toMatch(
      /the largest attributes are Environment \(\d+ bytes\), CaBundle \(\d+ bytes\), StackId \(\d+ bytes\)\. Leave outputs out with Excludes \(Environment repeats every output\), or name only the ones you need in Includes\. See logs: /,
    );
  });

  it('answers FAILED naming the output whose value an env-file cannot hold', async () => {
    // GIVEN
    fakeCloudFormation({ extraStacks: [stack('web', { Banner: 'Welcome\nto the service' })] }, cloudformationMock);

    // WHEN
    const { puts } = await invoke(handler, { properties: { StackName: 'web' } });

    // THEN
    expect(puts).toHaveLength(1);
    expect(puts[0].body).toEqual({
      Status: 'FAILED',
      Reason:
        'output Banner of stack "web" holds a line break, which no output of this lookup may hold, ' +
        `as an env-file cannot; add Banner to Excludes (or leave it out of Includes). ${LOGS}`,
      PhysicalResourceId: `failed-Dependency-${puts[0].body.RequestId}`,
      StackId: STACK_ID,
      RequestId: expect.any(String),
      LogicalResourceId: 'Dependency',
    });
  });

  it('answers a failed Update with the old id when the stack is being updated', async () => {
    // GIVEN
    fakeCloudFormation({ extraStacks: [stack('web', { Port: '8080' }, 'UPDATE_IN_PROGRESS')] }, cloudformationMock);

    // WHEN
    const { puts } = await invoke(handler, {
      event: { RequestType: 'Update', PhysicalResourceId: stackId('web'), OldResourceProperties: { StackName: 'web' } },
      properties: { StackName: 'web' },
    });

    // THEN
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason:
        'stack "web" is UPDATE_IN_PROGRESS, not one of the stable states CREATE_COMPLETE, UPDATE_COMPLETE, ' +
        'UPDATE_ROLLBACK_COMPLETE, IMPORT_COMPLETE, IMPORT_ROLLBACK_COMPLETE; ' +
        `its outputs may still change. Deploy again when it has finished. ${LOGS}`,
      PhysicalResourceId: stackId('web'),
    });
  });

  it('answers FAILED naming the property when a property is misspelt, without calling CloudFormation', async () => {
    // WHEN
    const { puts } = await invoke(handler, { properties: { StackName: 'web', Include: 'Port' } });

    // THEN
    expect(puts[0].body).toMatchObject({
      Status: 'FAILED',
      Reason: `unknown property "Include"; valid properties are StackName, Excludes, Includes. ${LOGS}`,
    });
    expect(cloudformationMock.calls()).toHaveLength(0);
  });
});

function lookup(props: StackProperties, abortSignal = new AbortController().signal) {
  const cloudformation = new CloudFormationClient({ region: 'eu-west-1' });
  return lookupStack({ cloudformation }, props, { abortSignal });
}
