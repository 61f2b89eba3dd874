import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { run } from '../exec';
import type { DockerEngine } from './engine';

/** The image the example app's containers run in the end-to-end run: memcached from Debian, built here. */
export const LOCAL_IMAGE = 'e2e/memcached:local';

/** Like the official memcached image's: options alone run memcached with them, anything else runs as given. */
const ENTRYPOINT = `#!/bin/sh
set -e
if [ "\${1#-}" != "$1" ]; then
  set -- memcached "$@"
fi
exec "$@"
`;

/** What a minimal Debian needs no folder of in a container image. */
const STRIPPED = ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'var/cache/apt/archives', 'var/lib/apt/lists'];

export interface DebianSource {
  readonly mirror: string;
  readonly suite: string;
}

/**
 * The root file system of `LOCAL_IMAGE`, from no registry: a Debian with
 * memcached made by debootstrap from the machine's Debian mirror, kept as a
 * tarball in `cacheDir`, so later runs only import it.
 */
export async function memcachedRootfs(cacheDir: string, log: (line: string) => void): Promise<{ tarball: string; built: boolean }> {
  const source = debianSource();
  const tarball = path.join(cacheDir, `memcached-rootfs-${source.suite}.tar`);
  const built = !existsSync(tarball);
  if (built) {
    log(`building a ${source.suite} root file system with memcached from ${source.mirror} (cached in ${tarball})`);
    await buildRootfsTarball(source, tarball, ['memcached'], { 'usr/local/bin/docker-entrypoint.sh': ENTRYPOINT });
  }
  return { tarball, built };
}

/** The image the app router example's containers run: nginx, python3 with psycopg2, Redis and PostgreSQL from Debian, and the example's counter app. */
export const PAAS_IMAGE = 'e2e/paas:local';

/** Debian packages of `PAAS_IMAGE`: the router, the counter app and its Postgres client, and the datastores the counters count in. */
const PAAS_PACKAGES = ['nginx', 'python3', 'python3-psycopg2', 'redis-server', 'postgresql'];

/**
 * The root file system of `PAAS_IMAGE`: a Debian with nginx (the router,
 * its own site removed, so only the rendered configuration answers),
 * python3 with psycopg2 and `examples/counter/counter.py` as
 * `/usr/local/bin/counter.py` (the counter apps), Redis and PostgreSQL
 * (their datastores), and a static site in `/srv/site`. Cached in
 * `cacheDir` under a name that changes with the counter app and the
 * packages.
 */
export async function paasRootfs(cacheDir: string, counterApp: string, log: (line: string) => void): Promise<{ tarball: string; built: boolean }> {
  const source = debianSource();
  const program = readFileSync(counterApp, 'utf8');
  const digest = createHash('sha256').update(program).update(PAAS_PACKAGES.join(',')).digest('hex').slice(0, 12);
  const tarball = path.join(cacheDir, `paas-rootfs-${source.suite}-${digest}.tar`);
  const built = !existsSync(tarball);
  if (built) {
    log(`building a ${source.suite} root file system with ${PAAS_PACKAGES.join(', ')} from ${source.mirror} (cached in ${tarball})`);
    await buildRootfsTarball(source, tarball, PAAS_PACKAGES, {
      'usr/local/bin/counter.py': program,
      'srv/site/index.html': STATIC_SITE,
      'etc/nginx/sites-enabled/default': undefined,
    });
  }
  return { tarball, built };
}

/** The page of the static site in `PAAS_IMAGE`. */
export const STATIC_SITE = '<!doctype html><title>site</title><p>static site: hello from /srv/site</p>\n';

/** Imports the root file system into an engine as `PAAS_IMAGE`. */
export async function importPaasImage(engine: DockerEngine, tarball: string): Promise<void> {
  await engine.docker(['import', '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--change', 'CMD ["nginx", "-g", "daemon off;"]', tarball, PAAS_IMAGE]);
}

