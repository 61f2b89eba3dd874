import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { CONTRACTS } from '../lambdas/registry';

/**
 * The two halves of the project meet only at the contracts: the construct
 * library never loads the AWS SDK (it runs at synth time, without
 * credentials), and the handlers never load aws-cdk-lib (it would swell every
 * bundle). Checked on everything each entry point loads, not only its own file.
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

it.each(CONTRACTS.map((contract) => [contract.name]))('the %s handler loads neither aws-cdk-lib nor constructs', async (name) => {
  // GIVEN everything the handler loads
  const loaded = await packagesLoadedBy(path.join(ROOT, 'lambdas', name, 'index.ts'));
  // THEN
  expect(loaded.filter((pkg) => pkg === 'aws-cdk-lib' || pkg.startsWith('aws-cdk-lib/') || pkg === 'constructs')).toEqual([]);
  expect(loaded.some((pkg) => pkg.startsWith('@aws-sdk/'))).toBe(true);
});

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
