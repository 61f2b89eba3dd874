import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { APPLY_PROGRAM } from '../../lib/host/docker-host-script';
import { ENV_FILE_SOURCE } from '../../lib/host-programs';
import { resolveIntrinsics, type Leaves } from '../../testkit/cloudformation/intrinsics';
import { installStubs, readStubCalls } from '../../testkit/stub';
import { HOST_PATH, runHostProgram } from '../helpers/host-tools';

const REPO = path.join(__dirname, '..', '..');

/** Deploy-time values to put in place of `Ref` and `Fn::GetAtt`: keyed by `AWS::Region`-style names or by attribute. */
export type SampleValues = Readonly<Record<string, string>>;

/**
 * The user data of an `AWS::EC2::Instance` in a synthesized template, with
 * every `Ref` and `Fn::GetAtt` replaced by a sample value and every
 * `Fn::Base64` encoded, as CloudFormation would at deploy time. An intrinsic without a sample value fails the test.
 */
export function renderUserData(template: Record<string, any>, values: SampleValues): string {
  return renderIntrinsic(onlyInstance(template).Properties.UserData['Fn::Base64'], values);
}

/** The host file cfn-init writes from the instance's metadata, with sample deploy-time values. */
export function renderHostFile(template: Record<string, any>, values: SampleValues): Record<string, any> {
  const handles = Object.entries<any>(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::CloudFormation::WaitConditionHandle')
    .map(([id]) => [id, `https://cloudformation-waitcondition-eu-west-1.s3.eu-west-1.amazonaws.com/${id}`]);
  return resolveAll(onlyInstance(template).Metadata['AWS::CloudFormation::Init'].config.files['/etc/docker-host/host.json'].content, {
    ...Object.fromEntries(handles),
    ...values,
  });
}

/** A JSON value with its intrinsics replaced by sample values, as CloudFormation would. */
export function resolveAll(value: unknown, values: SampleValues): any {
  return resolveIntrinsics(value, sampleLeaves(values), 'template');
}

function onlyInstance(template: Record<string, any>): Record<string, any> {
  const instances = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::EC2::Instance');
  if (instances.length !== 1) throw new Error(`expected one instance in the template, found ${instances.length}`);
  return instances[0];
}

/** A template value with its intrinsics replaced by sample values, as CloudFormation would at deploy time. */
export function renderIntrinsic(value: unknown, values: SampleValues): string {
  const rendered = resolveAll(value, values);
  if (typeof rendered !== 'string' && typeof rendered !== 'number') throw new Error(`${JSON.stringify(value)} renders to ${JSON.stringify(rendered)}, not a string`);
  return String(rendered);
}

/** `Ref` by name and `Fn::GetAtt` by attribute from the sample values; an intrinsic without one fails the test. */
function sampleLeaves(values: SampleValues): Leaves {
  const sample = (name: string, intrinsic: unknown): string => {
    if (!Object.hasOwn(values, name)) throw new Error(`no sample value for ${JSON.stringify(intrinsic)}`);
    return values[name];
  };
  return {
    ref: (name) => sample(name, { Ref: name }),
    getAtt: (logicalId, attribute) => sample(attribute, { 'Fn::GetAtt': [logicalId, attribute] }),
  };
}

/** One command the script ran: the program's name and its arguments. */
export type Call = readonly string[];

/**
 * Runs a user data script with `dnf`, `systemctl`, `docker`, `cfn-signal`,
 * `cfn-init` and the apply program replaced by the test kit's recording
 * stubs. `failing` names a stub that exits 1 (after recording); `apply` is a
 * bash script to run as the apply program instead of its stub.
 */
export function runWithStubs(script: string, options: { failing?: string; apply?: string } = {}): { status: number | null; calls: Call[]; stderr: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'docker-host-stubs-'));
  const log = path.join(dir, 'calls.log');
  installStubs(REPO, dir, ['dnf', 'systemctl', 'docker', 'cfn-signal', 'cfn-init', 'docker-host-apply']);
  if (options.apply !== undefined) writeFileSync(path.join(dir, 'docker-host-apply'), `#!/bin/bash\n${options.apply}\n`);
  const scriptFile = path.join(dir, 'user-data.sh');
  writeFileSync(scriptFile, script.replaceAll(APPLY_PROGRAM, path.join(dir, 'docker-host-apply')));
  const result = runHostProgram('bash', [scriptFile], {
    encoding: 'utf8',
    env: { PATH: `${dir}:${HOST_PATH}`, STUB_LOG: log, STUB_FAILING: options.failing ?? '' },
  });
  const calls = readStubCalls(log).map((call) => [call.command, ...call.args]);
  return { status: result.status, calls, stderr: result.stderr };
}

