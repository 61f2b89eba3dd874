import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { logStreamName as newLogStreamName } from '../../testkit/lambda';

/** A Lambda function as the template defines it, with its code unpacked in a folder. */
export interface LambdaFunction {
  /** The function's folder (the asset CloudFormation would upload), its `LAMBDA_TASK_ROOT`. */
  readonly codeDir: string;
  /** `index.handler`: the file (without `.js`) and the export. */
  readonly handler: string;
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
}

export interface InvokeOptions {
  readonly accountId: string;
  readonly region: string;
  /** Every AWS SDK client of the handler talks to this endpoint. */
  readonly awsEndpoint: string;
  /** Hosts the handler may answer on over http (`RESPONSE_URL_ALLOWED_HOSTS`). */
  readonly allowedHosts: string;
  /** Where the handler's refused network accesses are written. */
  readonly refusedLog: string;
  readonly harnessDir: string;
}

export interface Invocation {
  readonly exitCode: number | null;
  /** Standard output and error of the handler process: its log lines. */
  readonly output: string;
  readonly durationMs: number;
}

/**
 * Invokes a handler once in a child process, with an environment like
 * Lambda's: fake credentials, the function's own variables, and no network
 * access but loopback (`no-network.cjs`). The process gets nothing of this
 * process's environment, so no real credentials or proxies reach it.
 */
export async function invokeFunction(fn: LambdaFunction, event: unknown, options: InvokeOptions): Promise<Invocation> {
  const [file, exportName] = splitHandler(fn.handler);
  const modulePath = path.join(fn.codeDir, `${file}.js`);
  if (!existsSync(modulePath)) throw new Error(`function ${fn.functionName}: its handler ${fn.handler} needs ${modulePath}, which does not exist`);
  const logStreamName = newLogStreamName();
  const logGroupName = `/aws/lambda/${fn.functionName}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    NODE_OPTIONS: `--require ${path.join(options.harnessDir, 'no-network.cjs')}`,
    E2E_REFUSED_LOG: options.refusedLog,
    LAMBDA_TASK_ROOT: fn.codeDir,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
    AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    AWS_REGION: options.region,
    AWS_DEFAULT_REGION: options.region,
    AWS_ACCESS_KEY_ID: 'ASIAE2EFAKEKEY000000',
    AWS_SECRET_ACCESS_KEY: 'e2e-fake-secret-access-key',
    AWS_SESSION_TOKEN: 'e2e-fake-session-token',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(options.harnessDir, 'no-such-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(options.harnessDir, 'no-such-aws-credentials'),
    ...fn.environment,
    AWS_ENDPOINT_URL: options.awsEndpoint,
    RESPONSE_URL_ALLOWED_HOSTS: options.allowedHosts,
  };
  const input = JSON.stringify({
    module: modulePath,
    handler: exportName,
    event,
    timeoutMs: fn.timeoutSeconds * 1000,
    fn: { functionName: fn.functionName, region: options.region, accountId: options.accountId, memoryMb: fn.memoryMb, logGroupName, logStreamName },
  });

  const started = Date.now();
  const child = spawn(process.execPath, [childScript(options.harnessDir)], {
    cwd: fn.codeDir,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const killer = setTimeout(() => child.kill('SIGKILL'), fn.timeoutSeconds * 1000 + 5000);
  child.stdin.end(input);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  }).finally(() => clearTimeout(killer));
  return { exitCode, output, durationMs: Date.now() - started };
}

/** The network accesses `no-network.cjs` refused so far. */
export function refusedAccesses(refusedLog: string): string[] {
  if (!existsSync(refusedLog)) return [];
  return readFileSync(refusedLog, 'utf8').split('\n').filter((line) => line !== '');
}

let bundledChild: string | undefined;

/**
 * child.ts bundled with the test kit, once per process, beside the harness's
 * own bundles; written under a name of its own, then renamed, as processes
 * running side by side may write it at once.
 */
function childScript(harnessDir: string): string {
  if (!bundledChild) {
    const outfile = path.join(harnessDir, '..', '.e2e', 'harness', 'lambda-child.cjs');
    const [output] = buildSync({ entryPoints: [path.join(harnessDir, 'lambda', 'child.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error', write: false }).outputFiles;
    mkdirSync(path.dirname(outfile), { recursive: true });
    writeFileSync(`${outfile}.${process.pid}`, output.contents);
    renameSync(`${outfile}.${process.pid}`, outfile);
    bundledChild = outfile;
  }
  return bundledChild;
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`handler ${handler} is not <file>.<export>`);
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}
