#!/usr/bin/env node
/**
 * Prints, per handler, the bundle size (raw and gzip) and the cold `require`
 * time, each beside a baseline built in the same run with the same esbuild
 * options: a bare handler that imports only the same SDK clients and commands.
 * Then what a source map would cost the function: its zip with and without
 * the map, and the cold `require` with `--enable-source-maps` and the map
 * beside the bundle. Then prints the AWS calls each lookup makes in a large mocked account, the
 * time each handler takes to answer hostile events (worst of them last), and
 * the `cdk synth` time of the example app beside the same stacks without
 * custom resources.
 *
 * Usage: npm run bench [-- --runs N] [-- --skip-synth]
 */
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { BUNDLE_OPTIONS, MAPS_DIR, readRegistry } from './build.mjs';

const LAMBDAS = await readRegistry();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: options } = parseArgs({ options: { runs: { type: 'string', default: '21' }, 'skip-synth': { type: 'boolean', default: false } } });
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number, not ${options.runs}`);

/** The names a handler's sources import from each `@aws-sdk/client-*` package. */
async function sdkImports(name) {
  const folder = path.join(root, 'lambdas', name);
  const imports = new Map();
  const pattern = /import\s*(type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g;
  for (const file of await readdir(folder)) {
    if (!file.endsWith('.ts')) continue;
    const source = await readFile(path.join(folder, file), 'utf8');
    for (const [, typeOnly, names, pkg] of source.matchAll(pattern)) {
      if (typeOnly) continue;
      const set = imports.get(pkg) ?? new Set();
      for (const raw of names.split(',')) {
        const item = raw.trim();
        if (item === '' || item.startsWith('type ')) continue;
        set.add(item.split(/\s+as\s+/)[0]);
      }
      imports.set(pkg, set);
    }
  }
  return imports;
}

/** A bare handler using the same clients and commands, and nothing else. */
function baselineSource(imports) {
  const lines = [];
  const used = [];
  const clients = [];
  for (const [pkg, names] of imports) {
    lines.push(`import { ${[...names].join(', ')} } from '${pkg}';`);
    for (const n of names) {
      used.push(n);
      if (n.endsWith('Client')) clients.push(n);
    }
  }
  lines.push(`const clients = [${clients.map((c) => `new ${c}({ retryMode: 'adaptive' })`).join(', ')}];`);
  lines.push(`export const handler = async () => [clients, ${used.join(', ')}];`);
  return lines.join('\n');
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Medians of `count` measurements of each of `measures`, taken in
 * alternation so that whatever else the machine does weighs on all alike.
 */
async function alternatingMedians(count, ...measures) {
  const values = measures.map(() => []);
  for (let i = 0; i < count; i++) {
    for (const [index, measure] of measures.entries()) values[index].push(await measure());
  }
  return values.map(median);
}

/** Wall time of one `require(file)` in a fresh Node process started with `flags`, in milliseconds. */
function requireMs(file, flags = []) {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  const result = spawnSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } });
  if (result.status !== 0) throw new Error(`require(${file}) failed: ${result.stderr}`);
  return Number(result.stdout);
}

/**
 * The size of a zip of the files in `folder`, each deflated at zlib's default
 * level with its local and central header, as the CDK CLI zips a function's asset.
 */
async function zipBytes(folder) {
  let total = 22;
  for (const name of await readdir(folder)) {
    const content = await readFile(path.join(folder, name));
    total += 30 + 46 + 2 * Buffer.byteLength(name) + deflateRawSync(content).length;
  }
  return total;
}

/** A copy of the bundle of `name` in `tmp` with its source map beside it and linked from it, as a function that used the map would deploy. */
async function bundleWithMap(name, tmp) {
  const folder = path.join(tmp, 'with-map', name);
  await mkdir(folder, { recursive: true });
  const bundle = await readFile(path.join(root, 'dist', 'lambdas', name, 'index.js'), 'utf8');
  await writeFile(path.join(folder, 'index.js'), `${bundle}\n//# sourceMappingURL=index.js.map\n`);
  await copyFile(path.join(MAPS_DIR, name, 'index.js.map'), path.join(folder, 'index.js.map'));
  return folder;
}

async function sizes(file) {
  const content = await readFile(file);
  return { raw: content.length, gzip: gzipSync(content, { level: 9 }).length };
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ')).join('\n');
}

