import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { log, type Run } from '../scaffold';
import type { VpcNetwork } from './network';
import type { SwarmNode } from './node';

const SERVICE = 'memcached-alpha';
const SWARM_SERVICE = `memcached_${SERVICE}`;
const COMPOSE_FILE = '/etc/docker-swarm/stack.yml';
const DEPLOY_FILE = '/etc/docker-swarm/deploy.json';

/** The manager that deploys, the workers a client asks, and the tenant's port. */
export interface BadUpdateNodes {
  readonly manager: SwarmNode;
  readonly workers: readonly SwarmNode[];
  readonly network: VpcNetwork;
  readonly port: number;
}

/**
 * A bad update of a service, as a stack update brings it: the service's
 * command now exits at once, so its new task never turns healthy, and the
 * metadata names a new wait condition, as a change of the services does.
 * The cfn-hup hook's own action runs while a client with the workers as its
 * server list sends requests. The wait handle's stand-in, the recording
 * cfn-signal, must get FAILURE naming the service, and the old version must
 * answer every request: swarm rolls the update back, or, when it has not
 * seen the new task fail, completes it with the old task still running.
 * Returns the summary line.
 */
export async function badUpdate(run: Run, nodes: BadUpdateNodes): Promise<string> {
  const { manager, workers, network, port } = nodes;
  return run.phases.time('bad update', async () => {
    const metadata = structuredClone(manager.options.metadata) as any;
    const files = metadata['AWS::CloudFormation::Init'].config.files;
    const service = files[COMPOSE_FILE].content.services[SERVICE];
    service.command = ['sh', '-c', 'echo "cannot read the cache settings" >&2; exit 1'];
    // With a health check a task counts as running only once healthy, so start-first keeps the old task until then.
    service.healthcheck = { test: ['CMD', 'sh', '-c', 'kill -0 1'], interval: '2s', timeout: '2s', retries: 3, start_period: '0s' };
    const deployId = createHash('sha256').update(JSON.stringify(files[COMPOSE_FILE].content)).digest('hex').slice(0, 12);
    const waitHandle = `https://cloudformation-waitcondition-eu-west-1.s3.eu-west-1.amazonaws.com/bad-update/SwarmDeployed${deployId}Handle?X-Amz-Signature=e2e`;
    files[DEPLOY_FILE].content = { ...files[DEPLOY_FILE].content, waitHandle, deployId };
    manager.updateMetadata(metadata);
    const action = manager.hookAction('/etc/cfn/hooks.d/docker-swarm.conf');
    const stopFile = path.join(run.work, 'stop-bad-update-client');
    const client = network.run([process.execPath, path.join(run.options.harnessDir, 'swarm', 'client-loop.cjs'), String(port), stopFile, ...workers.map((node) => node.address)]);
    let seconds = 0;
    let settled: string;
    try {
      await sleep(2000);
      const begun = Date.now();
      const deployed = await manager.runCommand(action);
      seconds = (Date.now() - begun) / 1000;
      if (deployed.code !== 3) run.problems.push(`bad update: the cfn-hup action exited ${deployed.code}, not 3 (FAILURE reported): ${`${deployed.stdout}${deployed.stderr}`.trim().split('\n').slice(-5).join('\n')}`);
      settled = await settledState(manager, 120_000);
      await sleep(2000);
    } finally {
      // The client stops on this file, also when the update went wrong, so the run can end.
      writeFileSync(stopFile, '');
    }
    const counts = JSON.parse((await client).stdout) as { sent: number; failed: number };
    const signals = manager.stubCalls().filter((call) => call.command === 'cfn-signal' && call.args.includes('--id') && call.args[call.args.indexOf('--id') + 1] === deployId);
    const option = (args: readonly string[], name: string) => args[args.indexOf(name) + 1];
    if (signals.length !== 1) {
      run.problems.push(`bad update: the wait handle got ${signals.length} signals, not 1`);
    } else {
      const args = signals[0].args;
      if (option(args, '--exit-code') !== '1') run.problems.push(`bad update: the wait handle got exit code ${option(args, '--exit-code')}, not 1 (FAILURE): ${option(args, '--reason')}`);
      if (args[args.length - 1] !== waitHandle) run.problems.push('bad update: the signal went to another URL than the new wait handle');
      if (!option(args, '--reason').includes(`service ${SWARM_SERVICE}:`)) run.problems.push(`bad update: the reason does not name ${SWARM_SERVICE}: ${option(args, '--reason')}`);
    }
    if (settled !== 'rollback_completed' && settled !== 'completed') run.problems.push(`bad update: the update of ${SWARM_SERVICE} did not settle: ${settled || 'no update state'}`);
    if (counts.failed > 0) run.problems.push(`bad update: ${counts.failed} of ${counts.sent} requests failed while the old version should answer`);
    const reason = signals[0] ? option(signals[0].args, '--reason') : '(no signal)';
    log('bad update', `the cfn-hup action ended after ${seconds.toFixed(1)} s; the wait handle got: ${reason}; swarm's update state: ${settled}; ${counts.sent} requests sent, ${counts.failed} failed`);
    const named = signals.length === 1 && option(signals[0].args, '--exit-code') === '1' && reason.includes(`service ${SWARM_SERVICE}:`);
    return `swarm bad update: ${named ? 'FAILURE' : 'NO FAILURE'} naming ${named ? SWARM_SERVICE : 'no service'} in ${seconds.toFixed(1)} s; ${counts.sent} requests, ${counts.failed} failed`;
  });
}

/** The update state of the service once swarm has settled it, rolled back or completed (or what it is when the time is up). */
async function settledState(manager: SwarmNode, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await manager.engine.docker(['service', 'inspect', SWARM_SERVICE, '--format', '{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}'], true)).stdout.trim();
    if (state === 'rollback_completed' || state === 'completed' || Date.now() > deadline) return state;
    await sleep(500);
  }
}
