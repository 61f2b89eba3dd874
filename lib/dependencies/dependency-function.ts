import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Contract, Permission } from '../../contracts/contract';
import { CONTRACTS, contractOf } from '../../contracts/registry';
import { PropError, propOwner } from '../errors';
import { monitorLookup } from '../monitoring/lookup-monitoring';
import type { MonitoringOptions } from '../monitoring/stack-monitoring';

/** How long one lookup may run; the handler answers FAILED before this runs out. */
const FUNCTION_TIMEOUT = Duration.minutes(2);

/**
 * How long CloudFormation waits for an answer before it fails the resource:
 * the function's timeout plus a minute for the invocation to start.
 */
export const SERVICE_TIMEOUT = FUNCTION_TIMEOUT.plus(Duration.minutes(1));

/** How long CloudFormation waits for a custom resource whose template sets no `ServiceTimeout`. */
const PLAIN_TEMPLATE_WAIT = Duration.hours(1);

/**
 * Where `npm run build` puts the bundled handlers: `dist/lambdas` of the
 * package this file is part of, the nearest folder above it that holds a
 * package.json (the repository for lib/dependencies/, the installed package
 * for its dist/lib/dependencies/).
 */
const BUNDLES = path.join(packageRoot(__dirname), 'dist', 'lambdas');

/**
 * How many of one function's invocations may run at once. Lookups run once
 * per resource per deploy; CloudFormation invokes them asynchronously, so an
 * invocation over the limit waits in Lambda's queue instead of failing.
 */
const RESERVED_CONCURRENCY = 2;

/** Placeholder in a permission's resource for the stack names a role may read. */
const STACK_NAME = '{stackName}';

/** A stack name prefix: a letter, then letters, digits and hyphens (CloudFormation's rule for names). */
const STACK_NAME_PREFIX = /^[A-Za-z][-A-Za-z0-9]{0,127}$/;

/** What the constructs that share a lookup's function may ask of it. */
export interface DependencyFunctionOptions {
  /**
   * Names the stack lookup may read start with one of these, such as
   * `['shared-', 'datastores-']`. Only for `Custom::StackDependency`.
   *
   * @default - any stack of the account and region
   */
  readonly stackNamePrefixes?: string[];
}

/** Properties of the function that answers one type of lookup. */
export interface DependencyFunctionProps extends DependencyFunctionOptions {
  /** The lookup type the function answers, such as `Custom::VpcDependency`. */
  readonly resourceType: string;
  /**
   * Name of the Lambda function, such as the original `route53Dependency`.
   *
   * @default - a name CloudFormation generates
   */
  readonly functionName?: string;
  /**
   * How many invocations may run at once; the account must keep at least
   * 10 of its Lambda concurrency unreserved. `0` reserves none, for accounts
   * whose quota leaves nothing to reserve.
   *
   * @default - the context value `lookupConcurrency` (`-c lookupConcurrency=0`), else 2
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * The function's alarms (errors and throttles; see docs/monitoring.md) and
   * its graphs on the stack's dashboard.
   *
   * @default - the stack's `StackMonitoring` settings: alarms and graphs, notifying its `alarmTopic`
   */
  readonly monitoring?: MonitoringOptions;
}

/**
 * The Lambda function that answers one type of lookup: the bundled handler
 * from `dist/lambdas/<name>`, a role that allows only that lookup's read
 * calls and writing to its own log group, and a log group that keeps a month
 * of logs.
 */
export class DependencyFunction extends Construct {
  /**
   * The function of the lookup type `resourceType`, such as
   * `Custom::VpcDependency`, in the stack of `scope`, created on first use.
   * A stack lookup's `stackNamePrefixes` add to what the shared function may read.
   */
  public static of(scope: Construct, resourceType: string, options: DependencyFunctionOptions = {}): DependencyFunction {
    const stack = Stack.of(scope);
    const contract = lookupContract(propOwner('DependencyFunction', scope), 'of.resourceType', resourceType);
    const id = `${contract.id}Function`;
    const existing = stack.node.tryFindChild(id);
    if (!(existing instanceof DependencyFunction)) return new DependencyFunction(stack, id, { resourceType, ...options });
    if (readsStacks(contract)) existing.readStackNames('stackNamePrefixes', options.stackNamePrefixes);
    return existing;
  }

