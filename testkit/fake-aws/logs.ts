import type { FakeAccount } from './account';
import { answerJson, type JsonActions } from './json';
import { AwsError, type AwsAnswer, type AwsRequest } from './protocol';

/** How many events a page holds at most; CloudWatch Logs returns up to 10,000, or fewer with a nextToken. */
const PAGE_SIZE = 50;

const LOGS: JsonActions<FakeAccount> = {
  FilterLogEvents: (input, account) => {
    const group = String(input.logGroupName ?? '');
    const streams = (account.logStreams ?? []).filter((stream) => stream.group === group);
    if (streams.length === 0) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    const names = Array.isArray(input.logStreamNames) ? input.logStreamNames.map(String) : undefined;
    const startTime = typeof input.startTime === 'number' ? input.startTime : 0;
    const endTime = typeof input.endTime === 'number' ? input.endTime : Number.MAX_SAFE_INTEGER;
    const events = streams
      .filter((stream) => names === undefined || names.includes(stream.stream))
      .flatMap((stream) => stream.events.map((event) => ({ ...event, logStreamName: stream.stream })))
      .filter((event) => (event.timestamp ?? 0) >= startTime && (event.timestamp ?? 0) < endTime)
      .sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
    const start = input.nextToken === undefined ? 0 : Number(/^e2e-logs:(\d+)$/.exec(String(input.nextToken))?.[1] ?? NaN);
    if (!Number.isInteger(start)) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
    const end = start + PAGE_SIZE;
    return {
      events: events.slice(start, end),
      searchedLogStreams: (names ?? streams.map((stream) => stream.stream)).map((logStreamName) => ({ logStreamName, searchedCompletely: true })),
      nextToken: end < events.length ? `e2e-logs:${end}` : undefined,
    };
  },
};

/** CloudWatch Logs' JSON 1.1 API: `FilterLogEvents` over the account's streams. */
export function answerLogs(request: AwsRequest, account: FakeAccount): AwsAnswer {
  return answerJson('Logs_20140328', LOGS, request, account);
}
