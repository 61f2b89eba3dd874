#!/usr/bin/env node
/**
 * Mutation check of what runs on the hosts and the swarm nodes, which
 * Stryker cannot mutate: the Python programs, the swarm's shell helpers and
 * the user data the TypeScript renders. Each change of CHANGES below is one
 * edit of one file (its exact original text, which must be found exactly
 * once, and its replacement) that breaks a behaviour a user relies on. For
 * each, the script writes the change into a scratch copy of the repository,
 * runs the jest tests that run those programs there, and counts the change
 * killed when a test fails, survived when they all pass. It prints one line
 * per change and the score. It exits 1 when a change survived, and 2,
 * before running anything, when a change's original text is not in its file
 * exactly once or a test file it names is missing (so the list cannot rot
 * silently when the code changes).
 *
 * Usage: node scripts/mutate-programs.mjs [--full] [ID...]
 *   ID      run only these changes (e.g. apply-restart-tolerated)
 *   --full  run each change against its whole test files, not only the tests it names
 *
 * The handlers' bundles in dist/lambdas are needed by the synths: run `npm run build` first.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const APPLY = 'lib/host/docker-host-apply.py';
const ENV_FILE = 'lib/nodes/env_file.py';
const SWARM_ENV = 'lib/swarm/docker-swarm-env.py';
const NODE_SCRIPT = 'lib/swarm/node-script.ts';
const HOST_SCRIPT = 'lib/host/docker-host-script.ts';

const APPLY_TESTS = 'test/lib/docker-host-apply.test.ts';
const HOST_TESTS = 'test/lib/docker-host.test.ts';
const SWARM_TESTS = 'test/lib/docker-swarm.test.ts';
const SWARM_DEPLOY_TESTS = 'test/lib/docker-swarm-deploy.test.ts';
const JOIN_TESTS = 'test/lib/swarm-join.test.ts';
const NAME_TESTS = 'test/lib/host-programs.test.ts';
const ROUTER_TESTS = 'test/lib/router-target-group.test.ts';

/**
 * The changes: `id`, the `file` under the repository, its `original` text and
 * `replacement`, the behaviour it `breaks`, in words, the test files that must
 * catch it (`tests`) and, to keep a run short, a pattern of the names of the
 * tests there that do (`only`; `--full` runs the whole files).
 */
