import { CannotAnswerError } from './event';

/** Names the environment variable that adds hosts answers may go to. */
export const ALLOWED_HOSTS_VARIABLE = 'RESPONSE_URL_ALLOWED_HOSTS';

const AWS_HOST_SUFFIXES = ['.amazonaws.com', '.amazonaws.com.cn'];
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

/**
 * Checks that a ResponseURL points where CloudFormation answers belong:
 * `https` on a host ending in `.amazonaws.com` or `.amazonaws.com.cn`, or on a
 * host named in `allowedHosts` (comma-separated, from
 * `RESPONSE_URL_ALLOWED_HOSTS`). Plain `http` is accepted only for a loopback
 * host named there. Returns the parsed URL or throws a `CannotAnswerError`
 * that says why, without the URL's query string.
 */
export function checkResponseUrl(raw: string, allowedHosts: string | undefined): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CannotAnswerError('ResponseURL is not a valid URL');
  }
  const host = bareHost(url.hostname);
  const named = namedHosts(allowedHosts).includes(host);
  const shown = `${url.protocol}//${url.host}`;

  if (url.protocol === 'https:') {
    if (named || AWS_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix))) return url;
    throw new CannotAnswerError(
      `ResponseURL ${shown} is not on an AWS host (*.amazonaws.com, *.amazonaws.com.cn) nor named in ${ALLOWED_HOSTS_VARIABLE}`,
    );
  }
  if (url.protocol === 'http:') {
    if (named && LOOPBACK_HOSTS.includes(host)) return url;
    throw new CannotAnswerError(
      `ResponseURL ${shown} uses http, which is accepted only for a loopback host (${LOOPBACK_HOSTS.join(', ')}) named in ${ALLOWED_HOSTS_VARIABLE}`,
    );
  }
  throw new CannotAnswerError(`ResponseURL ${shown} must use https`);
}

function namedHosts(allowedHosts: string | undefined): string[] {
  return (allowedHosts ?? '')
    .split(',')
    .map((host) => bareHost(host.trim().toLowerCase()))
    .filter((host) => host !== '');
}

/** `[::1]`, as `URL.hostname` gives IPv6 addresses, becomes `::1`. */
function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * A ResponseURL as it may be logged: scheme, host and path, never the query
 * string that carries its signature.
 */
export function loggableUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}`;
  } catch {
    return 'not a valid URL';
  }
}
