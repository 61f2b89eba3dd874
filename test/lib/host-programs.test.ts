import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { validateContainers, type ContainerDefinition } from '../../lib/containers';
import { ENV_FILE_SOURCE } from '../../lib/host-programs';
import { ENV_FILE_MODULE } from '../../lib/nodes';
import { HOST_PATH, itRunning, runHostProgram } from '../helpers/host-tools';
import { hostProgramCopy, runApply } from './user-data';

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

/**
 * Environment settings whose values neither program writes, and the problem each
 * names after the container or service; SOURCE stands for where the program read them.
 */
const BAD_VALUES: readonly [settings: Record<string, unknown>, problem: string][] = [
  [{ environment: { DB_PORT: 5432 } }, 'environment variable DB_PORT is a number, not text; deploy the stack again so SOURCE holds what the stack writes'],
  [{ environment: { DB_PORT: { port: 5432 } } }, 'environment variable DB_PORT is an object, not text; deploy the stack again so SOURCE holds what the stack writes'],
  [{ environment: { DB_PORT: '5432\udc00' } }, 'environment variable DB_PORT holds a lone UTF-16 surrogate, which is not text; check the parameter, import or lookup it comes from'],
  [{ environmentFile: 'DB_PORT=5432\udc00' }, 'environmentFile holds a lone UTF-16 surrogate, which is not text; check the parameter, import or lookup it comes from'],
  [{ environmentFile: ['DB_PORT=5432'] }, 'environmentFile is a list, not text; deploy the stack again so SOURCE holds what the stack writes'],
  [{ environment: ['DB_PORT=5432'] }, 'environment is a list, not an object of variables; deploy the stack again so SOURCE holds what the stack writes'],
];

