import { isIntrinsic, ResolveError } from '../../testkit/cloudformation/intrinsics';
import type { CfnResource, StackModel } from '../../testkit/cloudformation/template';

/** One resource of one stack, in the order CloudFormation creates them. */
export interface ResourceNode {
  readonly stack: StackModel;
  readonly logicalId: string;
  readonly resource: CfnResource;
}

/**
 * The resources of all stacks in an order CloudFormation could create them:
 * stacks after the stacks they depend on, and within a stack each resource
 * after those it names with `Ref`, `Fn::GetAtt`, `Fn::Sub` or `DependsOn`.
 */
export function creationOrder(stacks: readonly StackModel[]): ResourceNode[] {
  return orderStacks(stacks).flatMap((stack) => orderResources(stack));
}

/** The logical ids a resource's properties and `DependsOn` name, in the same stack. */
export function dependenciesOf(stack: StackModel, resource: CfnResource): string[] {
  const found = new Set<string>();
  const resources = stack.template.Resources;
  const add = (name: string) => {
    if (Object.hasOwn(resources, name)) found.add(name);
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const entries = Object.entries(value);
    if (entries.length === 1 && isIntrinsic(entries[0][0], entries[0][1])) {
      const [name, argument] = entries[0];
      if (name === 'Ref' && typeof argument === 'string') add(argument);
      else if (name === 'Fn::GetAtt') add(Array.isArray(argument) ? String(argument[0]) : String(argument).split('.')[0]);
      else if (name === 'Fn::Sub') {
        const text = Array.isArray(argument) ? argument[0] : argument;
        if (typeof text === 'string') for (const match of text.matchAll(/\$\{([^!}][^}.]*)[^}]*\}/g)) add(match[1]);
      }
    }
    entries.forEach(([, item]) => visit(item));
  };
  visit(resource.Properties);
  const dependsOn = resource.DependsOn === undefined ? [] : typeof resource.DependsOn === 'string' ? [resource.DependsOn] : resource.DependsOn;
  for (const name of dependsOn) {
    if (!Object.hasOwn(resources, name)) throw new ResolveError(`${stack.stackName}: DependsOn names ${name}, which the stack does not define`);
    found.add(name);
  }
  return [...found];
}

function orderStacks(stacks: readonly StackModel[]): StackModel[] {
  const byName = new Map(stacks.map((stack) => [stack.stackName, stack]));
  return topological(
    stacks.map((stack) => stack.stackName),
    (name) => (byName.get(name)?.dependsOn ?? []).filter((other) => byName.has(other)),
    (cycle) => `stacks depend on each other in a cycle: ${cycle.join(' -> ')}`,
  ).map((name) => byName.get(name) as StackModel);
}

function orderResources(stack: StackModel): ResourceNode[] {
  const resources = stack.template.Resources;
  return topological(
    Object.keys(resources),
    (logicalId) => dependenciesOf(stack, resources[logicalId]),
    (cycle) => `resources of ${stack.stackName} depend on each other in a cycle: ${cycle.join(' -> ')}`,
  ).map((logicalId) => ({ stack, logicalId, resource: resources[logicalId] }));
}

/** Depth-first order: each name after the names it depends on, otherwise in the order given. */
function topological(names: readonly string[], dependencies: (name: string) => readonly string[], cycleMessage: (cycle: string[]) => string): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (done.has(name)) return;
    if (path.includes(name)) throw new ResolveError(cycleMessage([...path.slice(path.indexOf(name)), name]));
    for (const dependency of dependencies(name)) visit(dependency, [...path, name]);
    done.add(name);
    order.push(name);
  };
  names.forEach((name) => visit(name, []));
  return order;
}
