import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ATTRIBUTES } from './attributes';
import { Dependency, requirePattern, requireText, type DependencyProps } from './dependency';
import { STACK_DEPENDENCY } from './types';

const OUTPUT_KEY = /^[A-Za-z0-9]+$/;
/** The lookup's own attributes, which no output key can be read as. */
const RESERVED = ATTRIBUTES[STACK_DEPENDENCY.resourceType].names;

export interface StackDependencyProps extends DependencyProps {
  /** Name or id of the stack whose outputs are wanted. */
  readonly stackName: string;
  /**
   * Output keys to leave out, also of `environment`.
   *
   * @default - no output is left out
   */
  readonly excludes?: readonly string[];
  /**
   * Only these output keys.
   *
   * @default - every output
   */
  readonly includes?: readonly string[];
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
    const owner = `StackDependency ${scope.node.path}/${id}`;
    requireText(owner, 'stackName', props.stackName);
    for (const [prop, keys] of [['includes', props.includes], ['excludes', props.excludes]] as const) {
      if (keys === undefined || Token.isUnresolved(keys)) continue;
      for (const key of keys) requirePattern(owner, prop, key, OUTPUT_KEY, 'output keys (letters and digits)');
    }
    super(
      scope,
      id,
      STACK_DEPENDENCY,
      { StackName: props.stackName, Excludes: props.excludes, Includes: props.includes },
      props,
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
    const owner = `StackDependency ${this.node.path}`;
    requirePattern(owner, 'output key', key, OUTPUT_KEY, 'an output key (letters and digits)');
    if (RESERVED.includes(key)) {
      throw new Error(`${owner}: output key "${key}" is taken by the attribute of that name; use the ${key.charAt(0).toLowerCase()}${key.slice(1)} getter`);
    }
    if (this.includes && !Token.isUnresolved(this.includes) && !this.includes.includes(key)) {
      throw new Error(`${owner}: output "${key}" is not among includes (${this.includes.join(', ')})`);
    }
    if (this.excludes && !Token.isUnresolved(this.excludes) && this.excludes.includes(key)) {
      throw new Error(`${owner}: output "${key}" is among excludes`);
    }
    return this.attribute(key);
  }
}
