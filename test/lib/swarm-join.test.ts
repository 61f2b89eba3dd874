import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { VpcDependency } from '../../lib/dependencies';
import { DockerSwarm } from '../../lib/swarm';
import { HOST_PATH, itRunning, runHostProgram } from '../helpers/host-tools';
import { renderIntrinsic } from './user-data';

/**
 * How a swarm node joins, and what it tells CloudFormation when it cannot:
 * the nodes' user data run with stubs for docker, the AWS CLI (Parameter
 * Store as files), ec2-metadata, dnf, systemctl, cfn-init, cfn-signal and sleep.
 */

const SAMPLES = { 'AWS::StackName': 'cache-prod', 'AWS::Region': 'eu-west-1', 'AWS::StackId': 'arn:aws:cloudformation:eu-west-1:123456789012:stack/cache-prod/1' };
const WORKER_TOKEN = 'SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-1awxwuwd3z9j1z3puu7rcgdbx';
const MANAGER_TOKEN = 'SWMTKN-1-3pu6hszjas19xyp7ghgosyx9k8atbfcr8p2is99znpy26u2lkl-7p73s1dx5in4tatdymyhg9hu2';

/** A Docker engine outside any swarm, in a swarm led by another manager. */
const DOCKER = [
  'case "$*" in',
  '  "info --format {{.Swarm.LocalNodeState}}") echo inactive ;;',
  '  "swarm join "*) echo "This node joined a swarm." ;;',
  '  "node ls --filter role=manager --format {{.ID}} {{.Status}}") echo "m1 Ready" ;;',
  '  "node ls --quiet --filter role=manager") echo m1 ;;',
  '  "node inspect self --format {{.ManagerStatus.Leader}}") echo false ;;',
  '  "node inspect"*) echo 10.0.1.10:2377 ;;',
  'esac',
].join('\n');

/** Parameter Store as files of $STORE; creating a parameter that exists fails as the AWS CLI does. */
const AWS = [
  'name= value= previous= overwrite=',
  'for arg in "$@"; do',
  '  case "$previous" in --name) name=$arg ;; --value) value=$arg ;; esac',
  '  [ "$arg" = --overwrite ] && overwrite=1',
  '  previous=$arg',
  'done',
  'file="$STORE/${name##*/}"',
  'case "$2" in',
  '  put-parameter)',
  '    if [ -e "$file" ] && [ -z "$overwrite" ]; then',
  '      echo "An error occurred (ParameterAlreadyExists) when calling the PutParameter operation: The parameter already exists." >&2; exit 254',
  '    fi',
  '    if [ "$value" = file:///dev/stdin ]; then cat > "$file"; else printf "%s" "$value" > "$file"; fi ;;',
  '  get-parameter)',
  '    if [ ! -e "$file" ]; then echo "An error occurred (ParameterNotFound) when calling the GetParameter operation: " >&2; exit 254; fi',
  '    cat "$file" && echo ;;',
  'esac',
].join('\n');

let template: Template;

beforeAll(() => {
  const stack = new Stack(new App(), 'Cluster');
  const network = new VpcDependency(stack, 'Vpc', { vpcName: 'main' });
  new DockerSwarm(stack, 'Swarm', {
    vpc: network.toVpc({ subnetCount: 3 }),
    managers: 3,
    services: [{ name: 'alpha', image: 'memcached:1.6-alpine', ports: [{ hostPort: 11211, allowFrom: ['10.0.1.0/24'] }] }],
  });
  template = Template.fromStack(stack);
});

describe('joining the swarm', () => {
  itRunning('bash')('has a manager after the first join as a manager, with the manager token', () => {
    // GIVEN the first manager created the init parameter and stored the tokens and its address
    const stored = { init: 'i-0aaaaaaaaaaaaaaaa', 'worker-token': WORKER_TOKEN, 'manager-token': MANAGER_TOKEN, 'manager-addresses': '10.0.1.10:2377' };
    // WHEN the second manager boots
    const { status, calls, signals } = boot(userData('SwarmManager2LaunchTemplate'), stored, { '/usr/local/sbin/docker-swarm-deploy': deployHelper('SwarmManager2') });
    // THEN
    expect(status).toBe(0);
    expect(calls.filter((call) => call[0] === 'docker' && call[1] === 'swarm')).toEqual([
      ['docker', 'swarm', 'join', '--advertise-addr', '10.0.2.20', '--listen-addr', '10.0.2.20:2377', '--token', MANAGER_TOKEN, '10.0.1.10:2377'],
    ]);
    expect(signals).toEqual([['--exit-code', '0']]);
  });

  itRunning('bash')('signals FAILURE with the exit status when a worker cannot join in 10 minutes', () => {
    // GIVEN no manager ever stored the tokens
    // WHEN a worker boots
    const { status, calls, signals, output } = boot(userData('SwarmWorkersLaunchTemplate'), {});
    // THEN it waited 10 minutes between its tries, then told CloudFormation
    expect(status).toBe(1);
    const waits = calls.filter((call) => call[0] === 'sleep').map((call) => Number(call[1]));
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBe(600);
    expect(calls.filter((call) => call[0] === 'docker' && call[1] === 'swarm')).toEqual([]);
    expect(output).toContain('could not join the swarm in 10 minutes');
    expect(signals).toEqual([['--exit-code', '1']]);
  });

  itRunning('bash')('leaves the deploy to the leader: the deploy helper on another manager deploys nothing and succeeds', () => {
    // GIVEN the deploy helper cfn-init writes on a manager from its metadata
    const deploy = deployHelper('SwarmManager2');
    // WHEN it runs on a manager that does not lead
    const { status, calls, output } = boot(deploy, {});
    // THEN
    expect(status).toBe(0);
    expect(calls).toEqual([['docker', 'node', 'inspect', 'self', '--format', '{{.ManagerStatus.Leader}}']]);
    expect(output).toContain('this manager does not lead the swarm; the leader deploys');
  });
});