/** What the fake docker's container does after `docker run` starts it: see test/lib/fake-docker.py. */
export interface FakeContainer {
  /** Its states, each from `at` seconds after it started. */
  readonly states?: readonly {
    readonly at: number;
    readonly status?: 'running' | 'restarting' | 'exited';
    readonly exitCode?: number;
    readonly health?: 'starting' | 'healthy' | 'unhealthy';
  }[];
  /** What `docker logs` prints. */
  readonly logs?: readonly string[];
  /** How `docker exec` in it ends; it succeeds otherwise. */
  readonly exec?: { readonly exitCode: number; readonly stderr: string };
}

/** What one run of the apply program did. */
export interface ApplyRun {
  readonly status: number | null;
  readonly stderr: string;
  /** docker, cfn-signal, cfn-init and aws calls, in order. */
  readonly calls: string[][];
  /** The second run's exit status and errors, when one ran alongside. */
  readonly alongside?: { readonly status: number; readonly stderr: string };
}

/**
 * Runs the apply program on a host file with `docker` replaced by a fake
 * that keeps its containers in `stateDir` (so runs build on each other) and
 * `cfn-signal`, `cfn-init` and `aws` by recorders; `aws` answers each secret
 * ARN with `secrets[arn]`. cfn-init writes `initWrites`, when given, as
 * the new host file; with `failingInit`, it fails and `cfn-get-metadata`
 * answers with that metadata. `registry` is what the fake docker's registry
 * answers each image reference with now: the id its tag names, or a pull error. The containers do what `scenario` says of them;
 * those named in `crash` exit right after they start; a `docker run` with the
 * log driver `failingLogDriver` fails as Docker's does when the driver cannot
 * start. `envFileRules`, when given, is the text of the env-file rules beside
 * the program instead of lib/nodes/env_file.py. With `killAfterMs`, the
 * program is killed (SIGKILL) that long after it started, as a run cut off
 * by a reboot. With `alongside`, a second run of the program on the same
 * host starts `afterMs` after the first, and both are waited for. Every run
 * locks the file `apply.lock` in `stateDir`.
 */
