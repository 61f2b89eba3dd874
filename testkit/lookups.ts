import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import type { Contract } from '../contracts/contract';
import type { Schema } from '../contracts/properties';
import { CONTRACTS } from '../contracts/registry';
import type { LookupDefinition } from '../lambdas/shared/definition';

/** One lookup type of the registry with its handler and definition, as `lambdas/<name>` exports them. */
export interface Lookup {
  readonly contract: Contract;
  readonly handler: (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;
  readonly definition: LookupDefinition<Schema, Record<string, unknown>>;
}

/** Every lookup type of the registry, in its order. */
export const LOOKUPS: readonly Lookup[] = CONTRACTS.map((contract) => {
  const { handler, definition } = require(`../lambdas/${contract.name}`) as Omit<Lookup, 'contract'>;
  return { contract, handler, definition };
});

/** The property a lookup finds its resource by: the first string property of its schema, such as `VpcName`. */
export function lookupProperty(contract: Contract): string {
  const found = Object.entries(contract.schema).find(([, spec]) => spec.type === 'string');
  if (!found) throw new Error(`${contract.resourceType} has no string property to look up by`);
  return found[0];
}

type ClientClass = abstract new (...args: any[]) => object;

/**
 * Mocks every SDK client class the lookups of the registry create (a client
 * made per region counts by its class), so that no call reaches AWS; each
 * mock answers nothing until told what to answer.
 */
export function mockEveryClient(): ReadonlyMap<ClientClass, AwsStub<any, any, any>> {
  const classes = new Set<ClientClass>();
  for (const { definition } of LOOKUPS) {
    for (const client of Object.values(definition.clients())) {
      const made = typeof client === 'function' ? (client as (region?: string) => object)(undefined) : (client as object);
      classes.add(made.constructor as ClientClass);
    }
  }
  return new Map([...classes].map((client) => [client, mockClient(client as never)]));
}
