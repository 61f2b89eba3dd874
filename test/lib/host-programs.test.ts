import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { validateContainers, type ContainerDefinition } from '../../lib/containers';
import { HOST_PATH, itRunning, runHostProgram } from '../helpers/host-tools';
import { runApply } from './user-data';

const REPO = path.join(__dirname, '..', '..');

/** A bad name, and how the host programs print it: as a JSON string. */
type BadName = readonly [name: string, shown: string];

const BAD_VARIABLE_NAMES: readonly BadName[] = [
  ['A=B', '"A=B"'],
  ['A\nB', '"A\\nB"'],
  ['', '""'],
  ['1A', '"1A"'],
  ['DB-HOST', '"DB-HOST"'],
  ['A B', '"A B"'],
  ['A\n', '"A\\n"'],
  ['\u00c4', '"\\u00c4"'],
];

const BAD_CONTAINER_NAMES: readonly BadName[] = [
  ['../../x', '"../../x"'],
  ['-x', '"-x"'],
  ['.x', '".x"'],
  ['a/b', '"a/b"'],
  ['', '""'],
  ['my app', '"my app"'],
  ['app\n', '"app\\n"'],
];

const GOOD_VARIABLE_NAMES = ['A', '_', 'db_host', 'A1_b'];
const GOOD_CONTAINER_NAMES = ['a', '0', 'A.b-c_d', 'app..x'];

/** Environment-file texts synth refuses, the 1-based number of the line each refuses, and one it accepts. */
const BAD_ENV_FILES: readonly [file: string, line: number][] = [
  ['A=1\n=pa55', 2],
  ['A-B=pa55', 1],
  [' A=pa55', 1],
  ['A', 1],
];
const GOOD_ENV_FILE = 'A=1\n\n \t\nB=x=y\n';

const IMAGE = 'memcached:1.6-alpine';