export function runApply(
  hostFile: Record<string, unknown>,
  stateDir: string,
  options: {
    args?: string[];
    secrets?: Record<string, string>;
    scenario?: Record<string, FakeContainer>;
    crash?: string[];
    failingLogDriver?: string;
    initWrites?: Record<string, unknown>;
    failingInit?: { metadata: unknown };
    envFileRules?: string;
    registry?: Record<string, string | { error: string }>;
    killAfterMs?: number;
    alongside?: { afterMs: number };
  } = {},
): ApplyRun {
  const bin = path.join(stateDir, 'bin');
  mkdirSync(bin, { recursive: true });
  const calls = path.join(stateDir, 'calls.jsonl');
  writeFileSync(calls, '');
  copyFileSync(path.join(__dirname, 'fake-docker.py'), path.join(bin, 'docker'));
  chmodSync(path.join(bin, 'docker'), 0o755);
  const hostPath = path.join(stateDir, 'host.json');
  const answers: Record<string, string> = options.failingInit
    ? { 'cfn-init': 'sys.stderr.write("Error: no space left on device\\n"); sys.exit(1)', 'cfn-get-metadata': `print(${JSON.stringify(JSON.stringify(options.failingInit.metadata))})` }
    : options.initWrites
      ? { 'cfn-init': `open(${JSON.stringify(hostPath)}, "w").write(${JSON.stringify(JSON.stringify(options.initWrites))})` }
      : {};
  for (const program of ['cfn-signal', 'cfn-init', 'cfn-get-metadata']) {
    writeFileSync(
      path.join(bin, program),
      `#!/usr/bin/env python3\nimport json, os, sys\nopen(os.environ["FAKE_DOCKER_CALLS"], "a").write(json.dumps(["${program}"] + sys.argv[1:]) + "\\n")\n${answers[program] ?? ''}\n`,
    );
    chmodSync(path.join(bin, program), 0o755);
  }
  writeFileSync(path.join(stateDir, 'secrets.json'), JSON.stringify(options.secrets ?? {}));
  writeFileSync(
    path.join(bin, 'aws'),
    [
      '#!/usr/bin/env python3',
      'import json, os, sys',
      'open(os.environ["FAKE_DOCKER_CALLS"], "a").write(json.dumps(["aws"] + sys.argv[1:]) + "\\n")',
      `secrets = json.load(open(${JSON.stringify(path.join(stateDir, 'secrets.json'))}))`,
      'sys.stdout.write(secrets[sys.argv[sys.argv.index("--secret-id") + 1]])',
      '',
    ].join('\n'),
  );
  chmodSync(path.join(bin, 'aws'), 0o755);
  writeFileSync(hostPath, JSON.stringify(hostFile));
  writeFileSync(path.join(stateDir, 'scenario.json'), JSON.stringify(options.scenario ?? {}));
  writeFileSync(path.join(stateDir, 'registry.json'), JSON.stringify(options.registry ?? {}));
  const program = [hostProgramCopy('host/docker-host-apply.py', path.join(stateDir, 'program'), options.envFileRules), ...(options.args ?? [])];
  const launch = options.alongside ? ['-c', TWO_RUNS, String(options.alongside.afterMs / 1000), ...program] : program;
  const result = runHostProgram('python3', launch, {
    encoding: 'utf8',
    timeout: options.killAfterMs,
    killSignal: 'SIGKILL',
    env: {
      PATH: `${bin}:${HOST_PATH}`,
      DOCKER_HOST_FILE: hostPath,
      ...fakeDockerEnvironment(stateDir),
      FAKE_DOCKER_CRASH: (options.crash ?? []).join(','),
      FAKE_DOCKER_FAILING_LOG_DRIVER: options.failingLogDriver ?? '',
      DOCKER_HOST_APPLY_LOCK: path.join(stateDir, 'apply.lock'),
    },
  });
  const recorded = readFileSync(calls, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as string[]);
  if (options.alongside) {
    const [first, second] = JSON.parse(result.stdout) as { status: number; stderr: string }[];
    return { ...first, calls: recorded, alongside: second };
  }
  return { status: result.status, stderr: result.stderr, calls: recorded };
}

/** Starts the program of its arguments, then another run of it the delay in seconds later; prints both exit statuses and errors as JSON. */
const TWO_RUNS = [
  'import json, subprocess, sys, time',
  'runs = [subprocess.Popen([sys.executable] + sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)]',
  'time.sleep(float(sys.argv[1]))',
  'runs.append(subprocess.Popen([sys.executable] + sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))',
  'ends = [run.communicate()[1] for run in runs]',
  'print(json.dumps([{"status": run.returncode, "stderr": end.decode()} for run, end in zip(runs, ends)]))',
].join('\n');

/**
 * Copies the host program `program` of lib/ (such as `host/docker-host-apply.py`)
 * into `folder` with the nodes' env-file rules (`rules`, lib/nodes/env_file.py
 * unless given) beside it, where the program looks for them first, as on a
 * node it finds them where cfn-init writes them; returns the copy's path.
 */
export function hostProgramCopy(program: string, folder: string, rules = ENV_FILE_SOURCE): string {
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'env_file.py'), rules);
  const copy = path.join(folder, path.basename(program));
  copyFileSync(path.join(REPO, 'lib', program), copy);
  return copy;
}

/**
 * Runs the fake docker of `runApply`'s runs in `stateDir` with `args`, as
 * a user of the host would run docker; returns its exit status and output.
 */
export function fakeDocker(stateDir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = runHostProgram('python3', [path.join(__dirname, 'fake-docker.py'), ...args], {
    encoding: 'utf8',
    env: { PATH: HOST_PATH, ...fakeDockerEnvironment(stateDir) },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function fakeDockerEnvironment(stateDir: string): Record<string, string> {
  return {
    FAKE_DOCKER_STATE: path.join(stateDir, 'docker.json'),
    FAKE_DOCKER_CALLS: path.join(stateDir, 'calls.jsonl'),
    FAKE_DOCKER_SCENARIO: path.join(stateDir, 'scenario.json'),
    FAKE_DOCKER_REGISTRY: path.join(stateDir, 'registry.json'),
  };
}
