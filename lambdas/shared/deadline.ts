/**
 * Time keeping for one event. CloudFormation must hear back before the Lambda
 * is stopped, so the time an event arrives with (its budget) is split three
 * ways:
 *
 * - the lookup gets what is left after the answer margin;
 * - the answer margin, a third of the budget and at most 5 s, is kept for
 *   PUTting the answer (and its retries) once a lookup is given up;
 * - the exit margin, a tenth of the budget and at most 0.5 s, is kept at the
 *   very end, so the PUT gives up and the handler returns before the Lambda
 *   is stopped.
 *
 * With a 30 s timeout a lookup may run 25 s; with 3 s it may run 2 s.
 *
 * A clock that is missing, throws, or gives anything but a number from 0 to
 * Lambda's 15-minute maximum is not trusted: the event then gets
 * `FALLBACK_BUDGET_MS`, Lambda's default timeout, counted from its arrival.
 */
export const MAX_ANSWER_MARGIN_MS = 5000;
export const MAX_EXIT_MARGIN_MS = 500;
export const FALLBACK_BUDGET_MS = 3000;
const MAX_LAMBDA_TIMEOUT_MS = 900_000;

/** Time kept for the answer after a lookup is given up. */
export function answerMargin(budgetMs: number): number {
  return Math.min(MAX_ANSWER_MARGIN_MS, Math.floor(budgetMs / 3));
}

/** Time kept at the very end so the handler returns before the Lambda is stopped. */
export function exitMargin(budgetMs: number): number {
  return Math.min(MAX_EXIT_MARGIN_MS, Math.floor(budgetMs / 10));
}

/**
 * The time one event has, read from `context.getRemainingTimeInMillis()`
 * when it gives a plausible number, and otherwise counted down from the
 * budget the event arrived with.
 */
export class Deadline {
  private readonly startedAt = Date.now();
  private readonly budgetMs: number;

  public constructor(private readonly clock: (() => unknown) | undefined) {
    this.budgetMs = this.read() ?? FALLBACK_BUDGET_MS;
  }

  /** Time since the event arrived. */
  public elapsedMs(): number {
    return Date.now() - this.startedAt;
  }

  /** Time until the Lambda is stopped: what the clock says, never more than the budget left. */
  public leftMs(): number {
    const counted = Math.max(0, this.budgetMs - this.elapsedMs());
    return Math.min(this.read() ?? counted, counted);
  }

  /** Time the lookup may still take. */
  public lookupMs(): number {
    return this.leftMs() - answerMargin(this.budgetMs);
  }

  /** Time the answer may still take. */
  public answerMs(): number {
    return this.leftMs() - exitMargin(this.budgetMs);
  }

  private read(): number | undefined {
    let value: unknown;
    try {
      value = this.clock?.();
    } catch {
      return undefined;
    }
    return typeof value === 'number' && value >= 0 && value <= MAX_LAMBDA_TIMEOUT_MS ? value : undefined;
  }
}

export type Timed<T> = { readonly timedOut: false; readonly value: T } | { readonly timedOut: true };

/**
 * Runs `work` with an abort signal. When it has not settled within `ms`, the
 * signal is aborted and the result is `{ timedOut: true }`; whatever the work
 * does later is ignored (the race has subscribed to it, so a late rejection
 * is handled). The timer is cleared either way, so it never keeps Node alive.
 */
export async function within<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<Timed<T>> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Timed<T>>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new DOMException('the Lambda is about to time out', 'TimeoutError'));
      resolve({ timedOut: true });
    }, Math.max(0, ms));
  });
  try {
    const done = work(controller.signal).then((value): Timed<T> => ({ timedOut: false, value }));
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
