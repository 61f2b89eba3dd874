import { createHash } from 'node:crypto';
import { isCustomResource, type CfnResource, type StackModel } from './template';

/** The account a run pretends to deploy to. */
export interface DeployTarget {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly urlSuffix: string;
}

/** What a custom resource's handler answered: its id (`Ref`) and `Data` (`Fn::GetAtt`). */
export interface CustomAnswer {
  readonly physicalId: string;
  readonly data: Readonly<Record<string, string>>;
}

/** A template value that cannot be resolved; the message names where it is and what is missing. */
export class ResolveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResolveError';
  }
}

/** What `Ref: AWS::NoValue` gives: the value is removed from its object or list. */
export const NO_VALUE = Symbol('AWS::NoValue');

/**
 * What only the caller knows: the values of `Ref` (parameters, resources,
 * pseudo parameters), `Fn::GetAtt`, `Fn::ImportValue`, conditions, mappings
 * and `Fn::GetAZs`. `at` names where the value was met, for error messages.
 * A function a caller leaves out makes its intrinsic an error.
 */
export interface Leaves {
  ref(name: string, at: string): unknown;
  getAtt(logicalId: string, attribute: string, at: string): unknown;
  importValue?(name: string, at: string): unknown;
  condition?(name: string, at: string): boolean;
  findInMap?(map: string, top: string, second: string, at: string): unknown;
  getAZs?(at: string): string[];
}

/**
 * `value` with its intrinsic functions resolved as CloudFormation would at
 * deploy time: `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`,
 * `Fn::Base64`, `Fn::If`, `Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or` here,
 * everything else from `leaves`. Returns `NO_VALUE` where the whole value is
 * `Ref: AWS::NoValue`. `at` names where the value was met.
 */
export function resolveIntrinsics(value: unknown, leaves: Leaves, at: string): unknown {
  if (Array.isArray(value)) {
    return value.map((item, i) => resolveIntrinsics(item, leaves, `${at}[${i}]`)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && isIntrinsic(entries[0][0], entries[0][1])) return intrinsic(entries[0][0], entries[0][1], leaves, at);
  const out: Record<string, unknown> = {};
  for (const [name, item] of entries) {
    const resolved = resolveIntrinsics(item, leaves, `${at}.${name}`);
    if (resolved !== NO_VALUE) out[name] = resolved;
  }
  return out;
}

function intrinsic(name: string, argument: unknown, leaves: Leaves, at: string): unknown {
  const resolveArg = (value: unknown) => resolveIntrinsics(value, leaves, at);
  const truth = (value: unknown): boolean => {
    if (typeof value !== 'boolean') throw new ResolveError(`${at}: a condition resolves to ${describe(value)}, not true or false`);
    return value;
  };
  const unsupported = () => new ResolveError(`${at} uses ${name}, whose value this caller does not give`);
  switch (name) {
    case 'Ref':
      return leaves.ref(expectString(argument, `${at}: Ref`), at);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = getAttArgs(resolveArg(argument), at);
      return leaves.getAtt(logicalId, attribute, at);
    }
    case 'Fn::Join': {
      const [delimiter, items] = expectArray(argument, 2, `${at}: Fn::Join`);
      const list = resolveArg(items);
      if (!Array.isArray(list)) throw new ResolveError(`${at}: Fn::Join needs a list, got ${describe(list)}`);
      return list.map((item, i) => expectString(item, `${at}: Fn::Join item ${i}`)).join(expectString(delimiter, `${at}: Fn::Join delimiter`));
    }
    case 'Fn::Sub':
      return sub(argument, leaves, at);
    case 'Fn::Select': {
      const [index, items] = expectArray(argument, 2, `${at}: Fn::Select`);
      const list = resolveArg(items);
      const i = Number(resolveArg(index));
      if (!Array.isArray(list)) throw new ResolveError(`${at}: Fn::Select needs a list, got ${describe(list)}`);
      if (!Number.isInteger(i) || i < 0 || i >= list.length) {
        throw new ResolveError(`${at}: Fn::Select index ${i} is out of range of a list of ${list.length}: ${describe(list)}`);
      }
      return list[i];
    }
    case 'Fn::Split': {
      const [delimiter, source] = expectArray(argument, 2, `${at}: Fn::Split`);
      return expectString(resolveArg(source), `${at}: Fn::Split source`).split(expectString(delimiter, `${at}: Fn::Split delimiter`));
    }
    case 'Fn::ImportValue':
      if (!leaves.importValue) throw unsupported();
      return leaves.importValue(expectString(resolveArg(argument), `${at}: Fn::ImportValue`), at);
    case 'Fn::Base64':
      return Buffer.from(expectString(resolveArg(argument), `${at}: Fn::Base64`), 'utf8').toString('base64');
    case 'Fn::GetAZs':
      if (!leaves.getAZs) throw unsupported();
      return leaves.getAZs(at);
    case 'Fn::FindInMap': {
      if (!leaves.findInMap) throw unsupported();
      const [map, top, second] = expectArray(argument, 3, `${at}: Fn::FindInMap`).map((part) => String(resolveArg(part)));
      return resolveArg(leaves.findInMap(map, top, second, at));
    }
    case 'Fn::If': {
      if (!leaves.condition) throw unsupported();
      const [condition, whenTrue, whenFalse] = expectArray(argument, 3, `${at}: Fn::If`);
      return leaves.condition(expectString(condition, `${at}: Fn::If condition`), at) ? resolveArg(whenTrue) : resolveArg(whenFalse);
    }
    case 'Fn::Equals': {
      const [a, b] = expectArray(argument, 2, `${at}: Fn::Equals`);
      return JSON.stringify(resolveArg(a)) === JSON.stringify(resolveArg(b));
    }
    case 'Fn::Not':
      return !truth(resolveArg(expectArray(argument, 1, `${at}: Fn::Not`)[0]));
    case 'Fn::And':
      return (argument as unknown[]).every((item) => truth(resolveArg(item)));
    case 'Fn::Or':
      return (argument as unknown[]).some((item) => truth(resolveArg(item)));
    case 'Condition':
      if (!leaves.condition) throw unsupported();
      return leaves.condition(expectString(argument, `${at}: Condition`), at);
    default:
      throw new ResolveError(`${at} uses ${name}, which the end-to-end run does not resolve`);
  }
}

