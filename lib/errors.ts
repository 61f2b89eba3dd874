import type { IConstruct } from 'constructs';

/**
 * A prop a construct cannot build from. The message names the construct (its
 * kind and path), the prop and what is allowed, so that it alone says what to
 * change: `DockerHost MyStack/Host: volumeSize: must be a whole number of GiB
 * from 8 to 16384, got 4`. The same parts are fields, for a program that
 * reports them its own way.
 */
export class PropError extends Error {
  public override readonly name = 'PropError';

  /**
   * @param owner the construct, as `propOwner` names it
   * @param prop the prop's path from the construct's props, such as `containers[0].image`
   * @param problem what is wrong and what is allowed
   * @param options the error this one reports, as its `cause`
   */
  constructor(
    public readonly owner: string,
    public readonly prop: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${owner}: ${prop}: ${problem}`, options);
  }
}

/** A construct as errors name it: its kind and its path, such as `DockerHost MyStack/Host`. */
export function propOwner(kind: string, construct: IConstruct): string {
  return `${kind} ${construct.node.path}`;
}
