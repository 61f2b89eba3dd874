import type { Schema } from './properties';

/**
 * The attributes a lookup answers with, as `Fn::GetAtt` names: fixed names
 * (some only for some kinds of resource) and families with an index or a key
 * in them, such as `SubnetId0`.
 */
export interface AttributeNames {
  readonly names: readonly string[];
  readonly patterns: readonly RegExp[];
}

/**
 * Read permission of one lookup. `resource` is an ARN pattern with
 * `{partition}`, `{region}` and `{account}` placeholders, or `*` where the API
 * has no resource-level permissions; `reason` says why it holds a wildcard.
 */
export interface Permission {
  readonly actions: readonly string[];
  readonly resource: string;
  readonly reason: string;
}

/**
 * One lookup of a type: the `ResourceProperties` a template gives, as
 * CloudFormation sends them (without `ServiceToken`: every value a string,
 * booleans as `"true"` or `"false"`, lists comma-separated or as arrays), and
 * the `Data` the handler answers with in an account that holds what they name.
 */
export interface ContractExample {
  readonly properties: Readonly<Record<string, string | readonly string[]>>;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * Everything about one lookup type that both halves of the project read, free
 * of the AWS SDK and of aws-cdk-lib: the build takes `name`, the constructs
 * take the type, schema, attributes and permissions, the handler takes the
 * schema and `tooLarge`.
 */
export interface Contract<S extends Schema = Schema> {
  /** Folder of the handler under `lambdas/` and of its bundle under `dist/lambdas/`, e.g. `vpc-dependency`. */
  readonly name: string;
  /** CloudFormation resource type, e.g. `Custom::VpcDependency`. */
  readonly resourceType: string;
  /** Name in construct ids and export names, e.g. `VpcDependency`. */
  readonly id: string;
  /** Function name of the original Sony Mobile function, e.g. `vpcDependency`. */
  readonly legacyName: string;
  /** The properties the handler accepts. */
  readonly schema: S;
  readonly attributes: AttributeNames;
  /** Exactly the calls the handler sends, and nothing else. */
  readonly permissions: readonly Permission[];
  /**
   * What a user can do when the answer is over CloudFormation's 4,096 bytes,
   * as a sentence for the Reason.
   * @default - the type has no property that leaves attributes out
   */
  readonly tooLarge?: string;
  /** A lookup of this type and its answer, from which the tests and the benchmarks build their events. */
  readonly example: ContractExample;
}

/** What a contract declares; the names follow from the resource type. */
export type ContractSpec<S extends Schema> = Omit<Contract<S>, 'name' | 'id' | 'legacyName'> & {
  readonly resourceType: `Custom::${string}`;
};

/** Declares a contract: `Custom::VpcDependency` is `vpc-dependency`, `VpcDependency` and `vpcDependency`. */
export function defineContract<const S extends Schema>(spec: ContractSpec<S>): Contract<S> {
  const id = spec.resourceType.slice('Custom::'.length);
  return {
    ...spec,
    name: id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase(),
    id,
    legacyName: id.charAt(0).toLowerCase() + id.slice(1),
  };
}

/** Where the API has no resource-level permissions. */
export const NO_RESOURCE_LEVEL = 'these actions do not support resource-level permissions, so IAM requires "*"';

/** Whether a lookup answering to `contract` can answer with an attribute called `name`. */
export function isAttribute(contract: Contract, name: string): boolean {
  const { names, patterns } = contract.attributes;
  return names.includes(name) || patterns.some((pattern) => pattern.test(name));
}