function sub(argument: unknown, leaves: Leaves, at: string): string {
  const [text, variables] = Array.isArray(argument) ? argument : [argument, {}];
  const source = expectString(text, `${at}: Fn::Sub`);
  const values = (variables ?? {}) as Record<string, unknown>;
  return source.replace(/\$\{(!?)([^}]*)\}/g, (_, literal: string, name: string) => {
    if (literal) return `\${${name}}`;
    if (Object.hasOwn(values, name)) return expectString(resolveIntrinsics(values[name], leaves, at), `${at}: Fn::Sub variable ${name}`);
    const dot = name.indexOf('.');
    if (dot > 0 && !name.startsWith('AWS::')) {
      return expectString(leaves.getAtt(name.slice(0, dot), name.slice(dot + 1), at), `${at}: Fn::Sub \${${name}}`);
    }
    return expectString(leaves.ref(name, at), `${at}: Fn::Sub \${${name}}`);
  });
}

/**
 * Resolves CloudFormation intrinsic functions as the service would during a
 * deployment, with `resolveIntrinsics`: `Ref` and `Fn::GetAtt` of custom
 * resources from their handlers' answers, of other resources from stable fake
 * ids, parameters from the stack's values or defaults, `Fn::ImportValue` from
 * the app's exports, `Fn::GetAZs`, `Fn::FindInMap` and conditions from the
 * stack. Every error names the stack, resource and property where the value was met.
 */
export class Resolver {
  private readonly answers = new Map<string, CustomAnswer>();
  private readonly functions = new Map<string, { stack: StackModel; logicalId: string }>();

