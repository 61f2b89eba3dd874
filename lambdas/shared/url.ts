import { CannotAnswerError } from './errors';

/** Names the environment variable that adds hosts answers may go to. */
export const ALLOWED_HOSTS_VARIABLE = 'RESPONSE_URL_ALLOWED_HOSTS';

const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];
/** What a refused ResponseURL is about. */
const RESPONSE_URL = { fields: ['ResponseURL'] };

const REGION = '[a-z]{2}(?:-[a-z]+)+-\\d+';
/** S3 endpoints: `s3`, `s3-<region>`, `s3.<region>`, `s3.dualstack.<region>`, `s3-external-1`, under amazonaws.com(.cn). */
const S3_HOST = new RegExp(`^s3(?:[.-]${REGION}|\\.dualstack\\.${REGION}|-external-1)?\\.amazonaws\\.com(?:\\.cn)?$`);

/**
 * CloudFormation's response bucket in a region, named after the region
 * without dashes: `cloudformation-custom-resource-response-euwest1`. A custom
 * resource's function runs in its stack's region, so its answers go to that
 * region's bucket; `undefined` when the region is not known.
 */
function responseBucket(region: string | undefined): string | undefined {
  return region ? `cloudformation-custom-resource-response-${region.replace(/-/g, '')}` : undefined;
}

/**
 * Checks that a ResponseURL points where CloudFormation answers belong:
 * `https` on port 443 to CloudFormation's response bucket of the function's
 * `region` on S3, virtual-hosted (`<bucket>.s3.<region>.amazonaws.com`) or
 * path-style (`s3.<region>.amazonaws.com/<bucket>/...`), or to a host named in
 * `allowedHosts` (comma-separated, from `RESPONSE_URL_ALLOWED_HOSTS`). Plain
 * `http` is accepted only for a loopback host named there. A URL with a user
 * name or password is refused. Returns the parsed URL or throws a
 * `CannotAnswerError` that says why, without the URL's query string.
 */
export function checkResponseUrl(raw: string, allowedHosts: string | undefined, region: string | undefined): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new CannotAnswerError('ResponseURL is not a valid URL', { ...RESPONSE_URL, cause: error });
  }
  const host = bareHost(url.hostname);
  const named = namedHosts(allowedHosts).includes(host);
  const shown = `${url.protocol}//${url.host}`;

  if (url.username !== '' || url.password !== '') {
    throw new CannotAnswerError(`ResponseURL ${shown} carries a user name or password, which CloudFormation's never does`, RESPONSE_URL);
  }
  if (url.protocol === 'https:') {
    const bucket = responseBucket(region);
    if (named || (bucket !== undefined && isResponseBucket(url, bucket))) return url;
    const rule = bucket === undefined
      ? 'https on port 443 to the response bucket of the function\'s region, which is not known (AWS_REGION is not set)'
      : `https on port 443 to ${bucket}, CloudFormation's response bucket in ${region}, on S3 under amazonaws.com or amazonaws.com.cn`;
    throw new CannotAnswerError(
      `ResponseURL ${shown}${url.pathname.split('/', 2).join('/')} is not ${rule}, nor on a host named in ${ALLOWED_HOSTS_VARIABLE}`,
      RESPONSE_URL,
    );
  }
  if (url.protocol === 'http:') {
    if (named && LOOPBACK_HOSTS.includes(host)) return url;
    throw new CannotAnswerError(
      `ResponseURL ${shown} uses http, which is accepted only for a loopback host (${LOOPBACK_HOSTS.join(', ')}) named in ${ALLOWED_HOSTS_VARIABLE}`,
      RESPONSE_URL,
    );
  }
  throw new CannotAnswerError(`ResponseURL ${shown} must use https`, RESPONSE_URL);
}

/** Whether an https URL is on port 443 in `bucket`, virtual-hosted or path-style. */
function isResponseBucket(url: URL, bucket: string): boolean {
  if (url.port !== '') return false;
  const [first, ...rest] = url.hostname.split('.');
  if (first === bucket && S3_HOST.test(rest.join('.'))) return true;
  return S3_HOST.test(url.hostname) && url.pathname.split('/')[1] === bucket;
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
