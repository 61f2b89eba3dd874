#!/usr/bin/env node
/**
 * `npm run e2e`: the end-to-end run (see main.ts); `npm run e2e:swarm`
 * (`run.mjs swarm`): the swarm's (see swarm/main.ts). It needs root, for the
 * network namespaces, dockerd and the user data; without root it says why
 * and fails, or with E2E_SKIP=1 says so and passes. The harness is written
 * in TypeScript and bundled here with esbuild, which takes a fraction of a
 * second.
 */
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyHostPrograms } from '../scripts/build.mjs';

const harnessDir = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(harnessDir, '..');

const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
if (process.platform !== 'linux' || uid !== 0) {
  const why =
    process.platform !== 'linux'
      ? `it runs on Linux only, not ${process.platform}`
      : `it needs root (uid 0, this is uid ${uid}) to create network namespaces, start its own dockerd and run the hosts' user data`;
  if (process.env.E2E_SKIP === '1') {
    console.log(`end-to-end run skipped (E2E_SKIP=1): ${why}`);
    process.exit(0);
  }
  console.error(`end-to-end run cannot start: ${why}; run it as root, or set E2E_SKIP=1 to skip it`);
  process.exit(1);
}

// `run.mjs router`, `run.mjs swarm` and `run.mjs router-swarm` run the router's (router.ts), the swarm's (swarm/main.ts)
// and the router's on the swarm (swarm/router.ts) end-to-end runs instead of the whole one.
const entries = { router: 'router', swarm: 'swarm/main', 'router-swarm': 'swarm/router' };
const entry = entries[process.argv[2]] ?? 'main';
const outfile = path.join(repo, '.e2e', 'harness', `${entry.replace(/\//g, '-')}.cjs`);
await build({
  entryPoints: [path.join(harnessDir, `${entry}.ts`)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
// The bundle holds lib/ too, which reads the hosts' programs from beside itself, as it does in dist/lib/.
await copyHostPrograms(path.dirname(outfile));
const { main } = createRequire(import.meta.url)(outfile);
process.exitCode = await main({ repo, harnessDir });
