import { CustomResource, Fn, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { type Contract, isAttribute } from '../../contracts/contract';
import { InputError } from '../../contracts/errors';
import { parseProperties } from '../../contracts/properties';
import { DependencyFunction, type DependencyFunctionProps, SERVICE_TIMEOUT } from './dependency-function';

/** Properties every lookup accepts. */
export interface DependencyProps {
  /**
   * Any value; changing it makes CloudFormation look the resource up again
   * although no other property changed (for example to pick up a newer AMI).
   *
   * @default - the context value `lookupRefresh` (`-c lookupRefresh=<build id>`), so that
   * every deploy of a pipeline looks everything up again; without it, the lookup runs when
   * the resource is created and when another property changes
   */
  readonly refresh?: string;
  /**
   * Hide the answer's attributes from the CloudFormation console and API.
   *
   * @default false
   */
  readonly noEcho?: boolean;
}

/** A property value as CloudFormation receives it: strings, `"true"`/`"false"`, comma-joined lists. */
export type PropertyValue = string | boolean | readonly string[] | undefined;

/**
 * A lookup at deploy time: a custom resource answered by the stack's function
 * for its type. Subclasses name the properties and offer typed getters.
 */
export abstract class Dependency extends Construct {
  /** The custom resource; `Ref` gives the id of what was found. */
  public readonly resource: CustomResource;
  /** e.g. `Custom::VpcDependency`. */
  public readonly resourceType: string;
  private readonly contract: Contract;

  protected constructor(
    scope: Construct,
    id: string,
    contract: Contract,
    properties: Record<string, PropertyValue>,
    common: DependencyProps,
    functionOptions: Pick<DependencyFunctionProps, 'stackNamePrefixes'> = {},
  ) {
    super(scope, id);
    checkKnownValues(`${contract.id} ${this.node.path}`, contract, properties);
    this.contract = contract;
    this.resourceType = contract.resourceType;
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: contract.resourceType,
      serviceToken: DependencyFunction.of(this, contract, functionOptions).serviceToken,
      serviceTimeout: SERVICE_TIMEOUT,
      properties: renderProperties({ ...properties, Refresh: common.refresh ?? lookupRefresh(this), NoEcho: common.noEcho }),
    });
  }

  /** The id of what was found (the resource's `Ref`). */
  public get physicalId(): string {
    return this.resource.ref;
  }

  /** Any attribute of the answer by its `Fn::GetAtt` name. */
  public attribute(name: string): string {
    if (!isAttribute(this.contract, name)) {
      throw new Error(`${this.resourceType} has no attribute "${name}"`);
    }
    return this.resource.getAttString(name);
  }
}

/**
 * Runs the handler's own property parser on every value known at synth time,
 * so a value the deploy would refuse stops `cdk synth` instead. Values that
 * are tokens are left to the handler.
 */
function checkKnownValues(owner: string, contract: Contract, properties: Record<string, PropertyValue>): void {
  for (const [name, value] of Object.entries(properties)) {
    const spec = contract.schema[name];
    if (value === undefined || !spec || isUnresolved(value)) continue;
    try {
      parseProperties({ [name]: { ...spec, required: false } }, { [name]: value });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const prop = name.charAt(0).toLowerCase() + name.slice(1);
      const sentence = error.message.startsWith(name) ? prop + error.message.slice(name.length) : error.message;
      throw new Error(`${owner}: ${sentence}`);
    }
  }
}

function isUnresolved(value: Exclude<PropertyValue, undefined>): boolean {
  if (typeof value === 'boolean') return false;
  if (typeof value === 'string') return Token.isUnresolved(value);
  return Token.isUnresolved(value) || value.some((item) => Token.isUnresolved(item));
}

/** The context value `lookupRefresh`, which every lookup without its own `refresh` takes as its `Refresh`. */
function lookupRefresh(scope: Construct): string | undefined {
  const value: unknown = scope.node.tryGetContext('lookupRefresh');
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new Error(`context lookupRefresh must be a string such as a build id (-c lookupRefresh=1234), got ${JSON.stringify(value)}`);
  }
  return String(value);
}

function renderProperties(properties: Record<string, PropertyValue>): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const [name, value] of Object.entries(properties)) {
    if (value === undefined) continue;
    if (typeof value === 'boolean') rendered[name] = value ? 'true' : 'false';
    else if (typeof value === 'string') rendered[name] = value;
    else rendered[name] = Token.isUnresolved(value) ? Fn.join(',', [...value]) : value.join(',');
  }
  return rendered;
}

/** Throws a message naming the prop when `value` is given but empty or blank. */
export function requireText(owner: string, prop: string, value: string | undefined): void {
  if (value !== undefined && !Token.isUnresolved(value) && value.trim() === '') {
    throw new Error(`${owner}: ${prop} must not be empty`);
  }
}

/** Throws a message naming what `index` counts when it is not a whole number from 0. */
export function requireIndex(owner: string, what: string, index: number): number {
  if (!Number.isInteger(index) || index < 0) throw new Error(`${owner}: ${what} must be a whole number from 0, got ${index}`);
  return index;
}
