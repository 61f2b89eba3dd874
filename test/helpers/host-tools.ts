import { spawnSync } from 'node:child_process';

/**
 * Programs of the machine that some tests run: bash runs the rendered user
 * data and the swarm's reload helper, python3 the Docker host's apply program
 * and its stand-ins for docker, cfn-signal and the AWS CLI.
 */
export type HostTool = 'bash' | 'python3';

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

/**
 * `it` for tests that run the given host programs. When one of them is not in
 * `HOST_PATH`, the test is skipped with ` [needs <tools>]` after its title,
 * and `host-tools-reporter.js` ends the run with one notice counting those
 * tests. With `TEST_HOST_TOOLS=required`, as `.ci/run` sets, the test fails
 * instead, naming the missing program.
 */
export function itRunning(...tools: HostTool[]): (name: string, fn: jest.ProvidesCallback) => void {
  const missing = tools.filter((tool) => !runs(tool)).join(' and ');
  if (missing === '') return it;
  if (process.env.TEST_HOST_TOOLS === 'required') {
    return (name) => it(name, () => {
      throw new Error(`${missing} is not in /usr/bin or /bin, and TEST_HOST_TOOLS=required fails the tests that run it: install ${missing}`);
    });
  }
  return (name, fn) => it.skip(`${name} [needs ${missing}]`, fn);
}
