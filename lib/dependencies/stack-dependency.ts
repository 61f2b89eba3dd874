import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { isAttribute } from '../../contracts/contract';
import { contract } from '../../contracts/stack-dependency/contract';
import { PropError } from '../errors';
import { childOwner, Dependency, requireText, type DependencyProps } from './dependency';
import { checkStackNamePrefixes } from './dependency-function';

/** The lookup's own attributes, which no output key can be read as. */
const RESERVED = contract.attributes.names;

/** Properties of a `StackDependency`. */
export interface StackDependencyProps extends DependencyProps {
  /** Name or id of the stack whose outputs are wanted. */
  readonly stackName: string;
  /**
   * Output keys to leave out, also of `environment`.
   *
   * @default - no output is left out
   */
  readonly excludes?: string[];
  /**
   * Only these output keys.
   *
   * @default - every output
   */
  readonly includes?: string[];
  /**
   * The stack's name starts with one of these, such as `['shared-']`; the
   * function that answers may read only stacks named so. The function is
   * shared by the stack's lookups, and may read what any of them allows.
   *
   * @default - the function may read any stack of the account and region
   */
  readonly stackNamePrefixes?: string[];
}

/**
 * Looks up another stack's outputs at deploy time, one attribute per output,
 * and all of them as an env-file for `docker run --env-file`.
 *
 * @example
 * const datastores = new StackDependency(this, 'Datastores', { stackName: 'datastores-prod' });
 * const url = datastores.output('DatabaseUrl');
 */
export class StackDependency extends Dependency {
  private readonly includes?: readonly string[];
  private readonly excludes?: readonly string[];

  constructor(scope: Construct, id: string, props: StackDependencyProps) {
    const owner = childOwner(contract.id, scope, id);
    requireText(owner, 'stackName', props.stackName);
    const prefixes = props.stackNamePrefixes;
    checkStackNamePrefixes(owner, 'stackNamePrefixes', prefixes);
    if (prefixes !== undefined && !Token.isUnresolved(props.stackName)) {
      // A stack id is arn:...:stack/<name>/<guid>.
      const name = props.stackName.startsWith('arn:') ? props.stackName.split('/')[1] : props.stackName;
      if (!prefixes.some((prefix) => name.startsWith(prefix))) {
        throw new PropError(
          owner,
          'stackName',
          `"${props.stackName}" starts with none of stackNamePrefixes ${prefixes.join(', ')}; give a stack whose name does, or add its prefix`,
        );
      }
    }
    super(
      scope,
      id,
      contract.resourceType,
      { StackName: props.stackName, Excludes: props.excludes, Includes: props.includes },
      props,
      { stackNamePrefixes: prefixes },
    );
    this.includes = props.includes;
    this.excludes = props.excludes;
  }

  /**
   * The outputs as an env-file: one `KEY=value` line per output, in output
   * order. Write it to a file and pass it to `docker run --env-file`.
   */
  public get environment(): string {
    return this.attribute('Environment');
  }

  /** The stack's id (ARN). */
  public get stackId(): string {
    return this.attribute('StackId');
  }

  /** The stack's status, such as `UPDATE_COMPLETE`. */
  public get stackStatus(): string {
    return this.attribute('StackStatus');
  }

  /** The value of the output `key`. */
  public output(key: string): string {
    const call = `output(${JSON.stringify(key)})`;
    if (!Token.isUnresolved(key) && !isAttribute(contract, key)) {
      throw new PropError(this.owner, call, 'the key must be an output key (letters and digits)');
    }
    if (RESERVED.includes(key)) {
      throw new PropError(this.owner, call, `the key is taken by the attribute of that name; use the ${key.charAt(0).toLowerCase()}${key.slice(1)} getter`);
    }
    if (this.includes && !Token.isUnresolved(this.includes) && !this.includes.includes(key)) {
      throw new PropError(this.owner, call, `the output is not among includes (${this.includes.join(', ')}); add it there to read it`);
    }
    if (this.excludes && !Token.isUnresolved(this.excludes) && this.excludes.includes(key)) {
      throw new PropError(this.owner, call, 'the output is among excludes; take it out of excludes to read it');
    }
    return this.attribute(key);
  }
}