export const CHANGES = [
  // The apply program's health gate.
  {
    id: 'apply-restart-tolerated',
    file: APPLY,
    original: 'state["restarts"] > restarts_before:',
    replacement: 'state["restarts"] > restarts_before + 1:',
    breaks: 'one restart inside the grace period is tolerated',
    tests: [APPLY_TESTS],
    only: 'restarted once in the grace period',
  },
  {
    id: 'apply-unhealthy-missed',
    file: APPLY,
    original: 'if health == "unhealthy":',
    replacement: 'if health == "failing":',
    breaks: 'a container whose health check says unhealthy is never detected',
    tests: [APPLY_TESTS],
    only: 'one that is unhealthy',
  },
  {
    id: 'apply-grace-ignored',
    file: APPLY,
    original: 'if now() - start >= grace and not starting:',
    replacement: 'if not starting:',
    breaks: 'the grace period is ignored: SUCCESS at the first look',
    tests: [APPLY_TESTS],
    only: 'waits out the grace period',
  },
  {
    id: 'apply-starting-is-healthy',
    file: APPLY,
    original: '                starting.append(name)',
    replacement: '                pass',
    breaks: 'a health check still starting is counted as healthy',
    tests: [APPLY_TESTS],
    only: 'does not take starting for healthy',
  },
  // The apply program's changes.
  {
    id: 'apply-update-reads-old-host-file',
    file: APPLY,
    original: '                return status\n            host = read_host(path)\n',
    replacement: '                return status\n',
    breaks: 'an update applies the host file from before cfn-init rewrote it',
    tests: [APPLY_TESTS],
    only: 'applies, on an update, the host file cfn-init wrote',
  },
  {
    id: 'apply-reload-not-run',
    file: APPLY,
    original: '                run(["docker", "exec", container["name"]] + list(container["reload"]))',
    replacement: '                pass',
    breaks: 'a changed router config is never reloaded: the reload command does not run',
    tests: [APPLY_TESTS],
    only: 'reloads a container with a reload command',
  },
  {
    id: 'apply-files-ignored-without-reload',
    file: APPLY,
    original: '        if reloads:\n            definition["files"] = None\n',
    replacement: '        definition["files"] = None\n',
    breaks: 'file changes do not recreate a container that has no reload command',
    tests: [APPLY_TESTS],
    only: 'reloads a container with a reload command',
  },
  {
    id: 'apply-stopped-not-restarted',
    file: APPLY,
    original: 'if unchanged and (refresh or current["State"]["Running"]):',
    replacement: 'if unchanged:',
    breaks: 'a stopped container whose definition did not change is not started again',
    tests: [APPLY_TESTS],
    only: 'starts a stopped container again',
  },
  {
    id: 'apply-unlisted-kept',
    file: APPLY,
    original: '        if name not in listed:\n            run(["docker", "rm", "--force", name])',
    replacement: '        if name not in listed:\n            pass',
    breaks: 'a container removed from the stack keeps running',
    tests: [HOST_TESTS],
    only: 'removes those no longer listed',
  },
  {
    id: 'apply-changed-kept',
    file: APPLY,
    original: 'digest.update(data)',
    replacement: 'pass',
    breaks: 'a container whose secret changed is not recreated, so it keeps the old value',
    tests: [APPLY_TESTS],
    only: 'recreates a container whose secret changed',
  },
  // The apply program's reports.
  {
    id: 'apply-reason-uncut',
    file: APPLY,
    original: 'reason = reason[:REASON_LIMIT]',
    replacement: 'reason = reason',
    breaks: 'the reason is not cut to CloudFormation\'s limit of 900 characters, so the signal is refused',
    tests: [APPLY_TESTS],
    only: 'cuts the reason',
  },
  {
    id: 'apply-failure-signalled-as-success',
    file: APPLY,
    original: 'return REPORTED_FAILURE if signal(host, False, reason, boot) else 1',
    replacement: 'return REPORTED_FAILURE if signal(host, True, reason, boot) else 1',
    breaks: 'a container that does not run is reported to CloudFormation as SUCCESS',
    tests: [APPLY_TESTS],
    only: 'one that exited',
  },
  {
    id: 'apply-boot-signal-dropped',
    file: APPLY,
    original: '    if boot:\n        calls.append',
    replacement: '    if False:\n        calls.append',
    breaks: 'at boot the instance\'s creation policy is never signalled, so the stack waits out its timeout',
    tests: [HOST_TESTS],
    only: 'with every value of its env-files and secret hidden',
  },
  {
    id: 'apply-init-failure-unreported',
    file: APPLY,
    original: 'return REPORTED_FAILURE if pending and signal(pending, False, reason, False) else 1',
    replacement: 'return 1',
    breaks: 'an update cfn-init cannot apply is not reported, so the stack waits out its timeout instead of rolling back',
    tests: [HOST_TESTS],
    only: 'when cfn-init cannot apply an update',
  },
  {
    id: 'apply-secret-shown',
    file: APPLY,
    original: '        text = text.replace(value, "***")',
    replacement: '        text = text',
    breaks: 'values of env-files and secrets reach the reason and the logs',
    tests: [HOST_TESTS],
    only: 'with every value of its env-files and secret hidden',
  },
  {
    id: 'apply-image-final-line-break',
    file: APPLY,
    original: 'not IMAGE_REFERENCE.fullmatch(image)',
    replacement: 'not IMAGE_REFERENCE.match(image)',
    breaks: 'an image ending in a line break passes the check and reaches docker run',
    tests: [NAME_TESTS],
    only: 'refuses exactly the images synth refuses',
  },
  // The env-file rules both host programs import.
  {
    id: 'env-file-line-break-accepted',
    file: ENV_FILE,
    original: 'for character in "\\n\\r\\0"):',
    replacement: 'for character in "\\0"):',
    breaks: 'a value with a line break is written, adding variables to the env-file',
    tests: [HOST_TESTS, SWARM_TESTS],
    only: 'line break',
  },
  {
    id: 'env-file-bad-line-accepted',
    file: ENV_FILE,
    original: 'if not BLANK.fullmatch(line) and not ENV_FILE_LINE.match(line):',
    replacement: 'if False:',
    breaks: 'an environmentFile line that is not KEY=value is written',
    tests: [NAME_TESTS],
    only: 'refuses each, naming it',
  },
  {
    id: 'env-file-name-final-line-break',
    file: ENV_FILE,
    original: 'if not ENV_NAME.fullmatch(key):',
    replacement: 'if not ENV_NAME.match(key):',
    breaks: 'a variable name ending in a line break is written',
    tests: [NAME_TESTS],
    only: 'refuses each, naming it',
  },
  {
    id: 'env-file-value-shown',
    file: ENV_FILE,
    original: '"%s: %s variable %s is %s, not text; deploy the stack again so %s holds what the stack writes" % (at, prop, key, kind(value), source)',
    replacement: '"%s: %s variable %s is %s, not text; deploy the stack again so %s holds what the stack writes" % (at, prop, key, value, source)',
    breaks: 'a refusal of a value that is not text shows the value',
    tests: [NAME_TESTS],
    only: 'refuses a value that is not text',
  },
  // The swarm managers' env-file writer.
  {
    id: 'swarm-env-refusal-ignored',
    file: SWARM_ENV,
    original: '        sys.stderr.write("docker-swarm-env: %s\\n" % error)\n        return 1',
    replacement: '        sys.stderr.write("docker-swarm-env: %s\\n" % error)\n        return 0',
    breaks: 'a refused value does not stop the deploy that runs after the writer',
    tests: [SWARM_TESTS],
    only: 'refuses one with a line break naming the service',
  },
  // The swarm's helpers.
  {
    id: 'drain-ignores-short-services',
    file: 'lib/swarm/docker-swarm-drain.sh',
    original: 'if [ "$(busy)" = 0 ] && [ "$(short)" = 0 ]; then',
    replacement: 'if [ "$(busy)" = 0 ]; then',
    breaks: 'the instance ends before every service runs its tasks on the other workers',
    tests: [SWARM_TESTS],
    only: 'ends the leaving worker\'s instance only after',
  },
  {
    id: 'drain-abandons',
    file: 'lib/swarm/docker-swarm-drain.sh',
    original: '--lifecycle-action-result CONTINUE',
    replacement: '--lifecycle-action-result ABANDON',
    breaks: 'the lifecycle action is abandoned instead of continued',
    tests: [SWARM_TESTS],
    only: 'ends the leaving worker\'s instance only after',
  },
  {
    id: 'drain-wait-halved',
    file: NODE_SCRIPT,
    original: 'Math.ceil(drainSeconds / 5)',
    replacement: 'Math.ceil(drainSeconds / 10)',
    breaks: 'the drain gives up after half the lifecycle hook\'s timeout',
    tests: [SWARM_TESTS],
    only: 'gives up waiting when the lifecycle hook times out',
  },
  {
    id: 'reload-every-run',
    file: 'lib/swarm/docker-swarm-reload.sh',
    original: 'if [ "$(cat "$applied/$service" 2>/dev/null)" = "$sum" ]; then',
    replacement: 'if false; then',
    breaks: 'the services\' tasks are reloaded on every stack update, though their files did not change',
    tests: [SWARM_TESTS],
    only: 'reloads the service\'s tasks on the node once per change',
  },
  {
    id: 'reload-failure-recorded',
    file: 'lib/swarm/docker-swarm-reload.sh',
    original: '      echo "$service: task container $container did not reload" >&2\n      return 1',
    replacement: '      echo "$service: task container $container did not reload" >&2',
    breaks: 'a task that did not reload is recorded as reloaded, so it never gets the new files',
    tests: [SWARM_TESTS],
    only: 'reloads the service\'s tasks on the node once per change',
  },
  {
    id: 'deploy-without-prune',
    file: 'lib/swarm/docker-swarm-deploy.sh',
    original: '@GATE_PROGRAM@ @DEPLOY_FILE@ @STACK_NAMESPACE@ docker stack deploy --prune ',
    replacement: '@GATE_PROGRAM@ @DEPLOY_FILE@ @STACK_NAMESPACE@ docker stack deploy ',
    breaks: 'a service removed from the stack keeps running',
    tests: [SWARM_DEPLOY_TESTS],
    only: 'signals SUCCESS once the updated service completed its update',
  },
  {
    id: 'deploy-on-every-manager',
    file: 'lib/swarm/docker-swarm-deploy.sh',
    original: '--format "{{.ManagerStatus.Leader}}")" != true ]; then',
    replacement: '--format "{{.ManagerStatus.Leader}}")" = nobody ]; then',
    breaks: 'every manager deploys, not only the leader, so the deploys race',
    tests: [JOIN_TESTS],
  },
  {
    id: 'deploy-unmade-secret-unreported',
    file: 'lib/swarm/docker-swarm-deploy.sh',
    original: '  rm -f "$secret_errors" "$create_errors"\n  exec @GATE_PROGRAM@ @DEPLOY_FILE@ @STACK_NAMESPACE@ --fail "$unmade"\n',
    replacement: '',
    breaks: 'a deploy whose swarm secret cannot be read or created goes on without it instead of signalling FAILURE',
    tests: [SWARM_DEPLOY_TESTS],
    only: 'when the parameter does not exist',
  },
  // The swarm nodes' user data.
  {
    id: 'join-without-back-off',
    file: NODE_SCRIPT,
    original: "delay=$((delay * 2 < 30 ? delay * 2 : 30))",
    replacement: 'delay=$((delay))',
    breaks: 'nodes waiting for the swarm retry every 2 s and ask Parameter Store in step, instead of backing off to 30 s',
    tests: [SWARM_TESTS],
    only: 'waits for the swarm with waits that double',
  },
  {
    id: 'manager-joins-as-worker',
    file: NODE_SCRIPT,
    original: "'    join_swarm manager',",
    replacement: "'    join_swarm worker',",
    breaks: 'a manager after the first joins the swarm as a worker, so the swarm has no quorum',
    tests: [JOIN_TESTS],
  },
  {
    id: 'node-failure-unsignalled',
    file: NODE_SCRIPT,
    original: "    'trap signal_cloudformation EXIT',",
    replacement: "    '',",
    breaks: 'a node that cannot join does not signal, so the stack waits out its timeout',
    tests: [JOIN_TESTS],
  },
  {
    id: 'swarm-init-prints-token',
    file: NODE_SCRIPT,
    original: 'docker swarm init --advertise-addr "$address" --listen-addr "$address:2377" > /dev/null',
    replacement: 'docker swarm init --advertise-addr "$address" --listen-addr "$address:2377"',
    breaks: 'the worker join token reaches the boot log',
    tests: [SWARM_TESTS],
    only: 'store the join tokens as SecureString',
  },
  {
    id: 'timed-out-join-kept',
    file: NODE_SCRIPT,
    original: "'        docker swarm leave --force > /dev/null 2>&1 || true',",
    replacement: "'        true',",
    breaks: 'a join that timed out is not stopped before the next manager is tried',
    tests: [SWARM_TESTS],
    only: 'joins through the next stored manager',
  },
  {
    id: 'dead-manager-kept',
    file: NODE_SCRIPT,
    original: '\'      elif docker node demote "$id" && remove_node "$id"; then\',',
    replacement: '\'      elif remove_node "$id"; then\',',
    breaks: 'a replaced manager that is down stays in the quorum',
    tests: [SWARM_TESTS],
    only: 'replaces a dead one',
  },
  {
    id: 'env-files-not-written-before-deploy',
    file: NODE_SCRIPT,
    original: '...(options.envFiles ? [ENV_COMMAND] : []),',
    replacement: '',
    breaks: 'a manager deploys without writing the services\' env-files at boot',
    tests: [SWARM_TESTS],
    only: 'write the env-files before it deploys',
  },
  // The Docker host's user data.
  {
    id: 'host-failure-unsignalled',
    file: HOST_SCRIPT,
    original: "    'trap signal_cloudformation EXIT',",
    replacement: "    '',",
    breaks: 'a host that cannot install its packages does not signal, so the stack waits out its timeout',
    tests: [HOST_TESTS],
    only: 'signals failure with a reason when the packages cannot be installed',
  },
  {
    id: 'host-reported-failure-signalled-twice',
    file: HOST_SCRIPT,
    original: 'then trap - EXIT; fi',
    replacement: 'then :; fi',
    breaks: 'a FAILURE the apply program reported is followed by a second signal without its reason',
    tests: [HOST_TESTS],
    only: 'adds no signal when the apply program reported',
  },
  {
    id: 'host-apply-not-at-boot',
    file: HOST_SCRIPT,
    original: '`${APPLY_PROGRAM} --boot || status=$?`',
    replacement: '`${APPLY_PROGRAM} || status=$?`',
    breaks: 'the apply program at boot does not signal the instance\'s creation policy',
    tests: [HOST_TESTS],
    only: 'hands over to the apply program',
  },
  // What the constructs synthesize.
  {
    id: 'apply-id-ignores-program',
    file: 'lib/host/docker-host.ts',
    original: '      .update(APPLY_SOURCE)\n',
    replacement: '',
    breaks: 'a new apply program does not make a new wait condition, so an update does not wait for the host',
    tests: [HOST_TESTS],
    only: 'wait condition named after both',
  },
  {
    id: 'compose-restart-policy-dropped',
    file: 'lib/swarm/compose.ts',
    original: "        restart_policy: { condition: service.restart === RestartPolicy.ON_FAILURE ? 'on-failure' : 'any' },\n",
    replacement: '',
    breaks: 'the services\' restart policy is dropped from the compose file',
    tests: [SWARM_TESTS],
    only: 'renders one compose file',
  },
  {
    id: 'router-deregistration-delay',
    file: 'lib/router/app-router.ts',
    original: 'deregistrationDelay: Duration.seconds(30),',
    replacement: 'deregistrationDelay: Duration.seconds(300),',
    breaks: 'a router that leaves keeps its connections 300 s, CloudFormation\'s default, so a replacement waits 5 minutes',
    tests: [ROUTER_TESTS],
  },
  {
    id: 'router-cross-zone-off',
    file: 'lib/router/app-router.ts',
    original: 'crossZoneEnabled: true,',
    replacement: 'crossZoneEnabled: false,',
    breaks: 'the load balancer sends a zone\'s clients only to routers in that zone',
    tests: [ROUTER_TESTS],
  },
  {
    id: 'router-health-threshold',
    file: 'lib/router/app-router.ts',
    original: 'healthyThresholdCount: 2, unhealthyThresholdCount: 2',
    replacement: 'healthyThresholdCount: 2, unhealthyThresholdCount: 3',
    breaks: 'a router that stops answering gets requests 10 s longer',
    tests: [ROUTER_TESTS],
  },
];

