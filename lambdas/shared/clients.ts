import { AsyncLocalStorage } from 'node:async_hooks';

/** Settings every SDK client of the handlers shares: adaptive retries for throttling. */
export const CLIENT_CONFIG = { retryMode: 'adaptive', maxAttempts: 5 } as const;

interface MiddlewareStackLike {
  add(
    middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string; clientName?: string }) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string },
  ): void;
}

/** The record of the event whose work is running; a lookup abandoned at its deadline keeps writing to its own. */
const currentCalls = new AsyncLocalStorage<string[]>();

/**
 * Records every command the client sends (`EC2.DescribeVpcs`) in the record
 * of the event it is sent for (see `recordingCalls`). Returns the client.
 */
export function recordCalls<T extends { middlewareStack: unknown }>(client: T): T {
  (client.middlewareStack as MiddlewareStackLike).add(
    (next, context) => async (args) => {
      const service = (context.clientName ?? 'AWS').replace(/Client$/, '');
      currentCalls.getStore()?.push(`${service}.${(context.commandName ?? 'Command').replace(/Command$/, '')}`);
      return next(args);
    },
    { step: 'initialize', name: 'recordCalls' },
  );
  return client;
}

/** Runs `work`, recording the AWS calls made for it, in order, in `calls`. */
export function recordingCalls<T>(calls: string[], work: () => T): T {
  return currentCalls.run(calls, work);
}