describe('host programs and synth check names alike', () => {
  it('synth refuses every bad name of the table and accepts the good ones', () => {
    // GIVEN containers with each name of the table
    const check = (container: Partial<ContainerDefinition>) => () => validateContainers('Test', [{ name: 'app', image: IMAGE, ...container }]);
    // THEN
    for (const [name] of BAD_CONTAINER_NAMES) expect(check({ name })).toThrow(/name: must be a letter or digit/);
    for (const [network] of BAD_CONTAINER_NAMES) expect(check({ network })).toThrow(/network: must be a letter or digit/);
    for (const [name] of BAD_VARIABLE_NAMES) expect(check({ environment: { [name]: 'v' } })).toThrow(/must be letters, digits and "_"/);
    for (const [file] of BAD_ENV_FILES) expect(check({ environmentFile: file })).toThrow(/must hold KEY=value lines/);
    for (const name of GOOD_CONTAINER_NAMES) expect(check({ name })).not.toThrow();
    for (const name of GOOD_VARIABLE_NAMES) expect(check({ environment: { [name]: 'v' }, environmentFile: GOOD_ENV_FILE })).not.toThrow();
  });

  itRunning('python3')('the Docker host\'s apply program refuses each, naming it, before it writes or starts anything', () => {
    // GIVEN host files with each bad name of the table
    const cases: [Record<string, unknown>, string][] = [
      ...BAD_CONTAINER_NAMES.map(([name, shown]): [Record<string, unknown>, string] => [
        { name },
        `container name ${shown} must be a letter or digit, then letters, digits, "_", "." or "-"`,
      ]),
      ...BAD_CONTAINER_NAMES.map(([network, shown]): [Record<string, unknown>, string] => [
        { network },
        `container "app": network ${shown} must be a letter or digit, then letters, digits, "_", "." or "-"`,
      ]),
      ...BAD_VARIABLE_NAMES.map(([name, shown]): [Record<string, unknown>, string] => [
        { environment: { [name]: 'pa55' } },
        `container "app": environment name ${shown} must be letters, digits and "_", not starting with a digit`,
      ]),
      ...BAD_ENV_FILES.map(([file, line]): [Record<string, unknown>, string] => [
        { environmentFile: file },
        `container "app": environmentFile line ${line} must be KEY=value, the KEY of letters, digits and "_", not starting with a digit`,
      ]),
    ];
    for (const [container, reason] of cases) {
      const directory = path.join(work(), 'env');
      // WHEN
      const { status, calls, stderr } = runApply(hostFile(directory, [{ ...CONTAINER, ...container }]), work(), { args: ['--boot'] });
      // THEN
      expect(status).toBe(3);
      expect(calls).toEqual([['cfn-signal', '--exit-code', '1', '--reason', reason, '--stack', 'names', '--resource', 'HostInstance', '--region', 'eu-west-1']]);
      expect(stderr).toBe(`docker-host-apply: ${reason}\n`);
      expect(existsSync(directory)).toBe(false);
    }
  });

  itRunning('python3')('the Docker host\'s apply program refuses a bad variable name in a secret, naming it and never a value', () => {
    // GIVEN a container whose secret holds each bad variable name of the table
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf';
    for (const [name, shown] of BAD_VARIABLE_NAMES) {
      const directory = path.join(work(), 'env');
      // WHEN
      const { status, calls, stderr } = runApply(hostFile(directory, [{ ...CONTAINER, secretArn: arn }]), work(), {
        args: ['--boot'],
        secrets: { [arn]: JSON.stringify({ file: null, environment: { [name]: 'pa55' } }) },
      });
      // THEN
      const reason = `container "app": secretEnvironment name ${shown} must be letters, digits and "_", not starting with a digit`;
      expect(status).toBe(3);
      expect(calls.filter((call) => call[0] !== 'aws')).toEqual([
        ['cfn-signal', '--exit-code', '1', '--reason', reason, '--stack', 'names', '--resource', 'HostInstance', '--region', 'eu-west-1'],
      ]);
      expect(stderr).not.toContain('pa55');
      expect(existsSync(directory)).toBe(false);
    }
  });

  itRunning('python3')('the swarm managers\' env-file writer refuses each, naming it, and writes nothing, inside its folder or out', () => {
    // GIVEN env-file sources with each bad name of the table
    const cases: [Record<string, unknown>, string][] = [
      ...BAD_CONTAINER_NAMES.map(([name, shown]): [Record<string, unknown>, string] => [
        { [name]: { environment: { A: 'pa55' } } },
        `service name ${shown} must be a letter or digit, then letters, digits, "_", "." or "-"`,
      ]),
      ...BAD_VARIABLE_NAMES.map(([name, shown]): [Record<string, unknown>, string] => [
        { app: { environment: { [name]: 'pa55' } } },
        `service "app": environment name ${shown} must be letters, digits and "_", not starting with a digit`,
      ]),
      ...BAD_ENV_FILES.map(([file, line]): [Record<string, unknown>, string] => [
        { app: { environmentFile: file } },
        `service "app": environmentFile line ${line} must be KEY=value, the KEY of letters, digits and "_", not starting with a digit`,
      ]),
    ];
    for (const [services, message] of cases) {
      // WHEN
      const result = runSwarmEnv({ ok: { environment: { A: '1' } }, ...services });
      // THEN
      expect(result).toEqual({ status: 1, stderr: `docker-swarm-env: ${message}\n`, written: [] });
    }
  });

  itRunning('python3')('the swarm managers\' env-file writer refuses a value that is not text, naming the service and the variable, never the value', () => {
    // GIVEN a service whose variable is a number, an object or holds a lone UTF-16 surrogate, whose environmentFile or environment is a list, or whose settings are text
    const cases: [Record<string, unknown>, string][] = [
      [{ environment: { DB_PORT: 5432 } }, 'service "app": environment variable DB_PORT is not text; check the parameter, import or lookup it comes from'],
      [{ environment: { DB_PORT: { port: 5432 } } }, 'service "app": environment variable DB_PORT is not text; check the parameter, import or lookup it comes from'],
      [{ environment: { DB_PORT: '5432\udc00' } }, 'service "app": environment variable DB_PORT is not text; check the parameter, import or lookup it comes from'],
      [{ environmentFile: ['DB_PORT=5432'] }, 'service "app": environmentFile is not text; check the parameter, import or lookup it comes from'],
      [{ environment: ['DB_PORT=5432'] }, 'service "app": environment is not an object of variables; deploy the stack again so the metadata holds what the stack writes'],
    ];
    for (const [settings, message] of cases) {
      // WHEN
      const result = runSwarmEnv({ app: settings });
      // THEN
      expect(result).toEqual({ status: 1, stderr: `docker-swarm-env: ${message}\n`, written: [] });
    }
    expect(runSwarmEnv({ app: 'DB_PORT=5432' })).toEqual({
      status: 1,
      stderr: 'docker-swarm-env: service "app": its settings are not an object; deploy the stack again so the metadata holds what the stack writes\n',
      written: [],
    });
  });

  itRunning('python3')('both programs accept the good names and env-file of the table', () => {
    // GIVEN containers and services with each good name
    const environment = Object.fromEntries(GOOD_VARIABLE_NAMES.map((name) => [name, 'v']));
    const directory = path.join(work(), 'env');
    // WHEN
    const applied = runApply(
      hostFile(directory, GOOD_CONTAINER_NAMES.map((name) => ({ ...CONTAINER, name, network: name, environment, environmentFile: GOOD_ENV_FILE }))),
      work(),
    );
    const written = runSwarmEnv(Object.fromEntries(GOOD_CONTAINER_NAMES.map((name) => [name, { environment, environmentFile: GOOD_ENV_FILE }])));
    // THEN
    expect(applied.status).toBe(0);
    expect(readdirSync(directory).filter((file) => file.endsWith('.env')).sort()).toEqual(GOOD_CONTAINER_NAMES.map((name) => `${name}.env`).sort());
    expect(written).toEqual({ status: 0, stderr: '', written: GOOD_CONTAINER_NAMES.map((name) => `swarm/etc/env/${name}.env`).sort() });
  });
});

const CONTAINER = { name: 'app', image: IMAGE, restart: 'always' };

/** A host file of the given containers, with no wait condition: at boot only the instance is signalled. */
function hostFile(envFileDirectory: string, containers: Record<string, unknown>[]): Record<string, unknown> {
  return {
    stackName: 'names',
    resource: 'HostInstance',
    region: 'eu-west-1',
    envFileDirectory,
    startupGracePeriodSeconds: 0,
    healthWaitSeconds: 0,
    containers,
  };
}

/**
 * Runs the swarm managers' env-file writer on `services`, its folder two
 * levels down in a folder of its own; returns its exit status, its errors
 * and every env-file written anywhere in that outer folder, by path from it.
 */
function runSwarmEnv(services: Record<string, unknown>): { status: number | null; stderr: string; written: string[] } {
  const outer = work();
  const source = path.join(outer, 'env.json');
  writeFileSync(source, JSON.stringify(services));
  const result = runHostProgram('python3', [path.join(REPO, 'lib', 'swarm', 'docker-swarm-env.py'), source, path.join(outer, 'swarm', 'etc', 'env')], {
    encoding: 'utf8',
    env: { PATH: HOST_PATH },
  });
  const written = (readdirSync(outer, { recursive: true }) as string[]).filter((file) => file.endsWith('.env')).sort();
  return { status: result.status, stderr: result.stderr, written };
}

function work(): string {
  return mkdtempSync(path.join(tmpdir(), 'host-programs-'));
}