  constructor(
    readonly stacks: readonly StackModel[],
    readonly target: DeployTarget,
  ) {
    // A ServiceToken may also be an ARN a template builds from a function's name.
    for (const stack of stacks) {
      for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
        if (resource.Type === 'AWS::Lambda::Function') this.fakeArn(stack, logicalId, resource);
      }
    }
  }

  /** Records a custom resource's answer, so that later `Ref` and `Fn::GetAtt` see it. */
  answer(stack: StackModel, logicalId: string, answer: CustomAnswer): void {
    this.answers.set(key(stack, logicalId), answer);
  }

  /** Resolves `value`, met at `where` (e.g. `Host.Properties.UserData`) in `stack`. */
  resolve(stack: StackModel, value: unknown, where: string): unknown {
    const resolved = this.walk(stack, value, where);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** Resolves a value that must come out as a string. */
  resolveString(stack: StackModel, value: unknown, where: string): string {
    const resolved = this.resolve(stack, value, where);
    if (typeof resolved !== 'string') throw new ResolveError(`${stack.stackName}/${where} resolves to ${describe(resolved)}, not a string`);
    return resolved;
  }

  /** Whether a resource or output with this `Condition` is created. */
  condition(stack: StackModel, name: string | undefined, where: string): boolean {
    return name === undefined || this.conditionAt(stack, name, `${stack.stackName}/${where}`);
  }

  /** The Lambda function resource a ServiceToken ARN (from `Fn::GetAtt ... Arn` or an export) names. */
  functionAt(arn: string): { stack: StackModel; logicalId: string } | undefined {
    return this.functions.get(arn);
  }

  private walk(stack: StackModel, value: unknown, where: string): unknown {
    return resolveIntrinsics(value, this.leaves(stack), `${stack.stackName}/${where}`);
  }

  private leaves(stack: StackModel): Leaves {
    return {
      ref: (name, at) => this.ref(stack, name, at),
      getAtt: (logicalId, attribute, at) => this.getAtt(stack, logicalId, attribute, at),
      importValue: (name, at) => this.importValue(name, at),
      condition: (name, at) => this.conditionAt(stack, name, at),
      findInMap: (map, top, second, at) => {
        const found = stack.template.Mappings?.[map]?.[top]?.[second];
        if (found === undefined) throw new ResolveError(`${at}: Fn::FindInMap finds nothing at ${map}.${top}.${second}`);
        return found;
      },
      getAZs: () => ['a', 'b', 'c'].map((zone) => `${this.target.region}${zone}`),
    };
  }

  private conditionAt(stack: StackModel, name: string, at: string): boolean {
    const definition = stack.template.Conditions?.[name];
    if (definition === undefined) throw new ResolveError(`${at} uses condition ${name}, which the template does not define`);
    const value = this.walk(stack, definition, `Conditions.${name}`);
    if (typeof value !== 'boolean') throw new ResolveError(`condition ${name} of ${stack.stackName} is ${describe(value)}, not true or false`);
    return value;
  }

  private ref(stack: StackModel, name: string, at: string): unknown {
    const pseudo = this.pseudo(stack, name);
    if (pseudo !== undefined) return pseudo;
    const parameter = stack.template.Parameters?.[name];
    if (parameter) {
      const value = stack.parameters?.[name] ?? parameter.Default;
      if (value === undefined) throw new ResolveError(`${at} refers to parameter ${name}, which has no value and no Default`);
      return parameter.Type.startsWith('List<') || parameter.Type === 'CommaDelimitedList' ? String(value).split(',') : value;
    }
    const resource = this.resource(stack, name, `${at}: Ref`);
    if (isCustomResource(resource)) return this.answered(stack, name, resource, at).physicalId;
    return this.fakeId(stack, name, resource);
  }

  private pseudo(stack: StackModel, name: string): unknown {
    const { accountId, region, partition, urlSuffix } = this.target;
    switch (name) {
      case 'AWS::AccountId':
        return accountId;
      case 'AWS::Region':
        return region;
      case 'AWS::Partition':
        return partition;
      case 'AWS::URLSuffix':
        return urlSuffix;
      case 'AWS::StackName':
        return stack.stackName;
      case 'AWS::StackId':
        return stackId(stack, this.target);
      case 'AWS::NotificationARNs':
        return [];
      case 'AWS::NoValue':
        return NO_VALUE;
      default:
        return undefined;
    }
  }

  private getAtt(stack: StackModel, logicalId: string, attribute: string, at: string): unknown {
    const resource = this.resource(stack, logicalId, `${at}: Fn::GetAtt`);
    if (isCustomResource(resource)) {
      const answer = this.answered(stack, logicalId, resource, at);
      if (!Object.hasOwn(answer.data, attribute)) {
        const returned = Object.keys(answer.data);
        throw new ResolveError(
          `${at} references attribute ${attribute} of ${logicalId} (${resource.Type}) that the handler did not return; ` +
            `it returned ${returned.length === 0 ? 'no attributes' : returned.join(', ')}`,
        );
      }
      return answer.data[attribute];
    }
    if (attribute === 'Arn') return this.fakeArn(stack, logicalId, resource);
    return `${this.fakeId(stack, logicalId, resource)}.${attribute}`;
  }

  private importValue(name: string, at: string): unknown {
    for (const stack of this.stacks) {
      for (const [outputId, output] of Object.entries(stack.template.Outputs ?? {})) {
        if (output.Export === undefined) continue;
        if (this.resolve(stack, output.Export.Name, `Outputs.${outputId}.Export.Name`) !== name) continue;
        return this.resolve(stack, output.Value, `Outputs.${outputId}.Value`);
      }
    }
    throw new ResolveError(`${at}: Fn::ImportValue ${name}, which no stack of the app exports`);
  }

  private resource(stack: StackModel, logicalId: string, at: string): CfnResource {
    const resource = stack.template.Resources[logicalId];
    if (!resource) throw new ResolveError(`${at} ${logicalId}, which stack ${stack.stackName} does not define`);
    return resource;
  }

  private answered(stack: StackModel, logicalId: string, resource: CfnResource, at: string): CustomAnswer {
    const answer = this.answers.get(key(stack, logicalId));
    if (!answer) {
      throw new ResolveError(`${at} refers to ${logicalId} (${resource.Type}), which has not been answered yet`);
    }
    return answer;
  }

  /** A stable id in the shape the resource type's ids have, as CloudFormation would name a new resource. */
  private fakeId(stack: StackModel, logicalId: string, resource: CfnResource): string {
    const hash = createHash('sha256').update(`${stack.stackName}/${logicalId}`).digest('hex');
    const prefix = ID_PREFIXES[resource.Type];
    if (prefix) return `${prefix}0e2e${hash.slice(0, 13)}`;
    const explicit = resource.Properties?.[NAME_PROPERTIES[resource.Type] ?? ''];
    if (typeof explicit === 'string') return explicit;
    return `${stack.stackName}-${logicalId}-${hash.slice(0, 12).toUpperCase()}`.slice(0, 64);
  }

  private fakeArn(stack: StackModel, logicalId: string, resource: CfnResource): string {
    const { accountId, region, partition } = this.target;
    const id = this.fakeId(stack, logicalId, resource);
    if (resource.Type === 'AWS::Lambda::Function') {
      const arn = `arn:${partition}:lambda:${region}:${accountId}:function:${id}`;
      this.functions.set(arn, { stack, logicalId });
      return arn;
    }
    if (resource.Type === 'AWS::IAM::Role') return `arn:${partition}:iam::${accountId}:role/${id}`;
    const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
    return `arn:${partition}:${service}:${region}:${accountId}:${logicalId.toLowerCase()}/${id}`;
  }
}

