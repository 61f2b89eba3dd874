import type { Construct } from 'constructs';
import type { Contract } from '../../contracts/contract';
import * as lookups from '../../lib/dependencies';

/** A property value as a template gives it: a string, or a list as an array. */
export type PropertyValues = Readonly<Record<string, string | readonly string[] | undefined>>;

type LookupConstruct = new (scope: Construct, id: string, props: Record<string, unknown>) => Construct;

/** The construct of a lookup type: the class of `lib/dependencies` named as the type, such as `VpcDependency`. */
export function lookupConstruct(contract: Contract): LookupConstruct | undefined {
  const found: unknown = (lookups as Record<string, unknown>)[contract.id];
  return typeof found === 'function' ? (found as LookupConstruct) : undefined;
}

/**
 * Creates the construct of a lookup type from CloudFormation properties, each
 * given as the prop of the same name in camelCase (`VpcName` as `vpcName`):
 * `"true"` and `"false"` as booleans, lists as arrays.
 */
export function createLookup(contract: Contract, scope: Construct, id: string, values: PropertyValues): Construct {
  const construct = lookupConstruct(contract);
  if (!construct) throw new Error(`lib/dependencies has no construct named ${contract.id}`);
  const props: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const type = contract.schema[name]?.type;
    const prop = name.charAt(0).toLowerCase() + name.slice(1);
    if (type === 'boolean') props[prop] = value === 'true';
    else if (type === 'list') props[prop] = typeof value === 'string' ? value.split(',') : [...value];
    else props[prop] = String(value);
  }
  return new construct(scope, id, props);
}
