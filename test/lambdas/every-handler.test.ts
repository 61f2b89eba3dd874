import { parseProperties } from '../../contracts/properties';
import { LOOKUPS, mockEveryClient } from '../../testkit/lookups';
import { invoke, LOGS } from '../helpers/cfn';

/**
 * What every handler of the registry does alike, whatever it looks up: a
 * Delete answers at once without calling AWS, and every call a lookup sends
 * can be aborted when the Lambda is about to time out. Each runs on its
 * contract's example.
 */

/** Every SDK client class a handler of the registry uses, mocked, each answering every command with nothing. */
const MOCKS = [...mockEveryClient().values()];

beforeEach(() => {
  for (const mock of MOCKS) mock.reset().onAnyCommand().resolves({});
});

afterAll(() => {
  for (const mock of MOCKS) mock.restore();
});

it.each(LOOKUPS.map((lookup) => [lookup.contract.id, lookup] as const))('%s: Delete answers SUCCESS with the old id without calling AWS', async (_id, { contract, handler }) => {
  // WHEN
  const { puts } = await invoke(handler, {
    event: { RequestType: 'Delete', PhysicalResourceId: 'the-old-id', ResourceType: contract.resourceType },
    properties: contract.example.properties,
  });

  // THEN
  expect(puts).toHaveLength(1);
  expect(puts[0].body).toEqual({
    Status: 'SUCCESS',
    Reason: LOGS,
    PhysicalResourceId: 'the-old-id',
    StackId: expect.any(String),
    RequestId: expect.any(String),
    LogicalResourceId: 'Dependency',
  });
  expect(MOCKS.flatMap((mock) => mock.calls())).toEqual([]);
});

it.each(LOOKUPS.map((lookup) => [lookup.contract.id, lookup] as const))('%s: passes the abort signal to every AWS call', async (_id, { contract, definition }) => {
  // GIVEN
  const abortSignal = new AbortController().signal;

  // WHEN the account holds nothing, so the lookup finds nothing after its calls
  await definition.lookup(definition.clients(), parseProperties(definition.schema, contract.example.properties), { abortSignal }).catch(() => undefined);

  // THEN
  const options = MOCKS.flatMap((mock) => mock.calls()).map((call) => (call.args as unknown[])[1]);
  expect(options.length).toBeGreaterThan(0);
  expect(options).toEqual(options.map(() => ({ abortSignal })));
});
