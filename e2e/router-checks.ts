import { setTimeout as sleep } from 'node:timers/promises';
import type { PaasAppConfig } from '../app/config';
import { PAAS_IMAGE } from './docker/image';

/** The apps' domain in the router runs, on one host and on the swarm. */
export const DOMAIN = 'apps.e2e.example.com';
/** A name of another domain, which the router must not redirect. */
export const FOREIGN_HOST = 'elsewhere.example.net';
/** Starts PostgreSQL with a database cluster of its own that trusts the run's network, as the user `postgres`. */
const POSTGRES = `set -e
for bin in /usr/lib/postgresql/*/bin; do :; done
"$bin/initdb" --pgdata=/tmp/data --username=counter --auth=trust > /dev/null
echo "host all all 0.0.0.0/0 trust" >> /tmp/data/pg_hba.conf
exec "$bin/postgres" -D /tmp/data -c listen_addresses='*' -k /tmp`;

/** The Redis and the PostgreSQL the counters count in, from Debian's packages: how each starts, as whom, and how to tell it is ready. */
export const STORES = [
  { name: 'redis', port: 6379, user: 'redis', command: ['redis-server', '--port', '6379', '--protected-mode', 'no', '--save', '', '--appendonly', 'no'], ready: ['redis-cli', 'ping'] },
  { name: 'postgres', port: 5432, user: 'postgres', command: ['sh', '-c', POSTGRES], ready: ['sh', '-c', 'for bin in /usr/lib/postgresql/*/bin; do :; done; "$bin/pg_isready" -q -h 127.0.0.1'] },
] as const;

/**
 * An app's datastore variables as its lookup gives them, the stores reached
 * by `host(store)`: Redis's endpoint (`ElasticacheDependency`), or the
 * database stack's outputs (`StackDependency`), which name the user and the
 * database with libpq's variables.
 */
export function datastoreEnvironment(datastore: PaasAppConfig['datastore'], host: (store: 'redis' | 'postgres') => string): string[] {
  if (datastore === 'redis') return [`REDIS_HOST=${host('redis')}`, 'REDIS_PORT=6379'];
  if (datastore === 'postgres') return [`DatabaseHost=${host('postgres')}`, 'DatabasePort=5432', 'PGUSER=counter', 'PGDATABASE=postgres'];
  return [];
}

export const COUNTER = ['python3', '/usr/local/bin/counter.py'];
/** The example's apps: a counter in Redis, one in PostgreSQL, and a static site. */
export const APPS: readonly PaasAppConfig[] = [
  { hostName: 'redis-counter', image: PAAS_IMAGE, port: 8000, datastore: 'redis', command: [...COUNTER, 'redis', 'redis-counter', 'REDIS_HOST', 'REDIS_PORT', '8000'] },
  { hostName: 'postgres-counter', image: PAAS_IMAGE, port: 8000, datastore: 'postgres', command: [...COUNTER, 'postgres', 'postgres-counter', 'DatabaseHost', 'DatabasePort', '8000'] },
  { hostName: 'www', image: PAAS_IMAGE, port: 8000, command: ['python3', '-m', 'http.server', '8000', '--directory', '/srv/site'] },
];
/** The app an update adds while requests to the others go on. */
export const ADDED: PaasAppConfig = { hostName: 'added', image: PAAS_IMAGE, port: 8000, datastore: 'redis', command: [...COUNTER, 'redis', 'added', 'REDIS_HOST', 'REDIS_PORT', '8000'] };
/** How long the client asks the other apps while the router reloads. */
export const RELOAD_LOOP_MS = 8000;

/** One answer of `router-probe.cjs get`. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly location?: string;
  readonly error?: string;
}

/** What `router-probe.cjs loop` counted. */
export interface LoopCount {
  readonly requests: number;
  readonly failed: number;
  readonly failures: readonly string[];
}

/** Asks the router for `urlPath` on `host` at its https port, or at `port`. */
export type Get = (host: string, urlPath?: string, port?: number) => Promise<Answer>;

/**
 * The router's checks, shared by the run on one host and the run on the
 * swarm: each finding goes to `problems`, each answer to `log`.
 */
