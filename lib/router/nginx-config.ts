import { Token } from 'aws-cdk-lib';
import { PropError } from '../errors';

/** One app behind the router. */
export interface RouteTarget {
  /** DNS label: the app answers on `<hostName>.<domain>`. */
  readonly hostName: string;
  /**
   * Name the router resolves through Docker's embedded DNS to reach the app:
   * a container name on the host's app network, or `tasks.<service>` on a
   * swarm, which lists every running task without IPVS.
   */
  readonly upstream: string;
  /** Port the app listens on inside its container. */
  readonly port: number;
}

export interface NginxConfigOptions {
  /** The apps' domain, such as `apps.example.com`. */
  readonly domain: string;
  readonly apps: readonly RouteTarget[];
  /** Port of the server for the load balancer's TLS listener: it routes by `Host`. */
  readonly httpsPort: number;
  /** Port of the servers for the load balancer's plain HTTP listener: 301 to https for an app's name, 404 for any other. */
  readonly redirectPort: number;
  /** How long a resolved address is used before Docker's DNS is asked again. */
  readonly resolverValidSeconds: number;
}

/** Tries per request: a task that refuses or times out is skipped for the next one. */
const UPSTREAM_TRIES = 3;

export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const DOMAIN_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** The most characters of a DNS name (255 octets on the wire). */
const DNS_NAME_MAX = 253;
const UPSTREAM_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * How many of the longest names one bucket of nginx's server-names hash
 * holds. nginx refuses to start when a name does not fit in a bucket; with
 * room for one, hundreds of long names make it search in vain for a table
 * within `server_names_hash_max_size` (512) and warn on every reload. A
 * bucket takes only the memory of the names it holds.
 */
const NAMES_PER_BUCKET = 4;

/**
 * `server_names_hash_bucket_size` for names of up to `longest` characters:
 * nginx keeps each name with a pointer and two bytes, aligned to 8 bytes,
 * ends each bucket with a pointer, and rounds the size up to its cache line.
 */
