import * as http from 'node:http';
import * as https from 'node:https';
import { log } from './log';
import { loggableUrl } from './url';

/**
 * Retry schedule of the PUT: network errors and 5xx answers are tried again
 * after 0.2 s, 0.4 s, 0.8 s, ... (at most 3.2 s apart) while time is left;
 * other answers are final. Each attempt gives up after 10 s or when the time
 * is up, whichever comes first, so a server that never answers cannot hold
 * the handler.
 */
export const FIRST_RETRY_DELAY_MS = 200;
export const MAX_RETRY_DELAY_MS = 3200;
export const MAX_ATTEMPT_MS = 10_000;
/** An attempt with less time than this is not started (the first one always is). */
export const MIN_ATTEMPT_MS = 100;

/** How the answer went. */
export interface Delivery {
  readonly delivered: boolean;
  readonly attempts: number;
  /** The HTTP status of the last answer, when there was one. */
  readonly httpStatus?: number;
  /** Why it was not delivered. */
  readonly problem?: string;
}

type Attempt = { readonly httpStatus: number } | { readonly error: string };

/**
 * PUTs `json` to the ResponseURL the way CloudFormation expects it (empty
 * `content-type`, `content-length` in bytes), retrying as above while
 * `timeLeftMs()` allows.
 */
export async function putResponse(url: URL, json: string, timeLeftMs: () => number): Promise<Delivery> {
  for (let attempts = 1; ; attempts += 1) {
    const attempt = await putOnce(url, json, attemptTimeoutMs(timeLeftMs()));
    const httpStatus = 'httpStatus' in attempt ? attempt.httpStatus : undefined;
    if (httpStatus !== undefined && httpStatus >= 200 && httpStatus < 300) return { delivered: true, attempts, httpStatus };

    const problem = 'error' in attempt ? attempt.error : `the server answered HTTP ${attempt.httpStatus}`;
    if (httpStatus !== undefined && httpStatus < 500) return { delivered: false, attempts, httpStatus, problem };

    const delay = retryDelayMs(attempts);
    if (timeLeftMs() - delay < MIN_ATTEMPT_MS) {
      return { delivered: false, attempts, httpStatus, problem: `${problem}; no time left to try again` };
    }
    log('WARN', 'answer not accepted, trying again', { url: loggableUrl(url.href), attempt: attempts, problem, retryInMs: delay });
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** How long to wait after failed attempt number `attempt` (from 1): 0.2 s, doubling, at most 3.2 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(FIRST_RETRY_DELAY_MS * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
}

/** How long one attempt may take with `timeLeftMs` to go: the time left, at least 0.1 s, at most 10 s. */
export function attemptTimeoutMs(timeLeftMs: number): number {
  return Math.min(Math.max(timeLeftMs, MIN_ATTEMPT_MS), MAX_ATTEMPT_MS);
}

function putOnce(url: URL, json: string, timeoutMs: number): Promise<Attempt> {
  return new Promise((resolve) => {
    const transport = url.protocol === 'http:' ? http : https;
    const request = transport.request(
      url,
      { method: 'PUT', agent: false, headers: { 'content-type': '', 'content-length': Buffer.byteLength(json) } },
      (response) => {
        response.resume();
        settle({ httpStatus: response.statusCode ?? 0 });
      },
    );
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      settle({ error: error.code && !error.message.includes(error.code) ? `${error.message} (${error.code})` : error.message });
    });
    request.end(json);

    function settle(attempt: Attempt): void {
      clearTimeout(timer);
      resolve(attempt);
    }
  });
}
