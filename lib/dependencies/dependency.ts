import { CustomResource, Fn, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { isAttribute } from './attributes';
import { DependencyFunction, SERVICE_TIMEOUT } from './provider';
import type { DependencyType } from './types';

/** Properties every lookup accepts. */
export interface DependencyProps {
  /**
   * Any value; changing it makes CloudFormation look the resource up again
   * although no other property changed (for example to pick up a newer AMI).
   *
   * @default - the lookup runs when the resource is created and when another property changes
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

  protected constructor(
    scope: Construct,
    id: string,
    type: DependencyType,
    properties: Record<string, PropertyValue>,
    common: DependencyProps,
  ) {
    super(scope, id);
    this.resourceType = type.resourceType;
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: type.resourceType,
      serviceToken: DependencyFunction.of(this, type).serviceToken,
      serviceTimeout: SERVICE_TIMEOUT,
      properties: renderProperties({ ...properties, Refresh: common.refresh, NoEcho: common.noEcho }),
    });
  }

  /** The id of what was found (the resource's `Ref`). */
  public get physicalId(): string {
    return this.resource.ref;
  }

  /** Any attribute of the answer by its `Fn::GetAtt` name. */
  public attribute(name: string): string {
    if (!isAttribute(this.resourceType, name)) {
      throw new Error(`${this.resourceType} has no attribute "${name}"`);
    }
    return this.resource.getAttString(name);
  }
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

/** Throws a message naming the prop when a known value does not match `pattern`. */
export function requirePattern(owner: string, prop: string, value: string | undefined, pattern: RegExp, what: string): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!pattern.test(value)) throw new Error(`${owner}: ${prop} must be ${what}, got "${value}"`);
}

/** Throws a message naming what `index` counts when it is not a whole number from 0. */
export function requireIndex(owner: string, what: string, index: number): number {
  if (!Number.isInteger(index) || index < 0) throw new Error(`${owner}: ${what} must be a whole number from 0, got ${index}`);
  return index;
}
