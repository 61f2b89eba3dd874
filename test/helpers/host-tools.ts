import { spawnSync, type SpawnSyncOptionsWithStringEncoding, type SpawnSyncReturns } from 'node:child_process';

/**
 * Programs of the machine that some tests run: bash runs the rendered user
 * data and the swarm's helper scripts, python3 the Docker host's apply
 * program and its stand-ins for docker, cfn-signal and the AWS CLI, flock
 * (util-linux) the lock the swarm's deploy helper takes on the leader.
 */
export type HostTool = 'bash' | 'python3' | 'flock';

/**
 * Where the programs the tests start find bash and python3, after the
 * test's own stubs. Only the system's folders: a version manager's python3
 * (pyenv) puts its own programs first, among them a real AWS CLI that would
 * answer instead of the stub.
 */
export const HOST_PATH = '/usr/bin:/bin';

const present = new Map<HostTool, boolean>();

function runs(tool: HostTool): boolean {
  if (!present.has(tool)) present.set(tool, spawnSync(tool, ['--version'], { stdio: 'ignore', env: { PATH: HOST_PATH } }).status === 0);
  return present.get(tool)!;
}

/** The programs the running test declared with `itRunning`. */
let declared: readonly HostTool[] = [];

/**
 * `it` for tests that run the given host programs. When one of them is not in
 * `HOST_PATH`, the test is skipped with ` [needs <tools>]` after its title,
 * and `host-tools-reporter.js` ends the run with one notice counting those
 * tests. With `TEST_HOST_TOOLS=required`, as `.ci/run` sets, the test fails
 * instead, naming the missing program.
 */
export function itRunning(...tools: HostTool[]): (name: string, fn: () => unknown) => void {
  const missing = tools.filter((tool) => !runs(tool)).join(' and ');
  if (missing === '') {
    return (name, fn) => it(name, async () => {
      declared = tools;
      try {
        await fn();
      } finally {
        declared = [];
      }
    });
  }
  if (process.env.TEST_HOST_TOOLS === 'required') {
    return (name) => it(name, () => {
      throw new Error(`${missing} is not in /usr/bin or /bin, and TEST_HOST_TOOLS=required fails the tests that run it: install ${missing}`);
    });
  }
  return (name, fn) => it.skip(`${name} [needs ${missing}]`, async () => {
    await fn();
  });
}

/**
 * Runs `tool` with `args`, in a test declared with `itRunning(tool)`. Any
 * other test fails here, on every machine, so that none runs bash or python3
 * without being skipped where they are missing.
 */
export function runHostProgram(tool: HostTool, args: readonly string[], options: SpawnSyncOptionsWithStringEncoding): SpawnSyncReturns<string> {
  if (!declared.includes(tool)) throw new Error(`this test runs ${tool}: declare it with itRunning('${tool}') from test/helpers/host-tools.ts`);
  return spawnSync(tool, args, options);
}
