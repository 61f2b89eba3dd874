#!/usr/bin/env node
/**
 * Bundles every handler with one esbuild run into dist/lambdas/<name>/index.js
 * (CommonJS, node20, minified, source map beside it). The SDK clients are
 * bundled so the code that runs is the code that was tested. The metafile is
 * kept in dist/lambdas/meta.json for size analysis.
 */
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDAS } from './lambdas.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'lambdas');

/** Options shared with the benchmark's baseline bundles, so both are built alike. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  sourcemap: true,
  // Prefer the SDK's ES module builds: smaller bundles and faster cold starts.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  logLevel: 'warning',
};

async function buildLambdas() {
  const entryPoints = {};
  for (const { name } of LAMBDAS) {
    const entry = path.join(root, 'lambdas', name, 'index.ts');
    if (!existsSync(entry)) throw new Error(`handler entry ${path.relative(root, entry)} is missing`);
    entryPoints[`${name}/index`] = entry;
  }
  await mkdir(outdir, { recursive: true });
  const result = await build({ ...BUNDLE_OPTIONS, entryPoints, outdir, metafile: true });
  await writeFile(path.join(outdir, 'meta.json'), JSON.stringify(result.metafile));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildLambdas();
}
