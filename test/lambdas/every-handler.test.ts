import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { CONTRACTS } from '../../contracts/registry';
import type { LookupDefinition } from '../../lambdas/shared/definition';
import { parseProperties, type Schema } from '../../contracts/properties';
import { type Handler, invoke, LOGS } from '../helpers/cfn';

/**
 * What every handler of the registry does alike, whatever it looks up: a
 * Delete answers at once without calling AWS, and every call a lookup sends
 * can be aborted when the Lambda is about to time out.
 */

/** The required properties of each lookup type, with valid values. */
const REQUIRED: Record<string, Record<string, string>> = {
  Route53Dependency: { DomainName: 'example.com' },
  VpcDependency: { VpcName: 'main' },
  ImageDependency: { ImageName: 'al2023-ami-*' },
  ElasticacheDependency: { CacheId: 'sessions' },
  StackDependency: { StackName: 'datastores' },
  CertificateDependency: { CertificateName: 'web-.*' },
};

interface Loaded {
  readonly id: string;
  readonly handler: Handler;
  readonly definition: LookupDefinition<Schema, Record<string, object>>;
}

const LOADED: Loaded[] = CONTRACTS.map((contract) => ({
  id: contract.id,
  handler: require(`../../lambdas/${contract.name}`).handler as Handler,
  definition: require(`../../lambdas/${contract.name}`).definition as Loaded['definition'],
}));

/** A lookup's clients, those made per region (a function of the region) made for the function's own. */
function clientsOf(definition: Loaded['definition']): object[] {
  return Object.values(definition.clients()).map((client) => (typeof client === 'function' ? (client as (region?: string) => object)(undefined) : client));
}

/** Every SDK client class a handler of the registry uses, mocked, each answering every command with nothing. */
const MOCKS: Array<AwsClientStub<any>> = [...new Set(LOADED.flatMap(({ definition }) => clientsOf(definition).map((client) => client.constructor)))].map(
  (client) => mockClient(client as never),
);

beforeEach(() => {
  for (const mock of MOCKS) mock.reset().onAnyCommand().resolves({});
});

afterAll(() => {
  for (const mock of MOCKS) mock.restore();
});

it('has valid properties for every lookup type of the registry', () => {
  expect(Object.keys(REQUIRED).sort()).toEqual(CONTRACTS.map((contract) => contract.id).sort());
});

it.each(LOADED.map((loaded) => [loaded.id, loaded] as const))('%s: Delete answers SUCCESS with the old id without calling AWS', async (id, { handler }) => {
  // WHEN
  const { puts } = await invoke(handler, {
    event: { RequestType: 'Delete', PhysicalResourceId: 'the-old-id', ResourceType: `Custom::${id}` },
    properties: REQUIRED[id],
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

it.each(LOADED.map((loaded) => [loaded.id, loaded] as const))('%s: passes the abort signal to every AWS call', async (id, { definition }) => {
  // GIVEN
  const abortSignal = new AbortController().signal;

  // WHEN the account holds nothing, so the lookup finds nothing after its calls
  await definition.lookup(definition.clients(), parseProperties(definition.schema, REQUIRED[id]), { abortSignal }).catch(() => undefined);

  // THEN
  const options = MOCKS.flatMap((mock) => mock.calls()).map((call) => (call.args as unknown[])[1]);
  expect(options.length).toBeGreaterThan(0);
  expect(options).toEqual(options.map(() => ({ abortSignal })));
});