async function benchBundles() {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'bench-baseline-'));
  try {
    const entryPoints = {};
    for (const { name } of LAMBDAS) {
      const entry = path.join(tmp, `${name}.mjs`);
      await writeFile(entry, baselineSource(await sdkImports(name)));
      entryPoints[name] = entry;
    }
    await build({ ...BUNDLE_OPTIONS, sourcemap: false, entryPoints, outdir: path.join(tmp, 'out'), nodePaths: [path.join(root, 'node_modules')] });

    const rows = [['handler', 'raw', 'baseline raw', 'gzip', 'baseline gzip', 'gzip ratio', 'cold require', 'baseline', 'require ratio']];
    const mapRows = [['handler', 'zip', 'zip with map', 'zip ratio', 'cold require', 'with --enable-source-maps', 'require ratio']];
    for (const { name } of LAMBDAS) {
      const bundle = path.join(root, 'dist', 'lambdas', name, 'index.js');
      const baseline = path.join(tmp, 'out', `${name}.js`);
      const withMap = await bundleWithMap(name, tmp);
      const [own, base] = [await sizes(bundle), await sizes(baseline)];
      const [ownMs, baseMs, mappedMs] = await alternatingMedians(
        runs,
        () => requireMs(bundle),
        () => requireMs(baseline),
        () => requireMs(path.join(withMap, 'index.js'), ['--enable-source-maps']),
      );
      const [zip, mappedZip] = [await zipBytes(path.dirname(bundle)), await zipBytes(withMap)];
      mapRows.push([name, kib(zip), kib(mappedZip), ratio(mappedZip, zip), `${ownMs.toFixed(1)} ms`, `${mappedMs.toFixed(1)} ms`, ratio(mappedMs, ownMs)]);
      rows.push([
        name,
        kib(own.raw),
        kib(base.raw),
        kib(own.gzip),
        kib(base.gzip),
        ratio(own.gzip, base.gzip),
        `${ownMs.toFixed(1)} ms`,
        `${baseMs.toFixed(1)} ms`,
        ratio(ownMs, baseMs),
      ]);
    }
    console.log(`Bundles (cold require: median of ${runs} fresh processes)`);
    console.log(table(rows));
    console.log();
    console.log('Source maps: the functions deploy without them; what the map would cost each in its zip and, with --enable-source-maps, its cold require');
    console.log(table(mapRows));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The environment of the TypeScript parts and `cdk synth`: no SDK version warning, no CDK CLI telemetry. */
const QUIET_ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };

/** Runs a TypeScript part of the benchmark with ts-node and swc, printing what it prints. */
function runTypeScript(script) {
  const result = spawnSync('npx', ['ts-node', '--swc', script], {
    cwd: root,
    stdio: 'inherit',
    env: QUIET_ENV,
  });
  if (result.status !== 0) throw new Error(`${script} failed`);
}

/** Wall time of one `cdk synth` of `appCommand` into a fresh folder, in seconds. */
async function synthSeconds(appCommand) {
  const out = await mkdtemp(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    const started = process.hrtime.bigint();
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--app', appCommand, '--output', out], {
      cwd: root,
      encoding: 'utf8',
      env: QUIET_ENV,
    });
    if (result.status !== 0) throw new Error(`cdk synth --app "${appCommand}" failed: ${result.stderr}`);
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

/**
 * `cdk synth` of the example app beside the same stacks with no custom
 * resources (scripts/bench-synth-baseline.ts), alternating, median of 3 each.
 * Both run the app with ts-node and swc after the handler build, as cdk.json
 * does; cdk-nag runs in both.
 */
async function benchSynth() {
  const example = 'npx ts-node --swc --prefer-ts-exts bin/app.ts';
  const baseline = 'npx ts-node --swc --prefer-ts-exts scripts/bench-synth-baseline.ts';
  const [ownS, baseS] = await alternatingMedians(3, () => synthSeconds(example), () => synthSeconds(baseline));
  console.log('cdk synth (median of 3)');
  console.log(
    table([
      ['app', 'seconds', 'ratio'],
      ['example app, lookups as custom resources', ownS.toFixed(2), ratio(ownS, baseS)],
      ['same stacks, no custom resources', baseS.toFixed(2), '1.00x'],
    ]),
  );
}

await benchBundles();
console.log();
runTypeScript('scripts/bench-calls.ts');
console.log();
runTypeScript('scripts/bench-hostile.ts');
if (!options['skip-synth']) {
  console.log();
  await benchSynth();
}
