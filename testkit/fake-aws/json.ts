import { AwsError, type AwsAnswer, type AwsRequest } from './protocol';

/** The actions of a JSON 1.1 service by name, each taking the request's JSON body. */
export type JsonActions<A> = Readonly<Record<string, (input: Record<string, unknown>, account: A, request: AwsRequest) => unknown>>;

/**
 * Answers a JSON 1.1 request (`X-Amz-Target: <prefix>.<Action>`) as the
 * service would: an unknown action `UnknownOperationException`, a body that
 * is not JSON `SerializationException`, an `AwsError` as `{__type, message}`.
 */
export function answerJson<A>(prefix: string, actions: JsonActions<A>, request: AwsRequest, account: A): AwsAnswer {
  const target = String(request.headers['x-amz-target'] ?? '');
  const action = target.startsWith(`${prefix}.`) ? target.slice(prefix.length + 1) : target || '(no X-Amz-Target)';
  let input: unknown = request.body;
  const failure = (error: AwsError, known: boolean): AwsAnswer => ({
    action,
    input,
    status: error.status,
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify({ __type: error.code, message: error.message }),
    known,
  });
  try {
    input = JSON.parse(request.body || '{}');
  } catch (error) {
    return failure(new AwsError('SerializationException', (error as Error).message), true);
  }
  const handler = target.startsWith(`${prefix}.`) && Object.hasOwn(actions, action) ? actions[action] : undefined;
  if (!handler) return failure(new AwsError('UnknownOperationException', `${target} is not served`), false);
  try {
    const body = JSON.stringify(handler(input as Record<string, unknown>, account, request));
    return { action, input, status: 200, contentType: 'application/x-amz-json-1.1', body, known: true };
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return failure(error, true);
  }
}

/** JSON 1.1 sends timestamps as seconds since the epoch. */
export function epochSeconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : date.getTime() / 1000;
}
