import { chmodSync, copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One call of a stubbed command: its name and arguments. */
export interface StubCall {
  readonly command: string;
  readonly args: readonly string[];
}

/**
 * Puts the recording stub, `testkit/stub.sh` of the repository `repo`, in
 * `bin` under each of the `commands`' names. Each call appends to the file
 * in `STUB_LOG`; the command named in `STUB_FAILING` exits 1.
 */
export function installStubs(repo: string, bin: string, commands: readonly string[]): void {
  for (const command of commands) {
    copyFileSync(path.join(repo, 'testkit', 'stub.sh'), path.join(bin, command));
    chmodSync(path.join(bin, command), 0o755);
  }
}

/** The calls the stubs logged in `stubLog`, in order; none when they wrote no log. */
export function readStubCalls(stubLog: string): StubCall[] {
  if (!existsSync(stubLog)) return [];
  return readFileSync(stubLog, 'utf8')
    .split('\x1e')
    .filter((record) => record !== '')
    .map((record) => {
      const [command, ...args] = record.split('\x1f');
      return { command, args };
    });
}
