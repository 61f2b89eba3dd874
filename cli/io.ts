/**
 * Where a command writes and how it waits: the terminal and the clock in
 * the program, a record and an instant clock in the tests.
 */
export interface Io {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error: progress and errors. */
  err(text: string): void;
  /** Resolves after `ms` milliseconds, or at once when `signal` is aborted. */
  sleep(ms: number): Promise<void>;
  /** The current time, in milliseconds since the epoch. */
  now(): number;
  /** Aborted when the user stops the command (Ctrl-C). */
  readonly signal: AbortSignal;
}

/**
 * The terminal and the clock. Ctrl-C stops a command at its next wait
 * (`logs --follow` between two polls, Run Command between two questions);
 * a second Ctrl-C ends the program at once.
 */
export function processIo(): Io {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    sleep: (ms) =>
      new Promise((resolve) => {
        if (controller.signal.aborted) return resolve();
        const timer = setTimeout(done, ms);
        controller.signal.addEventListener('abort', done, { once: true });
        function done(): void {
          clearTimeout(timer);
          controller.signal.removeEventListener('abort', done);
          resolve();
        }
      }),
    now: () => Date.now(),
    signal: controller.signal,
  };
}
