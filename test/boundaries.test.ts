import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { CONTRACTS } from '../contracts/registry';

/**
 * The two halves of the project meet only at the contracts: the construct
 * library never loads the AWS SDK (it runs at synth time, without
 * credentials), the handlers never load aws-cdk-lib (it would swell every
 * bundle), and the contracts both read load neither. Checked on everything
 * each entry point loads, not only its own file.
 */

const ROOT = path.join(__dirname, '..');

it('the construct library loads no AWS SDK module', async () => {
  // GIVEN everything lib/ loads
  const sources = readdirSync(path.join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const loaded = await packagesLoadedBy(...sources.map((file) => path.join(ROOT, 'lib', file)));
  // THEN
  expect(loaded.filter((name) => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/'))).toEqual([]);
  expect(loaded).toContain('aws-cdk-lib');
});

it('the contracts load neither the AWS SDK nor aws-cdk-lib', async () => {
  // GIVEN everything contracts/ loads
  const sources = readdirSync(path.join(ROOT, 'contracts'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
  const loaded = await packagesLoadedBy(...sources.map((file) => path.join(ROOT, 'contracts', file)));
  // THEN
  expect(loaded.filter((name) => /^(@aws-sdk|@smithy)\//.test(name) || /^(aws-cdk-lib|constructs)(\/|$)/.test(name))).toEqual([]);
  expect(sources).toContain('registry.ts');
});

it.each(CONTRACTS.map((contract) => [contract.name]))('the %s handler loads neither aws-cdk-lib nor constructs', async (name) => {
  // GIVEN everything the handler loads
  const loaded = await packagesLoadedBy(path.join(ROOT, 'lambdas', name, 'index.ts'));
  // THEN
  expect(loaded.filter((pkg) => pkg === 'aws-cdk-lib' || pkg.startsWith('aws-cdk-lib/') || pkg === 'constructs')).toEqual([]);
  expect(loaded.some((pkg) => pkg.startsWith('@aws-sdk/'))).toBe(true);
});

it('the terminal command loads neither aws-cdk-lib nor constructs, and the SDK clients it bundles', async () => {
  // GIVEN everything cli/ loads
  const loaded = await packagesLoadedBy(path.join(ROOT, 'cli', 'index.ts'));
  // THEN
  expect(loaded.filter((pkg) => pkg === 'aws-cdk-lib' || pkg.startsWith('aws-cdk-lib/') || pkg === 'constructs')).toEqual([]);
  expect(loaded.filter((pkg) => pkg.startsWith('@aws-sdk/'))).toEqual([
    '@aws-sdk/client-auto-scaling',
    '@aws-sdk/client-cloudformation',
    '@aws-sdk/client-cloudwatch-logs',
    '@aws-sdk/client-ssm',
  ]);
});

/**
 * Which top-level folders each folder's files may not import from: the
 * product (lib/, lambdas/, contracts/) and the example app (bin/, app/) load
 * no test code; the example app is a consumer of the library, so it reaches
 * lib/ only by the package name, and the library knows nothing of the app;
 * the construct library and the handlers share only contracts/, which loads
 * neither; the terminal command (cli/) stands alone, loading no folder of
 * the project and loaded by none but the tests; the test kit serves the jest tests, the end-to-end harness and the
 * scripts alike, so it loads none of them; nothing loads test/, and test/
 * loads no script.
 */
const FORBIDDEN: Record<string, readonly string[]> = {
  bin: ['test', 'testkit', 'e2e', 'scripts', 'lib', 'cli'],
  app: ['test', 'testkit', 'e2e', 'scripts', 'lib', 'bin', 'cli'],
  lib: ['test', 'testkit', 'e2e', 'scripts', 'app', 'bin', 'lambdas', 'cli'],
  lambdas: ['test', 'testkit', 'e2e', 'scripts', 'lib', 'app', 'bin', 'cli'],
  contracts: ['test', 'testkit', 'e2e', 'scripts', 'lib', 'lambdas', 'app', 'bin', 'cli'],
  cli: ['test', 'testkit', 'e2e', 'scripts', 'lib', 'lambdas', 'contracts', 'app', 'bin'],
  testkit: ['test', 'e2e', 'scripts', 'cli'],
  e2e: ['test', 'cli'],
  scripts: ['test', 'cli'],
  test: ['scripts'],
};

it.each(Object.entries(FORBIDDEN))('no file in %s/ imports from %j', (folder, forbidden) => {
  // GIVEN every relative import of every source file in the folder
  const files = readdirSync(path.join(ROOT, folder), { recursive: true, encoding: 'utf8' }).filter((file) => /\.(ts|mjs|cjs)$/.test(file));
  const imports = files.flatMap((file) => relativeImports(path.join(ROOT, folder, file)));
  // THEN
  expect(imports.filter((target) => forbidden.includes(target.split(path.sep)[0]))).toEqual([]);
  expect(files.length).toBeGreaterThan(0);
});

/** The files a source file imports or requires by relative path, from the repository's root. */
function relativeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\(\s*|^import\s+)['"](\.{1,2}\/[^'"]*)['"]/gm)].map((match) => match[1]);
  return specifiers.map((specifier) => path.relative(ROOT, path.resolve(path.dirname(file), specifier)));
}

/** The packages an entry point imports, directly or through any of our files. */
async function packagesLoadedBy(...entryPoints: string[]): Promise<string[]> {
  const result = await build({
    entryPoints,
    outdir: 'out',
    bundle: true,
    platform: 'node',
    packages: 'external',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const metafile: Metafile = result.metafile;
  const imports = Object.values(metafile.inputs).flatMap((input) => input.imports);
  return [...new Set(imports.filter((i) => i.external).map((i) => i.path))].sort();
}
