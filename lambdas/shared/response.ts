import type { Request } from './event';
import { type LogLocation, logLocation, shorten, withLogLocation } from './reason';
import type { Data } from './types';

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
 * Builds the body for an answer and its JSON. A body over `MAX_BODY_BYTES`
 * becomes a `FAILED` answer whose `Reason` names the largest attributes.
 */
export function buildResponse(request: Request, answer: Answer, logs: LogLocation): { body: ResponseBody; json: string } {
  const common = { StackId: request.StackId, RequestId: request.RequestId, LogicalResourceId: request.LogicalResourceId };
  const failed = (sentence: string): ResponseBody => ({
    Status: 'FAILED',
    Reason: withLogLocation(sentence, logs),
    PhysicalResourceId: keptId(request),
    ...common,
  });

  if (answer.status === 'FAILED') return fitted(failed(answer.sentence));

  const body: ResponseBody = {
    Status: 'SUCCESS',
    Reason: logLocation(logs),
    PhysicalResourceId: answer.id,
    ...common,
    ...(answer.data && { Data: answer.data }),
    ...(answer.noEcho && { NoEcho: true }),
  };
  const json = JSON.stringify(body);
  const bytes = Buffer.byteLength(json);
  if (bytes <= MAX_BODY_BYTES) return { body, json };
  return fitted(failed(oversizeSentence(bytes, answer.data ?? {}, answer.tooLarge ?? NO_WAY_TO_LEAVE_OUT)));
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
 * Shortens the `Reason` of a `FAILED` body until the body fits (only ids of
 * kilobytes and a Reason of multi-byte characters get there): the longest
 * Reason that fits, found by bisection.
 */
function fitted(body: ResponseBody): { body: ResponseBody; json: string } {
  const json = JSON.stringify(body);
  if (Buffer.byteLength(json) <= MAX_BODY_BYTES) return { body, json };
  const reason = body.Reason ?? '';
  const withReason = (length: number): ResponseBody => ({ ...body, Reason: shorten(reason, length) });
  let low = 0;
  let high = reason.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (Buffer.byteLength(JSON.stringify(withReason(mid))) <= MAX_BODY_BYTES) low = mid;
    else high = mid - 1;
  }
  const shorter = withReason(low);
  return { body: shorter, json: JSON.stringify(shorter) };
}