export class RouterChecks {
  constructor(
    private readonly get: Get,
    private readonly problems: string[],
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Asks each app twice by name: a counter answers with its own name and 1,
   * then 2 (the same datastore behind both requests), the static site with
   * its page. Returns how many answered as themselves.
   */
  async answersByName(apps: readonly PaasAppConfig[]): Promise<number> {
    let answered = 0;
    for (const app of apps) {
      const host = `${app.hostName}.${DOMAIN}`;
      const first = await this.get(host);
      const second = await this.get(host);
      const own = app.hostName === 'www' ? first.body.includes('static site') : first.body === `${app.hostName}: 1\n` && second.body === `${app.hostName}: 2\n`;
      if (first.status === 200 && second.status === 200 && own) answered++;
      else this.problems.push(`${host} answered ${first.status} ${JSON.stringify(first.body)}, then ${second.status} ${JSON.stringify(second.body)}, not its own answer`);
      this.log(`${host} -> ${first.status} ${JSON.stringify(first.body.trim().slice(0, 60))}, then ${second.status} ${JSON.stringify(second.body.trim().slice(0, 60))}`);
    }
    return answered;
  }

  /** A name no app has gets the router's own 404, not another app. */
  async unknownName(): Promise<void> {
    const unknown = await this.get(`nobody.${DOMAIN}`);
    this.log(`nobody.${DOMAIN} -> ${unknown.status} ${JSON.stringify(unknown.body)}`);
    if (unknown.status !== 404 || unknown.body !== 'no app answers on this name\n') {
      this.problems.push(`an unknown name answered ${unknown.status} ${JSON.stringify(unknown.body)}, not the router's 404`);
    }
  }

  /**
   * Plain HTTP on the redirect port gets 301 to the same name and path over
   * https for an app's name, and the router's 404 for a name of another
   * domain, which is never redirected.
   */
  async redirect(redirectPort: number): Promise<void> {
    const redirect = await this.get(`www.${DOMAIN}`, '/a/b?c=d', redirectPort);
    this.log(`http://www.${DOMAIN}/a/b?c=d -> ${redirect.status} ${redirect.location}`);
    if (redirect.status !== 301 || redirect.location !== `https://www.${DOMAIN}/a/b?c=d`) {
      this.problems.push(`plain HTTP answered ${redirect.status} ${redirect.location}, not 301 to https`);
    }
    const foreign = await this.get(FOREIGN_HOST, '/a/b?c=d', redirectPort);
    this.log(`http://${FOREIGN_HOST}/a/b?c=d -> ${foreign.status} ${foreign.location ?? JSON.stringify(foreign.body)}`);
    if (foreign.status !== 404 || foreign.location !== undefined || foreign.body !== 'no app answers on this name\n') {
      this.problems.push(`plain HTTP for ${FOREIGN_HOST} answered ${foreign.status} ${foreign.location ?? JSON.stringify(foreign.body)}, not the router's 404`);
    }
  }

  /** An app with nothing running behind its name gets the router's 503 naming it. */
  async unavailable(app: string, why: string): Promise<void> {
    const down = await this.get(`${app}.${DOMAIN}`);
    this.log(`${app}.${DOMAIN} ${why} -> ${down.status} ${JSON.stringify(down.body)}`);
    if (down.status !== 503 || down.body !== `${app} has no healthy instance\n`) {
      this.problems.push(`${app} ${why} answered ${down.status} ${JSON.stringify(down.body)}, not 503`);
    }
  }

  /** No request to the other apps failed while the router took the update. */
  reload(count: LoopCount): void {
    this.log(`during the reload: ${count.requests} requests, ${count.failed} failed${count.failures.length > 0 ? `: ${count.failures.join('; ')}` : ''}`);
    if (count.requests === 0 || count.failed > 0) this.problems.push(`requests to the other apps failed during the reload: ${count.failed} of ${count.requests}`);
  }
}

/** Waits up to 60 s for `check` to hold. */
export async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after 60 s waiting for ${what}`);
    await sleep(300);
  }
}

/** The run's one-line result: `router: N apps answered by name; reload R requests, F failed`, after `prefix`. */
export function routerSummary(prefix: string, answered: number, reload: LoopCount): string {
  return `${prefix}: ${answered} apps answered by name; reload ${reload.requests} requests, ${reload.failed} failed`;
}
