import { CliError } from './errors';
import type { DeclaredContainer, Deployment, LibraryStack } from './stack';

/** A container or swarm service the user named, and the host or swarm that declares it. */
export interface FoundContainer {
  readonly deployment: Deployment;
  readonly container: DeclaredContainer;
}

/** The container or service of that name in the stack; an error naming the ones there are when none is. */
export function findContainer(stack: LibraryStack, name: string): FoundContainer {
  for (const deployment of stack.deployments) {
    const container = deployment.containers.find((each) => each.name === name);
    if (container) return { deployment, container };
  }
  const names = stack.deployments.flatMap((deployment) => deployment.containers.map((each) => `${each.name} (${deployment.name})`));
  throw new CliError(
    `stack ${stack.stackName} has no container or service named "${name}"; ${names.length === 0 ? 'it declares none' : `it has ${names.join(', ')}`}`,
  );
}
