import { UserError } from './errors';

/** The longest `Reason` the handlers send, in characters. */
export const MAX_REASON_CHARS = 1000;

/** Where the Lambda's logs for this event are, from the invocation context. */
export interface LogLocation {
  readonly logGroupName: string;
  readonly logStreamName: string;
}

/**
 * One plain sentence for what went wrong in a lookup: a `UserError`'s message
 * as it is, an AWS SDK error as `AWS call failed: <code>: <message>`, and
 * anything else thrown as its name and message, never an object dump.
 */
export function describeError(error: unknown): string {
  if (error instanceof UserError) return oneLine(error.message);
  if (isRecord(error) && isRecord(error.$metadata)) return `AWS call failed: ${render(error)}`;
  return `the lookup failed: ${render(error)}`;
}

/** The sentence for clients that could not be created when the Lambda started. */
export function describeSetupError(resourceType: string, error: unknown): string {
  return `the ${resourceType} function could not create its AWS clients when it started: ${render(error)}`;
}

/** The sentence for a lookup stopped because the Lambda was about to time out. */
export function describeTimeout(resourceType: string, elapsedMs: number, leftMs: number): string {
  return (
    `timed out after ${seconds(elapsedMs)} s looking up ${resourceType}; the Lambda had ${seconds(leftMs)} s left, ` +
    `kept to send this answer. Give the function a longer timeout if the lookup needs more time`
  );
}

/**
 * Where the logs are, as the sentence that ends every `Reason`, in at most
 * `MAX_REASON_CHARS` characters; empty when the invocation context does not
 * say (no context, or no log group), so the `Reason` is the sentence alone.
 */
export function logLocation(logs: Partial<LogLocation> | undefined): string {
  const group = logs?.logGroupName;
  if (!isText(group)) return '';
  const stream = logs?.logStreamName;
  return shorten(isText(stream) ? `See logs: log group ${group}, stream ${stream}.` : `See logs: log group ${group}.`, MAX_REASON_CHARS);
}

/**
 * The `Reason` sent to CloudFormation: the sentence, then where the logs are,
 * in at most `maxChars` characters. A long sentence is cut, the log location
 * is kept while there is room for it.
 */
export function withLogLocation(sentence: string, logs: Partial<LogLocation> | undefined, maxChars = MAX_REASON_CHARS): string {
  const location = logLocation(logs);
  const tail = location === '' ? '' : ` ${location}`;
  const head = oneLine(sentence).replace(/([^.!?])$/, '$1.');
  if (head.length + tail.length <= maxChars) return head + tail;
  const room = maxChars - tail.length;
  return room < 2 ? shorten(head + tail, maxChars) : shorten(head, room) + tail;
}

/** Cuts text to at most `length` characters, ending in `…`, without splitting a surrogate pair. */
export function shorten(text: string, length: number): string {
  if (text.length <= length) return text;
  const end = Math.max(0, length - 1);
  const safeEnd = /[\uD800-\uDBFF]/.test(text.charAt(end - 1)) ? end - 1 : end;
  return `${text.slice(0, safeEnd)}…`;
}

function render(error: unknown): string {
  if (typeof error === 'string') return oneLine(error) || 'an empty message';
  if (isRecord(error) && typeof error.message === 'string') {
    const name = typeof error.name === 'string' && error.name !== 'Error' ? error.name : '';
    const message = oneLine(error.message);
    if (name === '' || name === message) return message || 'an error without a message';
    return message === '' ? name : `${name}: ${message}`;
  }
  return `it threw ${kindOf(error)} instead of an Error`;
}

/** A thrown value that is not an Error: a plain value as it is, an object or array by its kind alone. */
function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  return String(value);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(1);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