  /** The Lambda function, whose ARN custom resources name as their `ServiceToken`. */
  public readonly function: lambda.Function;
  /** The function's role: the lookup's read calls and writing to `logGroup`, nothing else. */
  public readonly role: iam.Role;
  /** The function's log group, which keeps a month of logs. */
  public readonly logGroup: logs.LogGroup;
  private readonly contract: Contract;
  /** The stack name patterns the role may read so far; `*` is any stack. */
  private readonly stackNames = new Set<string>();

  constructor(scope: Construct, id: string, props: DependencyFunctionProps) {
    super(scope, id);
    const contract = lookupContract(this.owner, 'resourceType', props.resourceType);
    this.contract = contract;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Lets the ${contract.resourceType} function read what it looks up and write its logs`,
    });
    for (const permission of contract.permissions) {
      if (!permission.resource.includes(STACK_NAME)) this.allow(permission, permission.resource, permission.reason);
    }
    if (readsStacks(contract) || props.stackNamePrefixes !== undefined) {
      this.readStackNames('stackNamePrefixes', props.stackNamePrefixes);
    }
    this.logGroup.grantWrite(this.role);

    this.function = new lambda.Function(this, 'Function', {
      functionName: props.functionName,
      description: `Answers ${contract.resourceType} with what it finds in this account and region`,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(path.join(BUNDLES, contract.name)),
      timeout: FUNCTION_TIMEOUT,
      memorySize: 256,
      role: this.role,
      logGroup: this.logGroup,
      // Lambda's JSON lines carry the request id; the handler's records are their `message`.
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: reservedConcurrency(this.owner, props.reservedConcurrentExecutions ?? lookupConcurrency(this.owner, this)),
      // The handler answers every event it can parse, and returns an error only
      // for one it cannot answer, where a retry fails alike. A retry after an
      // answer could send CloudFormation a second, different answer: none.
      retryAttempts: 0,
      // A stack of a plain template, without ServiceTimeout, waits an hour: an event
      // throttled in Lambda's queue is answered late rather than dropped, which would
      // leave that stack waiting the whole hour. A late answer to a stack that has
      // stopped waiting is ignored.
      maxEventAge: PLAIN_TEMPLATE_WAIT,
    });
    monitorLookup(this, contract.resourceType, this.function, props.monitoring);
  }

  /**
   * Lets the function read stacks whose names start with one of `prefixes`,
   * or any stack when `prefixes` is undefined. Permissions only grow: every
   * construct that shares the function gets what it asked for.
   */
  public allowStackNames(prefixes: string[] | undefined): void {
    this.readStackNames('allowStackNames.prefixes', prefixes);
  }

  /** This function as its errors name it, such as `DependencyFunction MyStack/StackDependencyFunction`. */
  private get owner(): string {
    return propOwner('DependencyFunction', this);
  }

  /** `allowStackNames`, whose errors name `prefixes` as `prop`. */
  private readStackNames(prop: string, prefixes: readonly string[] | undefined): void {
    const permission = stackPermission(this.contract);
    if (!permission) {
      throw new PropError(this.owner, prop, `${this.contract.resourceType} reads no stacks, so it takes no stack name prefixes; leave them out`);
    }
    checkStackNamePrefixes(this.owner, prop, prefixes);
    for (const pattern of prefixes?.map((prefix) => `${prefix}*`) ?? ['*']) {
      if (this.stackNames.has(pattern)) continue;
      this.stackNames.add(pattern);
      const narrowed = prefixes !== undefined;
      const resource = narrowed
        ? permission.resource.replace(STACK_NAME, pattern)
        : permission.resource.replace(`${STACK_NAME}/*`, '*');
      const reason = narrowed
        ? `StackName names any stack whose name starts with "${pattern.slice(0, -1)}", chosen by the template at deploy time`
        : `${permission.reason}; pass stackNamePrefixes to narrow it`;
      this.allow(permission, resource, reason);
    }
  }

  private allow(permission: Permission, resource: string, reason: string): void {
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...permission.actions], resources: [arn(resource)] }));
    if (resource.includes('*')) {
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${nagArn(resource)}]`,
        reason: `${permission.actions.join(' and ')}: ${reason}.`,
      });
    }
  }

  /** The ARN custom resources name as their `ServiceToken`. */
  public get serviceToken(): string {
    return this.function.functionArn;
  }
}

/** The contract of the lookup type `resourceType`; a `PropError` naming `prop` of `owner` for a type no lookup answers. */
export function lookupContract(owner: string, prop: string, resourceType: string): Contract {
  const contract = contractOf(resourceType);
  if (!contract) {
    throw new PropError(owner, prop, `${JSON.stringify(resourceType)} is no lookup type; give one of ${CONTRACTS.map((type) => type.resourceType).join(', ')}`);
  }
  return contract;
}

/**
 * Throws a `PropError` naming `prop` of `owner` when `prefixes` names no prefix,
 * or one that no stack name can start with.
 */
export function checkStackNamePrefixes(owner: string, prop: string, prefixes: readonly string[] | undefined): void {
  if (prefixes === undefined) return;
  if (prefixes.length === 0) throw new PropError(owner, prop, 'must name at least one prefix, or be left out for any stack');
  prefixes.forEach((prefix, index) => {
    if (!STACK_NAME_PREFIX.test(prefix)) {
      throw new PropError(
        owner,
        `${prop}[${index}]`,
        `${JSON.stringify(prefix)} is not a valid stack name prefix: expected a letter, then letters, digits or hyphens`,
      );
    }
  });
}

/** The context value `lookupConcurrency`, which every function without its own reservation takes. */
function lookupConcurrency(owner: string, scope: Construct): number {
  const value: unknown = scope.node.tryGetContext('lookupConcurrency');
  if (value === undefined) return RESERVED_CONCURRENCY;
  const count = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (!isCount(count)) {
    throw new PropError(
      owner,
      'context lookupConcurrency',
      `must be a whole number such as 2, or 0 to reserve none (-c lookupConcurrency=0), got ${JSON.stringify(value)}`,
    );
  }
  return count;
}

/** Lambda's reservation for `count`: none for 0. */
function reservedConcurrency(owner: string, count: number): number | undefined {
  if (!isCount(count)) {
    throw new PropError(owner, 'reservedConcurrentExecutions', `must be a whole number, or 0 to reserve none, got ${count}`);
  }
  return count === 0 ? undefined : count;
}

/** A whole number from 0. */
function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** The nearest folder from `directory` up that holds a package.json. */
function packageRoot(directory: string): string {
  if (existsSync(path.join(directory, 'package.json'))) return directory;
  const parent = path.dirname(directory);
  if (parent === directory) throw new Error(`no package.json above ${__dirname}`);
  return packageRoot(parent);
}

function stackPermission(contract: Contract): Permission | undefined {
  return contract.permissions.find((permission) => permission.resource.includes(STACK_NAME));
}

function readsStacks(contract: Contract): boolean {
  return stackPermission(contract) !== undefined;
}

function arn(pattern: string): string {
  return pattern
    .replace('{partition}', Aws.PARTITION)
    .replace('{region}', Aws.REGION)
    .replace('{account}', Aws.ACCOUNT_ID);
}

/** The ARN as cdk-nag names it in a finding. */
function nagArn(pattern: string): string {
  return pattern
    .replace('{partition}', '<AWS::Partition>')
    .replace('{region}', '<AWS::Region>')
    .replace('{account}', '<AWS::AccountId>');
}