/** The user data of the launch template whose logical id starts with `prefix`, with sample deploy-time values. */
function userData(prefix: string): string {
  const [launchTemplate] = Object.entries(template.findResources('AWS::EC2::LaunchTemplate')).filter(([id]) => id.startsWith(prefix) && !id.includes('Profile'));
  return Buffer.from(renderIntrinsic(launchTemplate[1].Properties.LaunchTemplateData.UserData, SAMPLES), 'base64').toString('utf8');
}

/** The deploy helper of the metadata of the manager group whose logical id starts with `prefix`, with sample deploy-time values. */
function deployHelper(prefix: string): string {
  const [group] = Object.entries(template.findResources('AWS::AutoScaling::AutoScalingGroup')).filter(([id]) => id.startsWith(prefix));
  return renderIntrinsic(group[1].Metadata['AWS::CloudFormation::Init'].config.files['/usr/local/sbin/docker-swarm-deploy'].content, SAMPLES);
}

/**
 * Runs a script of a node at 10.0.2.20 with its system folders moved into a
 * folder of the test and the stubs above; returns its exit status, what it
 * printed, every call, and the arguments of each cfn-signal before `--stack`.
 * `written` holds the files cfn-init would have written, by path.
 */
function boot(script: string, stored: Record<string, string>, written: Record<string, string> = {}) {
  const work = mkdtempSync(path.join(tmpdir(), 'swarm-join-'));
  const [bin, root, store] = ['bin', 'root', 'store'].map((name) => path.join(work, name));
  for (const folder of [bin, store, `${root}/etc`, `${root}/usr/local/sbin`, `${root}/var/lib`]) mkdirSync(folder, { recursive: true });
  for (const [name, value] of Object.entries(stored)) writeFileSync(path.join(store, name), value);
  // What cfn-init writes from the metadata, in the moved system folders.
  for (const [file, content] of Object.entries(written)) writeFileSync(path.join(root, file), content, { mode: 0o700 });
  const bodies: Record<string, string> = {
    docker: DOCKER,
    aws: AWS,
    'ec2-metadata': 'case "$1" in --local-ipv4) echo "local-ipv4: 10.0.2.20" ;; --instance-id) echo "instance-id: i-0bbbbbbbbbbbbbbbb" ;; esac',
  };
  for (const name of ['docker', 'aws', 'ec2-metadata', 'dnf', 'systemctl', 'cfn-init', 'cfn-signal', 'sleep']) {
    writeFileSync(path.join(bin, name), `#!/bin/sh\n{ printf '%s\\037' "\${0##*/}" "$@"; printf '\\036'; } >> "$LOG"\n${bodies[name] ?? ''}\n`, { mode: 0o755 });
  }
  const moved = script.replace(/(^|[\s'"=>])\/(etc|usr\/local\/sbin|var\/lib)\//gm, `$1${root}/$2/`);
  if (/(^|[\s'"=>])\/(etc|usr|var)\//m.test(moved)) throw new Error('the script writes to a system folder this test does not move');
  writeFileSync(path.join(work, 'script.sh'), moved);
  const log = path.join(work, 'calls.log');
  writeFileSync(log, '');
  const result = runHostProgram('bash', [path.join(work, 'script.sh')], { encoding: 'utf8', env: { PATH: `${bin}:${HOST_PATH}`, LOG: log, STORE: store } });
  const calls = readFileSync(log, 'utf8').split('\x1e').filter(Boolean).map((call) => call.split('\x1f').slice(0, -1));
  const signals = calls.filter((call) => call[0] === 'cfn-signal').map((call) => call.slice(1, call.indexOf('--stack')));
  return { status: result.status, output: result.stdout + result.stderr, calls, signals };
}
