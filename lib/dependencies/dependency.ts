import { CustomResource, Fn, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { type Contract, isAttribute } from '../../contracts/contract';
import { InputError } from '../../contracts/errors';
import { parseProperties } from '../../contracts/properties';
import { listSome } from '../../contracts/text';
import { PropError, propOwner } from '../errors';
import { DependencyFunction, type DependencyFunctionOptions, lookupContract, SERVICE_TIMEOUT } from './dependency-function';

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
type PropertyValue = string | boolean | readonly string[] | undefined;

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

  /**
   * @param resourceType the lookup type, such as `Custom::VpcDependency`
   * @param properties the resource's properties by their CloudFormation names: strings, booleans
   * and lists of strings; those left undefined are left out
   * @param common the properties every lookup accepts
   * @param functionOptions what the lookup asks of the function it shares with the stack's other lookups of its type
   */
  protected constructor(
    scope: Construct,
    id: string,
    resourceType: string,
    properties: { [name: string]: any },
    common: DependencyProps,
    functionOptions: DependencyFunctionOptions = {},
  ) {
    super(scope, id);
    const contract = lookupContract(childOwner('Dependency', scope, id), 'resourceType', resourceType);
    this.contract = contract;
    checkKnownValues(this.owner, contract, properties);
    this.resourceType = contract.resourceType;
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: contract.resourceType,
      serviceToken: DependencyFunction.of(this, contract.resourceType, functionOptions).serviceToken,
      serviceTimeout: SERVICE_TIMEOUT,
      properties: renderProperties({ ...properties, Refresh: common.refresh ?? lookupRefresh(this.owner, this), NoEcho: common.noEcho }),
    });
  }

  /** This lookup as its errors name it, such as `VpcDependency MyStack/Vpc`. */
  protected get owner(): string {
    return propOwner(this.contract.id, this);
  }

  /** The id of what was found (the resource's `Ref`). */
  public get physicalId(): string {
    return this.resource.ref;
  }

  /** Any attribute of the answer by its `Fn::GetAtt` name. */
  public attribute(name: string): string {
    if (!isAttribute(this.contract, name)) {
      throw new PropError(
        this.owner,
        `attribute(${JSON.stringify(name)})`,
        `${this.resourceType} answers no attribute of that name; give one it answers, such as ${listSome(this.contract.attributes.names, 3)}`,
      );
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
      const problem = error.message.startsWith(`${name} `) ? error.message.slice(name.length + 1) : error.message;
      throw new PropError(owner, prop, problem, { cause: error });
    }
  }
}

function isUnresolved(value: Exclude<PropertyValue, undefined>): boolean {
  if (typeof value === 'boolean') return false;
  if (typeof value === 'string') return Token.isUnresolved(value);
  return Token.isUnresolved(value) || value.some((item) => Token.isUnresolved(item));
}

/** The context value `lookupRefresh`, which every lookup without its own `refresh` takes as its `Refresh`. */
function lookupRefresh(owner: string, scope: Construct): string | undefined {
  const value: unknown = scope.node.tryGetContext('lookupRefresh');
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new PropError(
      owner,
      'context lookupRefresh',
      `must be a string such as a build id (-c lookupRefresh=1234), got ${JSON.stringify(value)}`,
    );
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

/**
 * The construct `id` about to be made in `scope`, named as `propOwner` names it
 * once it exists: for the checks a lookup's constructor makes before `super`.
 */
export function childOwner(kind: string, scope: Construct, id: string): string {
  return `${kind} ${scope.node.path === '' ? id : `${scope.node.path}/${id}`}`;
}

/** Throws a `PropError` naming the prop when `value` is given but empty or blank. */
export function requireText(owner: string, prop: string, value: string | undefined): void {
  if (value !== undefined && !Token.isUnresolved(value) && value.trim() === '') {
    throw new PropError(owner, prop, 'must not be empty');
  }
}

/**
 * Throws a `PropError` naming `argument`, such as `subnetId.index`, when `index`
 * is not a whole number from 0; `what` is what it counts, such as `a subnet index`.
 */
export function requireIndex(owner: string, argument: string, what: string, index: number): number {
  if (!Number.isInteger(index) || index < 0) {
    throw new PropError(owner, argument, `must be ${what}: a whole number from 0, got ${index}`);
  }
  return index;
}
