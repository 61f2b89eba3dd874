import type { IncomingHttpHeaders } from 'node:http';
import { el, list, xmlDocument, type Xml } from './xml';

/** One HTTP request to the fake AWS endpoint, with the service and region named in its SigV4 credential scope. */
export interface AwsRequest {
  readonly service: string;
  readonly region: string;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What the fake endpoint answers, and how it records the call. */
export interface AwsAnswer {
  /** `DescribeVpcs`, or what the request asked for when the fake account does not serve it. */
  readonly action: string;
  /** The request's parameters, for the record of calls. */
  readonly input: unknown;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** False for a request the fake account does not serve: the run fails on it. */
  readonly known: boolean;
}

/** An error AWS would answer, with its code (`InvalidVpcID.NotFound`) and HTTP status. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'AwsError';
  }
}

/** The request id every fake answer carries. */
export const REQUEST_ID = 'e2e00000-0000-4000-8000-000000000000';

/** The parameters of an action of a query-protocol service (EC2, ElastiCache, CloudFormation, IAM). */
export type QueryAction<A> = (params: URLSearchParams, account: A) => Xml;

export interface QueryService<A> {
  readonly version: string;
  readonly xmlns: string;
  /** EC2 answers without a `<Result>` wrapper and writes errors as `<Response><Errors>`. */
  readonly ec2?: boolean;
  readonly actions: Readonly<Record<string, QueryAction<A>>>;
}

/** Answers a query-protocol request (form-encoded `Action=...&Version=...`) as the service would. */
export function answerQuery<A>(service: QueryService<A>, request: AwsRequest, account: A): AwsAnswer {
  const params = new URLSearchParams(request.body);
  const action = params.get('Action') ?? '(no Action)';
  const input = Object.fromEntries([...params].filter(([key]) => key !== 'Action' && key !== 'Version'));
  const handler = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
  const answer = (status: number, body: string, known: boolean): AwsAnswer => ({
    action,
    input,
    status,
    contentType: 'text/xml;charset=UTF-8',
    body,
    known,
  });

  if (request.method !== 'POST' || !handler) {
    const error = new AwsError('InvalidAction', `The action ${action} is not valid for this web service.`);
    return answer(error.status, queryError(service, error), false);
  }
  if (params.get('Version') !== service.version) {
    const error = new AwsError('InvalidParameterValue', `Version ${params.get('Version')} is not ${service.version}`);
    return answer(error.status, queryError(service, error), false);
  }
  try {
    const content = handler(params, account);
    const root = service.ec2
      ? el(`${action}Response`, [el('requestId', REQUEST_ID), content], service.xmlns)
      : el(
          `${action}Response`,
          [el(`${action}Result`, content ?? []), el('ResponseMetadata', el('RequestId', REQUEST_ID))],
          service.xmlns,
        );
    return answer(200, xmlDocument(root), true);
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    return answer(error.status, queryError(service, error), true);
  }
}

function queryError<A>(service: QueryService<A>, error: AwsError): string {
  if (service.ec2) {
    return xmlDocument(
      el('Response', [
        el('Errors', el('Error', [el('Code', error.code), el('Message', error.message)])),
        el('RequestID', REQUEST_ID),
      ]),
    );
  }
  return errorResponse(error, service.xmlns);
}

/** The `<ErrorResponse>` the XML services other than EC2 answer an error with. */
export function errorResponse(error: AwsError, xmlns: string): string {
  return xmlDocument(
    el(
      'ErrorResponse',
      [el('Error', [el('Type', 'Sender'), el('Code', error.code), el('Message', error.message)]), el('RequestId', REQUEST_ID)],
      xmlns,
    ),
  );
}

/** `Prefix.1`, `Prefix.2`, ... in order: how the query protocol sends a list. */
export function indexed(params: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (let i = 1; params.has(`${prefix}.${i}`); i++) values.push(params.get(`${prefix}.${i}`) ?? '');
  return values;
}

export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** EC2's `Filter.N.Name` / `Filter.N.Value.M`. */
export function filters(params: URLSearchParams): Filter[] {
  const found: Filter[] = [];
  for (let i = 1; params.has(`Filter.${i}.Name`); i++) {
    found.push({ name: params.get(`Filter.${i}.Name`) ?? '', values: indexed(params, `Filter.${i}.Value`) });
  }
  return found;
}

/**
 * Whether a resource passes every filter, as EC2 reads them: each filter
 * matches when any of the resource's values matches any of the filter's
 * values, with `*` and `?` as wildcards. `valuesOf` gives the resource's
 * values for a filter name, or `undefined` for a name EC2 would reject.
 */
export function passesFilters(found: readonly Filter[], valuesOf: (name: string) => readonly string[] | undefined): boolean {
  return found.every((filter) => {
    const values = valuesOf(filter.name);
    if (values === undefined) throw new AwsError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
    return filter.values.some((pattern) => values.some((value) => globMatches(pattern, value)));
  });
}

/** EC2 filter wildcards: `*` any run of characters, `?` one character, `\` escapes. */
export function globMatches(pattern: string, value: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, 's').test(value);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Tag filters (`tag:Name`, `tag-key`) over a resource's tags; `undefined` for other names. */
export function tagFilterValues(
  name: string,
  tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined,
): string[] | undefined {
  if (name === 'tag-key') return (tags ?? []).map((tag) => tag.Key ?? '');
  if (name.startsWith('tag:')) return (tags ?? []).filter((tag) => tag.Key === name.slice(4)).map((tag) => tag.Value ?? '');
  return undefined;
}

/**
 * How a query-protocol service pages: the request's page-size and token
 * parameters, the page size when the request asks for none, and the
 * answer's elements for the next page's token and (IAM) whether there is one.
 */
export interface Paging {
  readonly size: string;
  readonly token: string;
  readonly defaultSize: number;
  readonly nextTag: string;
  readonly truncatedTag?: string;
}

/**
 * One page of `items` as `list` writes it, then the next page's token. The
 * token is opaque and checked, so that a client that sends back a token of
 * its own making gets an error.
 */
export function pagedList<T>(
  params: URLSearchParams,
  paging: Paging,
  tag: string,
  itemTag: string,
  items: readonly T[],
  render: (item: T) => Xml,
): Xml {
  const size = params.has(paging.size) ? Number(params.get(paging.size)) : paging.defaultSize;
  if (!Number.isInteger(size) || size < 1) throw new AwsError('InvalidParameterValue', `${paging.size} must be a positive whole number`);
  const token = params.get(paging.token);
  const start = token === null ? 0 : tokenOffset(token);
  const end = start + size;
  const next = end < items.length ? offsetToken(end) : undefined;
  return [
    list(tag, itemTag, items.slice(start, end), render),
    paging.truncatedTag === undefined ? undefined : el(paging.truncatedTag, next !== undefined),
    el(paging.nextTag, next),
  ];
}

function offsetToken(offset: number): string {
  return Buffer.from(`e2e-page:${offset}`).toString('base64');
}

function tokenOffset(token: string): number {
  const match = /^e2e-page:(\d+)$/.exec(Buffer.from(token, 'base64').toString());
  if (!match) throw new AwsError('InvalidParameterValue', `invalid pagination token ${token}`);
  return Number(match[1]);
}

/** EC2's `<tagSet><item><key/><value/></item></tagSet>`. */
export function ec2Tags(tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined): Xml {
  return list('tagSet', 'item', tags, (tag) => [el('key', tag.Key), el('value', tag.Value)]);
}
