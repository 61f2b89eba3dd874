#!/usr/bin/env node
/**
 * Bundles the handler of every lookup type in contracts/registry.ts with one
 * esbuild run into dist/lambdas/<name>/index.js (CommonJS, node20, minified),
 * the folder each function deploys. The SDK clients are bundled so the code
 * that runs is the code that was tested. The source maps go to
 * dist/lambda-maps/<name>/index.js.map, outside the functions' folders: the
 * functions run without --enable-source-maps, which would lengthen their
 * cold start, so a map in their zip would only make the zip larger
 * (`npm run bench` prints both costs). The metafile is kept in
 * dist/lambdas/meta.json for size analysis.
 *
 * Bundles the terminal command (`status`, `logs`, `exec`) with the SDK
 * clients it uses into dist/cli/index.js, the package's `bin`, so that the
 * installed package needs nothing besides its peers.
 *
 * Then copies the programs and scripts the hosts run beside the construct
 * library, which `npm run jsii` compiles into dist/lib/ and dist/contracts/.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'lambdas');
/** Where the handlers' source maps go: beside dist/lambdas, not in the folders the functions deploy. */
export const MAPS_DIR = path.join(root, 'dist', 'lambda-maps');

/** The programs and scripts the hosts run and the env-file rules the programs import, under lib/: lib/host-programs.ts reads them from beside the bundle. */
const HOST_PROGRAMS = [
  'nodes/env_file.py',
  'nodes/node_metrics.py',
  'host/docker-host-apply.py',
  'host/docker-host-metrics.py',
  'swarm/docker-swarm-env.py',
  'swarm/docker-swarm-gate.py',
  'swarm/docker-swarm-metrics.py',
  'swarm/docker-swarm-deploy.sh',
  'swarm/docker-swarm-drain.sh',
  'swarm/docker-swarm-reload.sh',
];

/** Copies the programs and scripts the hosts run into `directory`, the folder of a bundle that holds lib/, as lib/ holds them. */
export async function copyHostPrograms(directory) {
  for (const program of HOST_PROGRAMS) {
    await mkdir(path.join(directory, path.dirname(program)), { recursive: true });
    await copyFile(path.join(root, 'lib', program), path.join(directory, program));
  }
}

/** Options shared with the benchmark's baseline bundles, so both are built alike. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  // The map, without a comment in the bundle pointing to it: buildLambdas writes it outside the function's folder.
  sourcemap: 'external',
  // Prefer the SDK's ES module builds: smaller bundles and faster cold starts.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * The exports of a TypeScript module that loads nothing but Node's own
 * modules, bundled in memory and imported; it takes milliseconds.
 */
export async function importTypeScript(file) {
  const result = await build({
    entryPoints: [path.join(root, file)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  return import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0].contents).toString('base64')}`);
}

/** The lookup types of contracts/registry.ts, which is free of the SDK. */
export async function readRegistry() {
  return (await importTypeScript('contracts/registry.ts')).CONTRACTS;
}

async function buildLambdas() {
  const entryPoints = {};
  for (const { name } of await readRegistry()) {
    const entry = path.join(root, 'lambdas', name, 'index.ts');
    if (!existsSync(entry)) throw new Error(`handler entry ${path.relative(root, entry)} is missing`);
    entryPoints[`${name}/index`] = entry;
  }
  // A folder left by an earlier build could hold files the function's zip should not carry.
  await rm(outdir, { recursive: true, force: true });
  await rm(MAPS_DIR, { recursive: true, force: true });
  const result = await build({ ...BUNDLE_OPTIONS, entryPoints, outdir, metafile: true, write: false });
  for (const file of result.outputFiles) {
    const target = file.path.endsWith('.map') ? path.join(MAPS_DIR, path.relative(outdir, file.path)) : file.path;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.contents);
  }
  await writeFile(path.join(outdir, 'meta.json'), JSON.stringify(result.metafile));
}

/** The terminal command, one file that runs with `node` and nothing installed beside it. */
async function buildCli() {
  await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [path.join(root, 'cli', 'index.ts')],
    outfile: path.join(root, 'dist', 'cli', 'index.js'),
    sourcemap: false,
    banner: { js: '#!/usr/bin/env node' },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildLambdas();
  await buildCli();
  // The programs and scripts the hosts run ship beside the compiled library, where lib/host-programs.ts reads them.
  await copyHostPrograms(path.join(root, 'dist', 'lib'));
}
