import { CannotAnswerError } from './errors';
import type { Request } from './event';
import { type LogLocation, logLocation, MAX_REASON_CHARS, shorten, withLogLocation } from './reason';
import type { Data } from './definition';

/** The largest response body CloudFormation accepts, in bytes. */
export const MAX_BODY_BYTES = 4096;

/** The JSON document PUT to the ResponseURL. */
export interface ResponseBody {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly Data?: Data;
  readonly NoEcho?: boolean;
}

/** What the handler decided to answer, before it becomes a body. */
export type Answer =
  | {
      readonly status: 'SUCCESS';
      readonly id: string;
      readonly data?: Data;
      readonly noEcho?: boolean;
      /** What to do when the body is too large, a sentence. */
      readonly tooLarge?: string;
    }
  | { readonly status: 'FAILED'; readonly sentence: string };

/**
 * The id to answer when the event found nothing new: the event's own
 * `PhysicalResourceId` (a failed Update keeps it, a Delete echoes it), or
 * for a Create `failed-<LogicalResourceId>-<RequestId>`, which marks the
 * resource as one whose creation failed.
 */
export function keptId(request: Request): string {
  return request.PhysicalResourceId ?? `failed-${request.LogicalResourceId}-${request.RequestId}`.slice(0, 1024);
}

/**
 * Throws a `CannotAnswerError` when the event's own fields, which every
 * answer repeats, leave no room for an answer within `MAX_BODY_BYTES`
 * (CloudFormation never sends such an event).
 */
export function checkAnswerable(request: Request): void {
  const bytes = Buffer.byteLength(JSON.stringify(shell(request, 'FAILED', 'x')));
  if (bytes > MAX_BODY_BYTES) {
    throw new CannotAnswerError(
      `the smallest answer to this event, which repeats its StackId, RequestId and LogicalResourceId, is ${bytes} bytes, more than the ${MAX_BODY_BYTES} CloudFormation accepts`,
      { fields: ['StackId', 'RequestId', 'LogicalResourceId'] },
    );
  }
}

/**
 * Builds the body for an answer and its JSON, at most `MAX_BODY_BYTES`. A
 * body whose `Data` makes it larger becomes a `FAILED` answer whose `Reason`
 * names the largest attributes; other bodies are made to fit by `fit`.
 */
export function buildResponse(request: Request, answer: Answer, logs: LogLocation): { body: ResponseBody; json: string } {
  if (answer.status === 'FAILED') return fit(shell(request, 'FAILED', keptId(request)), answer.sentence, logs);

  const body: ResponseBody = {
    ...shell(request, 'SUCCESS', answer.id),
    Reason: logLocation(logs),
    ...(answer.data && { Data: answer.data }),
    ...(answer.noEcho && { NoEcho: true }),
  };
  const json = JSON.stringify(body);
  const bytes = Buffer.byteLength(json);
  if (bytes <= MAX_BODY_BYTES) return { body, json };
  if (answer.data === undefined) return fit(shell(request, 'SUCCESS', answer.id), undefined, logs);
  const sentence = oversizeSentence(bytes, answer.data, answer.tooLarge ?? NO_WAY_TO_LEAVE_OUT);
  return fit(shell(request, 'FAILED', keptId(request)), sentence, logs);
}

/** The fields of a body every answer has, without its Reason. */
function shell(request: Request, status: ResponseBody['Status'], id: string): ResponseBody {
  return {
    Status: status,
    PhysicalResourceId: id,
    StackId: request.StackId,
    RequestId: request.RequestId,
    LogicalResourceId: request.LogicalResourceId,
  };
}

/** The advice of a type that has no property to leave attributes out. */
const NO_WAY_TO_LEAVE_OUT = 'This type has no property that leaves attributes out, so this resource cannot be looked up whole';

/** Names the three largest attributes, with their share of the body in bytes, then what to do. */
function oversizeSentence(bytes: number, data: Data, advice: string): string {
  const largest = Object.entries(data)
    .map(([name, value]) => ({ name, size: Buffer.byteLength(`${JSON.stringify(name)}:${JSON.stringify(value)},`) }))
    .sort((a, b) => b.size - a.size)
    .slice(0, 3)
    .map(({ name, size }) => `${name} (${size} bytes)`);
  return (
    `the response would be ${bytes} bytes, more than the ${MAX_BODY_BYTES} CloudFormation accepts; ` +
    `the largest attributes are ${largest.join(', ')}. ${advice}`
  );
}

/**
 * Adds the `Reason` (the sentence, if any, then where the logs are) to a
 * body, giving up what does not fit in `MAX_BODY_BYTES` in this order: the
 * end of the sentence, the end of the PhysicalResourceId (only ids of
 * kilobytes get there; CloudFormation's own are at most 1 KB), then the end
 * of where the logs are. Each cut is the longest that fits, found by
 * bisection.
 */
function fit(shape: ResponseBody, sentence: string | undefined, logs: LogLocation): { body: ResponseBody; json: string } {
  const id = shape.PhysicalResourceId;
  const location = logLocation(logs);
  const reason = (chars: number): string =>
    sentence === undefined ? shorten(location, chars) : withLogLocation(sentence, logs, chars);
  const make = (reasonChars: number, idChars: number): ResponseBody => ({
    Status: shape.Status,
    Reason: reason(reasonChars),
    PhysicalResourceId: shorten(id, idChars),
    StackId: shape.StackId,
    RequestId: shape.RequestId,
    LogicalResourceId: shape.LogicalResourceId,
  });
  const fits = (reasonChars: number, idChars: number): boolean =>
    Buffer.byteLength(JSON.stringify(make(reasonChars, idChars))) <= MAX_BODY_BYTES;

  const done = (body: ResponseBody): { body: ResponseBody; json: string } => ({ body, json: JSON.stringify(body) });

  const keepsLocation = Math.min(MAX_REASON_CHARS, sentence === undefined ? location.length : location.length + 3);
  const reasonChars = largest(keepsLocation, MAX_REASON_CHARS, (n) => fits(n, id.length));
  if (reasonChars !== undefined) return done(make(reasonChars, id.length));
  const idChars = largest(1, id.length, (n) => fits(keepsLocation, n));
  if (idChars !== undefined) return done(make(keepsLocation, idChars));
  return done(make(largest(0, keepsLocation, (n) => fits(n, 1)) ?? 0, 1));
}

/** The largest `n` from `low` to `high` for which `ok(n)` holds, given that it holds up to some `n` and no further. */
function largest(low: number, high: number, ok: (n: number) => boolean): number | undefined {
  if (!ok(low)) return undefined;
  let [from, to] = [low, high];
  while (from < to) {
    const mid = Math.ceil((from + to) / 2);
    if (ok(mid)) from = mid;
    else to = mid - 1;
  }
  return from;
}