/** The two programs that write env-files, under lib/. */
const PROGRAMS = ['host/docker-host-apply.py', 'swarm/docker-swarm-env.py'];

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

  itRunning('python3')('the Docker host\'s apply program refuses a value that is not text, naming the container and the variable, never the value', () => {
    // GIVEN containers with each bad value of the table
    for (const [settings, problem] of BAD_VALUES) {
      const directory = path.join(work(), 'env');
      // WHEN
      const { status, calls, stderr } = runApply(hostFile(directory, [{ ...CONTAINER, ...settings }]), work(), { args: ['--boot'] });
      // THEN
      const reason = `container "app": ${problem.replace('SOURCE', 'the host file')}`;
      expect(status).toBe(3);
      expect(calls).toEqual([['cfn-signal', '--exit-code', '1', '--reason', reason, '--stack', 'names', '--resource', 'HostInstance', '--region', 'eu-west-1']]);
      expect(stderr).toBe(`docker-host-apply: ${reason}\n`);
      expect(existsSync(directory)).toBe(false);
    }
  });

  itRunning('python3')('the swarm managers\' env-file writer refuses a value that is not text, naming the service and the variable, never the value', () => {
    // GIVEN services with each bad value of the table, and one whose settings are text
    for (const [settings, problem] of BAD_VALUES) {
      // WHEN
      const result = runSwarmEnv({ app: settings });
      // THEN
      expect(result).toEqual({ status: 1, stderr: `docker-swarm-env: service "app": ${problem.replace('SOURCE', 'the metadata')}\n`, written: [] });
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

describe('host programs share the nodes\' env-file rules', () => {
  it('neither program holds a pattern of the rules: both import them from the folder where cfn-init writes them', () => {
    // GIVEN the patterns of the env-file rules
    const patterns = [...ENV_FILE_SOURCE.matchAll(/^([A-Z_]+) = re\.compile\((.*)\)$/gm)];
    expect(patterns.map(([, name]) => name)).toEqual(['NAME', 'ENV_NAME', 'ENV_FILE_LINE', 'BLANK']);
    for (const program of PROGRAMS) {
      // WHEN
      const source = readFileSync(path.join(REPO, 'lib', program), 'utf8');
      // THEN
      for (const [, name, pattern] of patterns) {
        expect(source).not.toContain(pattern);
        expect(source).not.toContain(`${name} = `);
      }
      expect(source).toContain(`\nNODE_LIBRARY = "${path.posix.dirname(ENV_FILE_MODULE)}"\n`);
      expect(source).toMatch(/^from env_file import [^\n]*\benv_file_lines\b[^\n]*\brender\b/m);
    }
  });

  itRunning('python3')('a rule changed in the env-file rules changes what both programs accept', () => {
    // GIVEN env-file rules whose variable names may hold "-"
    const rules = ENV_FILE_SOURCE.replace('ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")', 'ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")');
    expect(rules).not.toBe(ENV_FILE_SOURCE);
    const directory = path.join(work(), 'env');
    // WHEN each program runs beside them on a variable DB-HOST
    const applied = runApply(hostFile(directory, [{ ...CONTAINER, environment: { 'DB-HOST': 'db' } }]), work(), { envFileRules: rules });
    const written = runSwarmEnv({ app: { environment: { 'DB-HOST': 'db' } } }, rules);
    // THEN both write it
    expect(applied.status).toBe(0);
    expect(readFileSync(path.join(directory, 'app.env'), 'utf8')).toBe('DB-HOST=db\n');
    expect(written).toEqual({ status: 0, stderr: '', written: ['swarm/etc/env/app.env'] });
  });
});

describe('host program and synth check images alike', () => {
  /** Images at the edges of the Docker reference rule, each with whether it is one. */
  const IMAGES: [string, boolean][] = [
    ['memcached', true],
    ['localhost:5000/team/app_v2:1.0.0-rc.1', true],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:42', true],
    [`memcached@sha256:${'0123456789abcdef'.repeat(4)}`, true],
    [`registry.example.com/${'a'.repeat(230)}:1.6`, true],
    [`registry.example.com/${'a'.repeat(231)}:1.6`, false],
    ['--privileged', false],
    ['-v', false],
    ['Memcached:1.6', false],
    ['memcached:', false],
    ['memcached@sha256:abc', false],
    ['memcached latest', false],
    ['memcached:1.6\n', false],
  ];

  itRunning('python3')('the apply program refuses exactly the images synth refuses', () => {
    for (const [image, isReference] of IMAGES) {
      // GIVEN a container of that image
      const synth = () => validateContainers('Test', [{ name: 'app', image }]);
      // WHEN the apply program runs on it at boot
      const { status, stderr } = runApply(hostFile(path.join(work(), 'env'), [{ ...CONTAINER, image }]), work(), { args: ['--boot'] });
      // THEN both say the same
      if (isReference) {
        expect(synth).not.toThrow();
        expect({ image, status }).toEqual({ image, status: 0 });
      } else {
        expect(synth).toThrow('is not a Docker image reference');
        expect({ image, status, refused: stderr.includes('is not a Docker image reference') }).toEqual({ image, status: 3, refused: true });
      }
    }
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
 * levels down in a folder of its own, with the env-file rules `rules` beside
 * it; returns its exit status, its errors and every env-file written anywhere
 * in that outer folder, by path from it.
 */
function runSwarmEnv(services: Record<string, unknown>, rules = ENV_FILE_SOURCE): { status: number | null; stderr: string; written: string[] } {
  const outer = work();
  const source = path.join(outer, 'env.json');
  writeFileSync(source, JSON.stringify(services));
  const result = runHostProgram('python3', [hostProgramCopy('swarm/docker-swarm-env.py', work(), rules), source, path.join(outer, 'swarm', 'etc', 'env')], {
    encoding: 'utf8',
    env: { PATH: HOST_PATH },
  });
  const written = (readdirSync(outer, { recursive: true }) as string[]).filter((file) => file.endsWith('.env')).sort();
  return { status: result.status, stderr: result.stderr, written };
}

function work(): string {
  return mkdtempSync(path.join(tmpdir(), 'host-programs-'));
}
