import type { Contract } from '../../contracts/contract';
import type { Parsed, Schema } from '../../contracts/properties';

/** The flat map of strings CloudFormation hands to `Fn::GetAtt`. */
export type Data = Record<string, string>;

/** What a lookup found: the id becomes the PhysicalResourceId, the data the attributes. */
export interface LookupResult {
  readonly id: string;
  readonly data: Data;
}

/** What a lookup may use besides its properties. */
export interface LookupContext {
  /** Aborted when the Lambda is about to time out; pass it to every `send`. */
  readonly abortSignal: AbortSignal;
}

/** One custom resource type: its contract (type, schema, `tooLarge`), its clients and its lookup. */
export interface LookupDefinition<S extends Schema, C> extends Pick<Contract<S>, 'resourceType' | 'schema' | 'tooLarge'> {
  /** Creates the SDK clients once per container. */
  readonly clients: () => C;
  readonly lookup: (clients: C, props: Parsed<S>, context: LookupContext) => Promise<LookupResult>;
}
