import { spawn } from 'node:child_process';

export interface RunOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string | Buffer;
  readonly cwd?: string;
  /** Kill the command after this long. */
  readonly timeoutMs?: number;
  /** Accept a non-zero exit status instead of throwing. */
  readonly allowFailure?: boolean;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command that failed; the message has the command line, its status and what it printed on stderr. */
class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly result: RunResult,
  ) {
    super(`${command} exited with ${result.code ?? 'a signal'}${result.stderr.trim() ? `: ${result.stderr.trim().slice(-2000)}` : ''}`);
    this.name = 'CommandError';
  }
}

/** Runs a command without a shell and collects its output. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input ?? '');
  const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolve(status));
  }).finally(() => clearTimeout(timer));
  const result = { code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
  if (code !== 0 && !options.allowFailure) throw new CommandError([command, ...args].join(' '), result);
  return result;
}

/** Whether a program is on the PATH. */
export async function available(program: string): Promise<boolean> {
  const result = await run('sh', ['-c', `command -v "$1"`, 'sh', program], { allowFailure: true });
  return result.code === 0;
}
