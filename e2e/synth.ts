import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { run } from './exec';

/**
 * Synthesizes the repository's CDK app into `workDir/cdk.out` with the
 * given context on top of the app's own `cdk.json` context. It runs in a
 * folder of its own whose `cdk.json` points at the app, so the repository's
 * `cdk.json`, `cdk.context.json` and `cdk.out` are left alone. The CLI and
 * the app run with no network but loopback, no notices, no telemetry and no
 * version check.
 */
export async function synthesize(repo: string, workDir: string, context: Record<string, unknown>, noNetworkHook: string): Promise<string> {
  mkdirSync(workDir, { recursive: true });
  const own = JSON.parse(readFileSync(path.join(repo, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const bin = path.join(repo, 'node_modules', '.bin');
  writeFileSync(
    path.join(workDir, 'cdk.json'),
    `${JSON.stringify(
      {
        app: `${path.join(bin, 'ts-node')} --swc --prefer-ts-exts ${path.join(repo, 'bin', 'app.ts')}`,
        context: { ...own.context, ...context },
      },
      null,
      2,
    )}\n`,
  );
  const output = path.join(workDir, 'cdk.out');
  await run(path.join(bin, 'cdk'), ['synth', '--quiet', '--no-notices', '--output', output], {
    cwd: workDir,
    env: {
      ...process.env,
      CDK_DISABLE_CLI_TELEMETRY: 'true',
      CDK_DISABLE_VERSION_CHECK: 'true',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${noNetworkHook}`.trim(),
      E2E_REFUSED_LOG: path.join(workDir, 'refused-network'),
    },
    timeoutMs: 300_000,
  });
  return output;
}

/**
 * Synthesizes a CDK app in this process into `outdir`, with the app's own
 * `cdk.json` context (its feature flags) under the given context, as the CLI
 * would; `build` adds the stacks. Returns `outdir`.
 */
export function synthesizeHere(repo: string, outdir: string, context: Record<string, unknown>, build: (app: App) => void): string {
  const own = JSON.parse(readFileSync(path.join(repo, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({ outdir, context: { ...own.context, ...context } });
  build(app);
  app.synth();
  return outdir;
}