function serverNamesBucketSize(longest: number): number {
  const entry = 8 + alignUp(longest + 2, 8);
  return alignUp(NAMES_PER_BUCKET * entry + 8, 64);
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/**
 * The router's nginx configuration (a `conf.d` file, read in nginx's `http`
 * block): one server per app, named `<hostName>.<domain>`, that proxies to
 * the app through Docker's embedded DNS (`127.0.0.11`), asked again every
 * `resolverValidSeconds`, so a restarted container or a moved task is found
 * without a reload; a server that redirects plain HTTP for the apps' names
 * to https; and a default server on both ports answering 404 for any other
 * name. The file holds no deploy-time value, so it is the same on every host
 * and in every account. Options it cannot render are refused with a
 * `PropError` of `owner`, naming the router's prop.
 */
export function renderNginxConfig(owner: string, options: NginxConfigOptions): string {
  validateNginxOptions(owner, options);
  const names = options.apps.map((app) => `${app.hostName}.${options.domain}`);
  const lines = [
    '# The router: each app answers on its own name; rendered from the app definitions.',
    `resolver 127.0.0.11 valid=${options.resolverValidSeconds}s ipv6=off;`,
    'resolver_timeout 2s;',
    '# Buckets of the names\' hash sized from the longest name: nginx does not start when one does not fit.',
    `server_names_hash_bucket_size ${serverNamesBucketSize(Math.max(1, ...names.map((name) => name.length)))};`,
    '',
    '# A name no app answers on, over https or plain HTTP.',
    'server {',
    `    listen ${options.httpsPort} default_server;`,
    `    listen ${options.redirectPort} default_server;`,
    '    server_name _;',
    '    default_type text/plain;',
    '    return 404 "no app answers on this name\\n";',
    '}',
  ];
  if (names.length > 0) {
    lines.push(
      '',
      '# Plain HTTP from the load balancer to an app\'s name: the same name over https.',
      'server {',
      `    listen ${options.redirectPort};`,
      `    server_name ${names.join('\n                ')};`,
      '    return 301 https://$host$request_uri;',
      '}',
    );
  }
  for (const app of options.apps) {
    lines.push(
      '',
      'server {',
      `    listen ${options.httpsPort};`,
      `    server_name ${app.hostName}.${options.domain};`,
      '    location / {',
      `        set $app_upstream ${app.upstream};`,
      `        proxy_pass http://$app_upstream:${app.port};`,
      '        proxy_http_version 1.1;',
      '        proxy_set_header Connection "";',
      '        proxy_set_header Host $host;',
      '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
      '        proxy_set_header X-Forwarded-Proto https;',
      '        proxy_connect_timeout 2s;',
      '        proxy_next_upstream error timeout http_502 http_503 http_504;',
      `        proxy_next_upstream_tries ${UPSTREAM_TRIES};`,
      '    }',
      '    error_page 502 504 =503 @unavailable;',
      '    location @unavailable {',
      '        default_type text/plain;',
      `        return 503 "${app.hostName} has no healthy instance\\n";`,
      '    }',
      '}',
    );
  }
  lines.push('');
  return lines.join('\n');
}

function validateNginxOptions(owner: string, options: NginxConfigOptions): void {
  if (Token.isUnresolved(options.domain) || !DOMAIN_NAME.test(options.domain)) {
    throw new PropError(owner, 'domainName', `must be a lower-case DNS name known at synth time, such as apps.example.com, got "${options.domain}"`);
  }
  if (options.domain.length > DNS_NAME_MAX - 2) {
    throw new PropError(
      owner,
      'domainName',
      `must be at most ${DNS_NAME_MAX - 2} characters, so that its wildcard record *.<domain> is a DNS name of at most ${DNS_NAME_MAX}; got ${options.domain.length}: give a shorter domainName`,
    );
  }
  for (const [name, port] of [['httpsPort', options.httpsPort], ['redirectPort', options.redirectPort]] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PropError(owner, name, `must be a whole number from 1 to 65535, got ${port}`);
  }
  if (options.httpsPort === options.redirectPort) {
    throw new PropError(owner, 'redirectPort', `must differ from httpsPort, both are ${options.httpsPort}`);
  }
  if (!Number.isInteger(options.resolverValidSeconds) || options.resolverValidSeconds < 1) {
    throw new PropError(owner, 'resolverValid', `must be a whole number of seconds from 1, got ${options.resolverValidSeconds}`);
  }
  const holders = new Map<string, string>();
  options.apps.forEach((app, i) => {
    const at = `apps[${i}]`;
    if (!DNS_LABEL.test(app.hostName)) {
      throw new PropError(owner, `${at}.hostName`, `must be one DNS label (lower-case letters, digits and "-", such as counter), got "${app.hostName}"`);
    }
    const name = `${app.hostName}.${options.domain}`;
    if (name.length > DNS_NAME_MAX) {
      throw new PropError(
        owner,
        `${at}.hostName`,
        `the app's name ${name} is ${name.length} characters, and a DNS name has at most ${DNS_NAME_MAX}: give a hostName of at most ${DNS_NAME_MAX - 1 - options.domain.length} characters, or a shorter domainName`,
      );
    }
    const holder = holders.get(app.hostName);
    if (holder !== undefined) throw new PropError(owner, `${at}.hostName`, `"${app.hostName}" is already the name of ${holder}; give each app its own`);
    holders.set(app.hostName, `${at} (${app.upstream})`);
    if (!UPSTREAM_NAME.test(app.upstream)) {
      throw new PropError(owner, `${at}.upstream`, `must be a container or service name of letters, digits, "_", "." and "-", got "${app.upstream}"`);
    }
    if (!Number.isInteger(app.port) || app.port < 1 || app.port > 65535) {
      throw new PropError(owner, `${at}.port`, `must be the whole number from 1 to 65535 the app listens on, got ${app.port}`);
    }
  });
}
