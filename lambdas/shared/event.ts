import { CannotAnswerError, InputError } from './errors';

/**
 * What the handler needs from a CloudFormation event to answer it. The
 * request type is any string: an unknown one is answered `FAILED`.
 */
export interface Request {
  readonly RequestType: string;
  readonly ResponseURL: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
  readonly ResourceType?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties?: unknown;
}

/** The fields without which no answer can be sent. */
const REQUIRED_FIELDS = ['RequestType', 'ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId'] as const;

/**
 * Reads an event, or throws a `CannotAnswerError` naming the fields that are
 * missing or not strings.
 */
export function readEvent(event: unknown): Request {
  if (!isRecord(event)) {
    const kind = event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event;
    throw new CannotAnswerError(`the event is not an object but ${kind}`, { fields: [] });
  }
  const missing = REQUIRED_FIELDS.filter((field) => typeof event[field] !== 'string' || event[field] === '');
  if (missing.length > 0) {
    throw new CannotAnswerError(`the event lacks ${missing.join(', ')} (each must be a non-empty string), so it cannot be answered`, {
      fields: missing,
    });
  }
  return {
    RequestType: event.RequestType as string,
    ResponseURL: event.ResponseURL as string,
    StackId: event.StackId as string,
    RequestId: event.RequestId as string,
    LogicalResourceId: event.LogicalResourceId as string,
    ResourceType: text(event.ResourceType),
    PhysicalResourceId: text(event.PhysicalResourceId),
    ResourceProperties: event.ResourceProperties,
  };
}

/** The event's `ResourceProperties`, or an `InputError` when they are not an object. */
export function resourceProperties(request: Request): Record<string, unknown> | undefined {
  const raw = request.ResourceProperties;
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw new InputError('the resource properties are not a map of names to values');
  return raw;
}

/**
 * The fields that identify an event in the logs, taken only when they are
 * strings. The event as a whole is never logged: its ResponseURL is signed.
 */
export function eventFields(event: unknown): Record<string, string | undefined> {
  const fields = isRecord(event) ? event : {};
  return {
    requestType: text(fields.RequestType),
    logicalResourceId: text(fields.LogicalResourceId),
    stackId: text(fields.StackId),
    requestId: text(fields.RequestId),
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