/** The id CloudFormation gives a stack, stable for a stack name. */
export function stackId(stack: StackModel, target: DeployTarget): string {
  const hash = createHash('sha256').update(stack.stackName).digest('hex');
  const uuid = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
  return `arn:${target.partition}:cloudformation:${target.region}:${target.accountId}:stack/${stack.stackName}/${uuid}`;
}

const ID_PREFIXES: Readonly<Record<string, string>> = {
  'AWS::EC2::Instance': 'i-',
  'AWS::EC2::SecurityGroup': 'sg-',
  'AWS::EC2::Volume': 'vol-',
  'AWS::EC2::NetworkInterface': 'eni-',
  'AWS::EC2::LaunchTemplate': 'lt-',
};

/** Properties that name a resource: its `Ref` then is that name. */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::IAM::Role': 'RoleName',
};

/** `{ "Ref": ... }`, `{ "Fn::...": ... }`, or `{ "Condition": "Name" }` inside a condition. */
export function isIntrinsic(name: string, argument: unknown): boolean {
  return name === 'Ref' || name.startsWith('Fn::') || (name === 'Condition' && typeof argument === 'string');
}

function key(stack: StackModel, logicalId: string): string {
  return `${stack.stackName}/${logicalId}`;
}

function getAttArgs(argument: unknown, at: string): [string, string] {
  if (typeof argument === 'string') {
    const dot = argument.indexOf('.');
    if (dot > 0) return [argument.slice(0, dot), argument.slice(dot + 1)];
  }
  if (Array.isArray(argument) && argument.length === 2 && argument.every((part) => typeof part === 'string')) {
    return [argument[0], argument[1]];
  }
  throw new ResolveError(`${at}: Fn::GetAtt needs [logicalId, attribute], got ${describe(argument)}`);
}

function expectString(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ResolveError(`${what} needs a string, got ${describe(value)}`);
}

function expectArray(value: unknown, length: number, what: string): unknown[] {
  if (!Array.isArray(value) || value.length !== length) throw new ResolveError(`${what} needs a list of ${length}, got ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === NO_VALUE) return 'AWS::NoValue';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
