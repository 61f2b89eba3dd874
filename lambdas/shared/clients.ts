/** Settings every SDK client of the handlers shares: adaptive retries for throttling. */
export const CLIENT_CONFIG = { retryMode: 'adaptive', maxAttempts: 5 } as const;

interface MiddlewareStackLike {
  add(
    middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string; clientName?: string }) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
}

const calls: string[] = [];

/**
 * Records every command the client sends (`EC2.DescribeVpcs`), so the handler
 * can log the AWS calls an event made. Returns the client.
 */
export function recordCalls<T extends { middlewareStack: unknown }>(client: T): T {
  (client.middlewareStack as MiddlewareStackLike).add(
    (next, context) => async (args) => {
      const service = (context.clientName ?? 'AWS').replace(/Client$/, '');
      calls.push(`${service}.${(context.commandName ?? 'Command').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'initialize', name: 'recordCalls' },
  );
  return client;
}

/** The calls recorded since the last `takeCalls`, in order; clears the record. */
export function takeCalls(): string[] {
  return calls.splice(0, calls.length);
}