/** Imports the root file system into an engine as `LOCAL_IMAGE`, set up like the official memcached image. */
export async function importMemcachedImage(engine: DockerEngine, tarball: string): Promise<void> {
  await engine.docker([
    'import',
    '--change', 'USER memcache',
    '--change', 'ENTRYPOINT ["docker-entrypoint.sh"]',
    '--change', 'CMD ["memcached"]',
    '--change', 'EXPOSE 11211',
    '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    tarball,
    LOCAL_IMAGE,
  ]);
}

/** Builds a Debian root file system with `packages`, writes `files` into it (`undefined` removes one) and packs it into `tarball`. */
async function buildRootfsTarball(source: DebianSource, tarball: string, packages: readonly string[], files: Readonly<Record<string, string | undefined>>): Promise<void> {
  mkdirSync(path.dirname(tarball), { recursive: true });
  const work = mkdtempSync(path.join(path.dirname(tarball), 'rootfs-'));
  const rootfs = path.join(work, 'rootfs');
  try {
    await run('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, source.suite, rootfs, source.mirror], { timeoutMs: 900_000 });
    endProcessesIn(rootfs);
    for (const dir of STRIPPED) {
      const full = path.join(rootfs, dir);
      if (existsSync(full)) for (const entry of readdirSync(full)) rmSync(path.join(full, entry), { recursive: true, force: true });
    }
    for (const [file, content] of Object.entries(files)) {
      const full = path.join(rootfs, file);
      if (content === undefined) {
        rmSync(full, { force: true });
        continue;
      }
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, content);
      chmodSync(full, file.includes('/bin/') ? 0o755 : 0o644);
    }
    const partial = path.join(work, 'rootfs.tar');
    await run('tar', ['--numeric-owner', '-C', rootfs, '-cf', partial, '.']);
    renameSync(partial, tarball);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Ends what a package's install script left running in the new root file system, such as a database it started. */
function endProcessesIn(rootfs: string): void {
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readlinkSync(`/proc/${pid}/root`) === rootfs) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // gone already, or not ours to read
    }
  }
}

/**
 * The Debian mirror and suite this machine's apt uses (`E2E_DEBIAN_MIRROR`
 * overrides the mirror), from /etc/apt/sources.list and sources.list.d.
 */
function debianSource(): DebianSource {
  const suite = /^VERSION_CODENAME=(.+)$/m.exec(readText('/etc/os-release'))?.[1]?.trim() ?? 'bookworm';
  const override = process.env.E2E_DEBIAN_MIRROR;
  if (override) return { mirror: override, suite };
  const files = ['/etc/apt/sources.list', ...listDir('/etc/apt/sources.list.d').map((name) => path.join('/etc/apt/sources.list.d', name))];
  for (const file of files) {
    const mirror = findMirror(readText(file), suite, file.endsWith('.sources'));
    if (mirror) return { mirror, suite };
  }
  throw new Error(`no Debian mirror for ${suite} in /etc/apt/sources.list*; set E2E_DEBIAN_MIRROR`);
}

/** The first URI that serves `suite` with `main`, in one-line (`deb URI suite main`) or deb822 format. */
export function findMirror(text: string, suite: string, deb822: boolean): string | undefined {
  if (!deb822) {
    for (const line of text.split('\n')) {
      const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)$/.exec(line.trim());
      if (match && match[2] === suite && match[3].split(/\s+/).includes('main')) return match[1];
    }
    return undefined;
  }
  for (const stanza of text.split(/\n\s*\n/)) {
    const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
    if (!field('Types').includes('deb') || !field('Suites').includes(suite) || !field('Components').includes('main')) continue;
    if (/^Enabled:\s*no/mi.test(stanza)) continue;
    const [uri] = field('URIs');
    if (uri) return uri;
  }
  return undefined;
}

function readText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function listDir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.list') || name.endsWith('.sources')).sort() : [];
}