/** The files the scratch copy leaves out; node_modules is linked, not copied. */
const LEFT_OUT = new Set(['.git', 'node_modules', '.e2e', 'cdk.out', 'coverage', 'reports', '.stryker-tmp']);

function main(argv) {
  const full = argv.includes('--full');
  const ids = argv.filter((arg) => !arg.startsWith('--'));
  const unknown = ids.filter((id) => !CHANGES.some((change) => change.id === id));
  if (unknown.length > 0) {
    console.error(`no change ${unknown.join(', ')}; the changes are ${CHANGES.map((change) => change.id).join(', ')}`);
    return 2;
  }
  const selected = ids.length > 0 ? CHANGES.filter((change) => ids.includes(change.id)) : CHANGES;
  const stale = selected.filter((change) => occurrences(readFileSync(path.join(root, change.file), 'utf8'), change.original) !== 1);
  if (stale.length > 0) {
    for (const change of stale) {
      const count = occurrences(readFileSync(path.join(root, change.file), 'utf8'), change.original);
      console.error(`${change.id}: ${change.file} holds its original text ${count} times, not once: update the change in scripts/mutate-programs.mjs`);
    }
    return 2;
  }
  const missing = [...new Set(selected.flatMap((change) => change.tests))].filter((test) => !existsSync(path.join(root, test)));
  if (missing.length > 0) {
    console.error(`no test file ${missing.join(', ')}: a change names it in scripts/mutate-programs.mjs`);
    return 2;
  }
  if (!existsSync(path.join(root, 'dist', 'lambdas'))) {
    console.error('dist/lambdas is missing: run npm run build first');
    return 2;
  }
  const scratch = mkdtempSync(path.join(tmpdir(), 'mutate-programs-'));
  try {
    cpSync(root, scratch, { recursive: true, filter: (source) => !LEFT_OUT.has(path.relative(root, source).split(path.sep)[0]) });
    symlinkSync(path.join(root, 'node_modules'), path.join(scratch, 'node_modules'));
    const survived = [];
    const started = Date.now();
    for (const change of selected) {
      const file = path.join(scratch, change.file);
      const original = readFileSync(file, 'utf8');
      writeFileSync(file, original.replace(change.original, () => change.replacement));
      const killed = !passes(scratch, change, full);
      writeFileSync(file, original);
      console.log(`${killed ? 'killed  ' : 'SURVIVED'} ${change.id}: ${change.breaks}`);
      if (!killed) survived.push(change);
    }
    const score = (100 * (selected.length - survived.length)) / selected.length;
    console.log(`\n${selected.length - survived.length} of ${selected.length} changes killed (score ${score.toFixed(1)} %) in ${Math.round((Date.now() - started) / 1000)} s`);
    for (const change of survived) console.log(`survived: ${change.id} (${change.file}), no test of ${change.tests.join(', ')} fails when ${change.breaks}`);
    return survived.length > 0 ? 1 : 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether the change's tests pass in the scratch copy. */
function passes(scratch, change, full) {
  const args = ['jest', '--silent', '--ci', '--runTestsByPath', ...change.tests];
  if (!full && change.only) args.push('--testNamePattern', change.only);
  const result = spawnSync(path.join(scratch, 'node_modules', '.bin', args[0]), args.slice(1), {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, TEST_HOST_TOOLS: 'required' },
  });
  if (result.error) throw result.error;
  const ran = /Tests:.*?(\d+) passed/.exec(result.stderr);
  if (result.status === 0 && !ran) throw new Error(`${change.id}: no test of ${change.tests.join(', ')} matches ${JSON.stringify(change.only)}`);
  return result.status === 0;
}

function occurrences(text, part) {
  return text.split(part).length - 1;
}

process.exitCode = main(process.argv.slice(2));
