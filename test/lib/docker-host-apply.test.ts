import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { itRunning } from '../helpers/host-tools';
import { fakeDocker, runApply, type ApplyRun } from './user-data';

/**
 * The Docker host's apply program against a fake docker whose containers
 * restart, stop, turn unhealthy or stay starting when the test says so, with
 * a real grace period and health wait of a second or two.
 */

const APP = { name: 'app', image: 'public.ecr.aws/docker/library/httpd:2.4', restart: 'always', command: [], ports: [], volumes: [], files: [] };
const HEALTH = { command: ['wget', '-q', '-O', '/dev/null', 'http://localhost/'], intervalSeconds: 5, retries: 3, startPeriodSeconds: 10, timeoutSeconds: 5 };
const WEB = { ...APP, name: 'web', healthCheck: HEALTH };
const LOGS = ['listening on :80', 'lost the database connection'];

describe('the apply program\'s health gate', () => {
  itRunning('python3')('signals FAILURE naming a container that restarted once in the grace period, though it runs again', () => {
    // GIVEN a container that exits 1 at 0.3 s and runs again 0.1 s later
    const scenario = { app: { states: [{ at: 0.3, status: 'restarting', exitCode: 1 }, { at: 0.4, status: 'running' }], logs: LOGS } } as const;
    // WHEN it is applied with a grace period of 1 s
    const run = runApply(host([APP], { grace: 1 }), work(), { scenario });
    // THEN
    expect(failure(run)).toBe('container app restarted 1 time; last log lines: listening on :80 | lost the database connection');
  });

  itRunning('python3')('names the restart of a container caught in Docker\'s back-off after it', () => {
    // GIVEN a container that exits 1 at 0.3 s and stays in Docker's back-off, which has counted the restart
    const scenario = { app: { states: [{ at: 0.3, status: 'restarting', exitCode: 1 }], logs: LOGS } } as const;
    // WHEN it is applied with a grace period of 1 s
    const run = runApply(host([APP], { grace: 1 }), work(), { scenario });
    // THEN the reason is the restart, as when the look comes once it runs again
    expect(failure(run)).toBe('container app restarted 1 time; last log lines: listening on :80 | lost the database connection');
  });

  itRunning('python3')('counts a restart between docker run and the first look at the containers', () => {
    // GIVEN a container that exits at once and already runs again, after one restart, when the program first looks
    const scenario = { app: { states: [{ at: 0, status: 'restarting', exitCode: 1 }, { at: 0, status: 'running' }], logs: LOGS } } as const;
    // WHEN
    const run = runApply(host([APP], { grace: 1 }), work(), { scenario });
    // THEN
    expect(failure(run)).toBe('container app restarted 1 time; last log lines: listening on :80 | lost the database connection');
  });

  itRunning('python3')('waits out the grace period: a restart 0.5 s into 1.5 s fails the deploy, a container that keeps running passes after 1.5 s', () => {
    // GIVEN a container that restarts after 0.5 s, and one that keeps running
    const restarts = { app: { states: [{ at: 0.5, status: 'restarting', exitCode: 137 }, { at: 0.6, status: 'running' }] } } as const;
    // WHEN each is applied with a grace period of 1.5 s
    const failed = runApply(host([APP], { grace: 1.5 }), work(), { scenario: restarts });
    const started = Date.now();
    const passed = runApply(host([APP], { grace: 1.5 }), work(), {});
    // THEN
    expect(failure(failed)).toBe('container app restarted 1 time; last log lines: ready');
    expect(success(passed)).toBe('every container runs');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  itRunning('python3')('signals FAILURE naming a container that is restarting, one that exited and one that is unhealthy', () => {
    // GIVEN a running host whose app container is then caught in Docker's back-off between restarts
    const dir = work();
    expect(success(runApply(host([APP]), dir))).toBe('every container runs');
    const restarting = runApply(host([APP], { grace: 1 }), dir, { scenario: { app: { states: [{ at: 0, status: 'restarting', exitCode: 1 }] } } });
    // AND a container that exits with 137, and a health-checked one that turns unhealthy
    const exited = runApply(host([APP], { grace: 1 }), work(), { scenario: { app: { states: [{ at: 0, status: 'exited', exitCode: 137 }], logs: LOGS } } });
    const unhealthy = runApply(host([WEB], { grace: 1, wait: 1 }), work(), {
      scenario: { web: { states: [{ at: 0, health: 'starting' }, { at: 0.3, health: 'unhealthy' }], logs: ['wget: server returned error: HTTP/1.1 503'] } },
    });
    // THEN
    expect(failure(restarting)).toBe('container app is restarting; last log lines: ready');
    expect(failure(exited)).toBe('container app is not running (exit code 137); last log lines: listening on :80 | lost the database connection');
    expect(failure(unhealthy)).toBe('container web is unhealthy; last log lines: wget: server returned error: HTTP/1.1 503');
  });

  itRunning('python3')('does not take starting for healthy: FAILURE when a check stays starting past the health wait, SUCCESS when it turns healthy within it', () => {
    // GIVEN a container whose health check stays starting, and one whose check passes after 1.5 s
    const stays = { web: { states: [{ at: 0, health: 'starting' }], logs: ['waiting for the database'] } } as const;
    const turns = { web: { states: [{ at: 0, health: 'starting' }, { at: 1.5, health: 'healthy' }] } } as const;
    // WHEN each is applied with a grace period of 1 s and a health wait of 1 s
    const stayed = runApply(host([WEB], { grace: 1, wait: 1 }), work(), { scenario: stays });
    const turned = runApply(host([WEB], { grace: 1, wait: 1 }), work(), { scenario: turns });
    // THEN
    expect(failure(stayed)).toBe('container web is not healthy after 2 s; last log lines: waiting for the database');
    expect(success(turned)).toBe('every container runs');
  });
});

describe('the apply program\'s changes', () => {
  const ROUTER = { ...APP, name: 'router', files: [{ path: '/etc/nginx/conf.d/apps.conf', content: 'server { listen 80; }\n' }], reload: ['nginx', '-s', 'reload'] };
  const SITE = { ...APP, name: 'site', files: [{ path: '/etc/site/site.conf', content: 'greeting=hello\n' }] };
  const changed = (container: typeof SITE, content: string) => ({ ...container, files: [{ ...container.files[0], content }] });

  itRunning('python3')('reloads a container with a reload command through docker exec when its files change, and recreates one without', () => {
    // GIVEN a host running a router whose config reloads and a site whose config does not
    const dir = work();
    const env = path.join(dir, 'env');
    expect(success(runApply(host([ROUTER, SITE], { env }), dir))).toBe('every container runs');
    const routerId = containerId(dir, 'router');
    // WHEN both files change
    const config = 'server { listen 80; server_name a.example.com; }\n';
    const run = runApply(host([changed(ROUTER, config), changed(SITE, 'greeting=hi\n')], { env }), dir);
    // THEN the router is reloaded in place with its new file, the site recreated
    expect(success(run)).toBe('every container runs');
    expect(run.calls.filter((call) => call[0] === 'docker' && ['exec', 'rm', 'run'].includes(call[1])).map((call) => call.slice(0, call[1] === 'run' ? 2 : undefined)))
      .toEqual([['docker', 'exec', 'router', 'nginx', '-s', 'reload'], ['docker', 'rm', '--force', 'site'], ['docker', 'run']]);
    expect(containerId(dir, 'router')).toBe(routerId);
    expect(readFileSync(path.join(env, 'files', 'router', 'etc', 'nginx', 'conf.d', 'apps.conf'), 'utf8')).toBe(config);
    expect(readFileSync(path.join(env, 'files', 'site', 'etc', 'site', 'site.conf'), 'utf8')).toBe('greeting=hi\n');
  });

  itRunning('python3')('neither reloads nor recreates a container whose files did not change', () => {
    // GIVEN a host running the router and the site
    const dir = work();
    const env = path.join(dir, 'env');
    runApply(host([ROUTER, SITE], { env }), dir);
    // WHEN the same host file is applied again
    const run = runApply(host([ROUTER, SITE], { env }), dir);
    // THEN
    expect(success(run)).toBe('every container runs');
    expect(run.calls.filter((call) => ['exec', 'rm', 'run'].includes(call[1]))).toEqual([]);
  });

  itRunning('python3')('signals FAILURE naming the container and the reload\'s error when the reload fails', () => {
    // GIVEN a host running the router, whose new config nginx refuses
    const dir = work();
    const env = path.join(dir, 'env');
    runApply(host([ROUTER], { env }), dir);
    const scenario = { router: { exec: { exitCode: 1, stderr: 'nginx: [emerg] unknown directive "servr" in /etc/nginx/conf.d/apps.conf:1\n' } } };
    // WHEN
    const run = runApply(host([changed(ROUTER, 'servr { }\n')], { env }), dir, { scenario });
    // THEN
    expect(failure(run)).toBe('docker exec router failed: nginx: [emerg] unknown directive "servr" in /etc/nginx/conf.d/apps.conf:1');
  });

  itRunning('python3')('starts a stopped container again, though its definition did not change', () => {
    // GIVEN a host whose app container was stopped by hand
    const dir = work();
    runApply(host([APP]), dir);
    expect(fakeDocker(dir, ['stop', 'app']).status).toBe(0);
    expect(state(dir, 'app')).toMatchObject({ Status: 'exited', Running: false });
    // WHEN the same host file is applied again
    const run = runApply(host([APP], { grace: 1 }), dir);
    // THEN
    expect(success(run)).toBe('every container runs');
    expect(state(dir, 'app')).toMatchObject({ Status: 'running', Running: true });
  });

  itRunning('python3')('cuts the reason to 900 characters, CloudFormation\'s limit', () => {
    // GIVEN a container that exits after a log line of 2,000 characters
    const line = 'x'.repeat(2000);
    // WHEN
    const run = runApply(host([APP]), work(), { scenario: { app: { states: [{ at: 0, status: 'exited', exitCode: 2 }], logs: [line] } } });
    // THEN
    const reason = failure(run);
    expect(reason).toHaveLength(900);
    expect(`container app is not running (exit code 2); last log lines: ${line}`.startsWith(reason)).toBe(true);
  });

  itRunning('python3')('applies, on an update, the host file cfn-init wrote, and signals its wait condition', () => {
    // GIVEN a host booted with app, and new metadata that changes app's image and adds web
    const dir = work();
    runApply(host([APP]), dir, {});
    const updated = { ...host([{ ...APP, image: 'public.ecr.aws/docker/library/httpd:2.4.62' }, WEB]), applyId: 'apply-2', waitHandle: 'https://wait.example/handle-2' };
    // WHEN cfn-hup runs the update, whose cfn-init writes that host file
    const run = runApply(host([APP]), dir, { args: ['--update'], initWrites: updated });
    // THEN
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => call[1] === 'run').map((call) => call.slice(call.indexOf('--') + 1))).toEqual([
      ['public.ecr.aws/docker/library/httpd:2.4.62'],
      ['public.ecr.aws/docker/library/httpd:2.4'],
    ]);
    expect(run.calls.filter((call) => call[0] === 'cfn-signal')).toEqual([
      ['cfn-signal', '--exit-code', '0', '--reason', 'every container runs', '--id', 'apply-2', 'https://wait.example/handle-2'],
    ]);
  });
});

describe('the refresh (docker-host-apply --refresh, as the host\'s timer runs it)', () => {
  const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-secret-AbCdEf';
  const SECRET_APP = { ...APP, secretArn: ARN };
  const CACHE = { ...APP, name: 'cache', image: 'memcached:1.6-alpine' };
  const secret = (password: string) => ({ [ARN]: JSON.stringify({ file: null, environment: { DB_PASSWORD: password } }) });
  const STABLE = 'registry.example.com/team/app:stable';

  itRunning('python3')('recreates the container whose secret was rotated, with the new value, and no other, reporting nothing to CloudFormation', () => {
    // GIVEN a host whose app reads its secret, beside a cache without one
    const dir = work();
    const env = path.join(dir, 'env');
    expect(success(runApply(host([SECRET_APP, CACHE], { env }), dir, { secrets: secret('first password') }))).toBe('every container runs');
    const cacheId = containerId(dir, 'cache');
    // WHEN the secret is rotated and the timer runs the refresh
    const run = runApply(host([SECRET_APP, CACHE], { env, grace: 1 }), dir, { args: ['--refresh'], secrets: secret('second password') });
    // THEN app is recreated with the new value, the cache keeps its container, and no signal is sent
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => call[0] === 'cfn-signal')).toEqual([]);
    expect(run.calls.filter((call) => ['rm', 'run'].includes(call[1])).map((call) => call.slice(0, 2).concat(call[1] === 'rm' ? call.slice(-1) : []))).toEqual([
      ['docker', 'rm', 'app'],
      ['docker', 'run'],
    ]);
    expect(environment(dir, 'app')).toContain('DB_PASSWORD=second password');
    expect(containerId(dir, 'cache')).toBe(cacheId);
    expect(readFileSync(path.join(env, 'app.secret.env'), 'utf8')).toBe('DB_PASSWORD=second password\n');
  });

  itRunning('python3')('recreates nothing when no secret changed, not even a container that was stopped', () => {
    // GIVEN a running host whose cache was stopped by hand
    const dir = work();
    const env = path.join(dir, 'env');
    runApply(host([SECRET_APP, CACHE], { env }), dir, { secrets: secret('first password') });
    const appId = containerId(dir, 'app');
    expect(fakeDocker(dir, ['stop', 'cache']).status).toBe(0);
    // WHEN the timer runs the refresh with the same secret
    const run = runApply(host([SECRET_APP, CACHE], { env }), dir, { args: ['--refresh'], secrets: secret('first password') });
    // THEN
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => ['rm', 'run', 'exec'].includes(call[1]) || call[0] === 'cfn-signal')).toEqual([]);
    expect(run.calls).toContainEqual(['aws', 'secretsmanager', 'get-secret-value', '--region', 'eu-west-1', '--secret-id', ARN, '--query', 'SecretString', '--output', 'text']);
    expect(containerId(dir, 'app')).toBe(appId);
    expect(state(dir, 'cache')).toMatchObject({ Status: 'exited' });
  });

  itRunning('python3')('exits 1 naming the container and its last log lines when the new secret makes it fail, and signals nothing', () => {
    // GIVEN a running host
    const dir = work();
    const env = path.join(dir, 'env');
    runApply(host([SECRET_APP], { env }), dir, { secrets: secret('first password') });
    // WHEN the rotated value makes the app exit
    const run = runApply(host([SECRET_APP], { env, grace: 1 }), dir, {
      args: ['--refresh'],
      secrets: secret('wrong password'),
      scenario: { app: { states: [{ at: 0, status: 'exited', exitCode: 1 }], logs: ['password authentication failed for user "app"'] } },
    });
    // THEN
    expect(run.status).toBe(1);
    expect(run.calls.filter((call) => call[0] === 'cfn-signal')).toEqual([]);
    expect(run.stderr).toBe('docker-host-apply --refresh: container app is not running (exit code 1); last log lines: password authentication failed for user "app"\n');
  });

  itRunning('python3')('pulls an image pulled always and recreates its container when the tag moved, leaving one pulled when missing on the old image', () => {
    // GIVEN two containers of the same tag, one pulled always, started when the tag named image a
    const dir = work();
    const env = path.join(dir, 'env');
    const always = { ...APP, name: 'always', image: STABLE, pull: 'always' };
    const missing = { ...APP, name: 'missing', image: STABLE };
    runApply(host([always, missing], { env }), dir, { registry: { [STABLE]: `sha256:${'a'.repeat(64)}` } });
    const missingId = containerId(dir, 'missing');
    // WHEN the tag moves to image b and the timer runs the refresh
    const moved = { [STABLE]: `sha256:${'b'.repeat(64)}` };
    const run = runApply(host([always, missing], { env }), dir, { args: ['--refresh'], registry: moved });
    // AND again, with the tag where it is
    const again = runApply(host([always, missing], { env }), dir, { args: ['--refresh'], registry: moved });
    // THEN only the container pulled always was pulled and recreated, on image b, once
    expect(run.status).toBe(0);
    expect(run.calls.filter((call) => ['pull', 'rm', 'run'].includes(call[1])).map((call) => call.slice(0, 3))).toEqual([
      ['docker', 'pull', '--quiet'],
      ['docker', 'rm', '--force'],
      ['docker', 'run', '--detach'],
    ]);
    expect(image(dir, 'always')).toBe(`sha256:${'b'.repeat(64)}`);
    expect(image(dir, 'missing')).toBe(`sha256:${'a'.repeat(64)}`);
    expect(containerId(dir, 'missing')).toBe(missingId);
    expect(again.status).toBe(0);
    expect(again.calls.filter((call) => ['rm', 'run'].includes(call[1]))).toEqual([]);
  });

  itRunning('python3')('refuses a pull policy it does not know, naming the container, before it pulls or runs anything', () => {
    // WHEN
    const run = runApply(host([{ ...APP, pull: 'sometimes' }]), work());
    // THEN
    expect(failure(run)).toBe('container "app": pull "sometimes" must be "missing" or "always"; deploy the stack again so the host file holds what the stack writes');
    expect(run.calls.filter((call) => call[0] === 'docker')).toEqual([]);
  });

  itRunning('python3')('keeps the running container when its pull fails, naming the image and docker\'s error: refresh exits 1, an update signals FAILURE', () => {
    // GIVEN a running container pulled always
    const dir = work();
    const env = path.join(dir, 'env');
    const always = { ...APP, image: STABLE, pull: 'always' };
    runApply(host([always], { env }), dir);
    const appId = containerId(dir, 'app');
    // WHEN the registry refuses the pull, on a refresh and on a stack update
    const error = 'Get "https://registry.example.com/v2/": dial tcp: lookup registry.example.com: no such host';
    const registry = { [STABLE]: { error } };
    const refreshed = runApply(host([always], { env }), dir, { args: ['--refresh'], registry });
    const updated = runApply(host([always], { env }), dir, { registry });
    // THEN the container keeps running, and both runs say which image and why
    const message = `container app: docker pull ${STABLE} failed, so the container keeps its image: Error response from daemon: ${error}`;
    expect(refreshed.status).toBe(1);
    expect(refreshed.stderr).toBe(`docker-host-apply --refresh: ${message}\n`);
    expect(failure(updated)).toBe(message);
    expect([...refreshed.calls, ...updated.calls].filter((call) => ['rm', 'run'].includes(call[1]))).toEqual([]);
    expect(containerId(dir, 'app')).toBe(appId);
    expect(state(dir, 'app')).toMatchObject({ Status: 'running' });
  });
});

describe('the apply program\'s replacements', () => {
  const ROUTED = { ...APP, name: 'counter', network: 'apps', updateOrder: 'start-first', environment: { GREETING: 'hello' } };
  const NEW = { ...ROUTED, image: 'public.ecr.aws/docker/library/httpd:2.4.62', environment: { GREETING: 'bonjour' } };
  const PUBLISHED = { ...APP, name: 'web', network: 'apps', updateOrder: 'stop-first', ports: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }] };
  const replacing = (run: ApplyRun) =>
    run.calls.filter((call) => call[0] === 'docker' && ['run', 'stop', 'rm', 'rename'].includes(call[1])).map((call) => (call[1] === 'run' ? call.slice(0, 2).concat(call[call.indexOf('--name') + 1]) : call));

  itRunning('python3')('starts a routed container\'s new version beside the old, and stops the old only once the new is healthy and the router\'s DNS cache is out', () => {
    // GIVEN a host running the routed counter
    const dir = work();
    const env = path.join(dir, 'env');
    expect(success(runApply(host([ROUTED], { env }), dir))).toBe('every container runs');
    const oldId = containerId(dir, 'counter');
    // WHEN an update changes its image and environment, and its new container's health check passes 1 s after it starts
    const scenario = { 'counter.next': { states: [{ at: 0, health: 'starting' }, { at: 1, health: 'healthy' }] } } as const;
    const run = runApply(host([{ ...NEW, healthCheck: HEALTH }], { env, grace: 0.5, wait: 5, resolverValid: 1 }), dir, { scenario });
    // THEN the new one ran beside the old under a temporary name, with the counter's name as its alias on the network
    expect(success(run)).toBe('every container runs');
    expect(replacing(run)).toEqual([
      ['docker', 'run', 'counter.next'],
      ['docker', 'stop', '--time', '10', 'counter'],
      ['docker', 'rm', '--force', 'counter'],
      ['docker', 'rename', 'counter.next', 'counter'],
    ]);
    const started = run.calls.find((call) => call[1] === 'run') ?? [];
    expect(started.slice(started.indexOf('--network-alias'), started.indexOf('--network-alias') + 4)).toEqual(['--network-alias', 'counter', '--network', 'apps']);
    // AND the old one was stopped 1 s (healthy) + 1 s (the router's DNS cache) + 1 s (nginx's rounding) after the new one started
    const old = fakeState(dir).removed.find((item) => item.name === 'counter');
    const current = JSON.parse(fakeDocker(dir, ['inspect', 'counter']).stdout)[0];
    expect(old).toMatchObject({ image: 'public.ecr.aws/docker/library/httpd:2.4' });
    expect((old?.stoppedAt ?? 0) - Date.parse(current.State.StartedAt) / 1000).toBeGreaterThanOrEqual(3);
    // AND the counter is now the new container, under its own name, and nothing else runs
    expect(current.Id).not.toBe(oldId);
    expect(current.Config).toMatchObject({ Image: 'public.ecr.aws/docker/library/httpd:2.4.62', Env: ['GREETING=bonjour'] });
    expect(current.NetworkSettings.Networks.apps.Aliases).toEqual(['counter']);
    expect(fakeDocker(dir, ['ps']).stdout.split('\n').filter(Boolean)).toEqual(['counter']);
  });

  itRunning('python3')('keeps the old container running when the new one turns unhealthy or crashes, removes the new one, and signals FAILURE naming the container', () => {
    // GIVEN a host running the routed counter
    const dir = work();
    const env = path.join(dir, 'env');
    runApply(host([ROUTED], { env }), dir);
    const oldId = containerId(dir, 'counter');
    // WHEN an update's new container turns unhealthy, and then one whose new container crashes, printing its environment
    const scenario = { 'counter.next': { states: [{ at: 0, health: 'starting' }, { at: 0.3, health: 'unhealthy' }], logs: ['GET /health 500'] } } as const;
    const unhealthy = runApply(host([{ ...NEW, healthCheck: HEALTH }], { env, grace: 1, wait: 1, resolverValid: 1 }), dir, { scenario });
    const crashed = runApply(host([NEW], { env, grace: 1, resolverValid: 1 }), dir, { crash: ['counter.next'] });
    // THEN both say which container failed, with the new one's last log lines, its values hidden
    expect(failure(unhealthy)).toBe('container counter: its new container failed, the old one still runs: container counter.next is unhealthy; last log lines: GET /health 500');
    expect(failure(crashed)).toBe(
      'container counter: its new container failed, the old one still runs: container counter.next is not running (exit code 1); ' +
        'last log lines: starting | fatal: counter.next cannot start; environment: GREETING=*** | starting',
    );
    // AND the old container was never stopped and still answers as before; no new one is left
    for (const run of [unhealthy, crashed]) {
      expect(replacing(run)).toEqual([['docker', 'run', 'counter.next'], ['docker', 'rm', '--force', 'counter.next']]);
    }
    expect(containerId(dir, 'counter')).toBe(oldId);
    expect(state(dir, 'counter')).toMatchObject({ Status: 'running', Running: true });
    expect(fakeDocker(dir, ['ps']).stdout.split('\n').filter(Boolean)).toEqual(['counter']);
  });

  itRunning('python3')('removes a container that publishes a host port before it starts the new one, as two cannot bind one port', () => {
    // GIVEN a host running a container that publishes port 8080
    const dir = work();
    const env = path.join(dir, 'env');
    runApply(host([PUBLISHED], { env }), dir);
    // WHEN an update changes its image
    const run = runApply(host([{ ...PUBLISHED, image: 'public.ecr.aws/docker/library/httpd:2.4.62' }], { env, resolverValid: 1 }), dir);
    // THEN
    expect(success(run)).toBe('every container runs');
    expect(replacing(run)).toEqual([['docker', 'rm', '--force', 'web'], ['docker', 'run', 'web']]);
  });

  itRunning('python3')('removes the new container an interrupted update left, and replaces the container again', () => {
    // GIVEN a host running the routed counter, whose update is cut off while it waits for the router's DNS cache
    const dir = work();
    const env = path.join(dir, 'env');
    runApply(host([ROUTED], { env }), dir);
    const cut = runApply(host([NEW], { env, resolverValid: 30 }), dir, { killAfterMs: 5000 });
    expect(cut.status).toBeNull();
    expect(fakeDocker(dir, ['ps']).stdout.split('\n').filter(Boolean).sort()).toEqual(['counter', 'counter.next']);
    // WHEN the update runs again
    const run = runApply(host([NEW], { env, resolverValid: 1 }), dir);
    // THEN the left container goes first, then the counter is replaced start-first
    expect(success(run)).toBe('every container runs');
    expect(replacing(run)).toEqual([
      ['docker', 'rm', '--force', 'counter.next'],
      ['docker', 'run', 'counter.next'],
      ['docker', 'stop', '--time', '10', 'counter'],
      ['docker', 'rm', '--force', 'counter'],
      ['docker', 'rename', 'counter.next', 'counter'],
    ]);
    expect(fakeDocker(dir, ['ps']).stdout.split('\n').filter(Boolean)).toEqual(['counter']);
    expect(JSON.parse(fakeDocker(dir, ['inspect', 'counter']).stdout)[0].Config.Image).toBe('public.ecr.aws/docker/library/httpd:2.4.62');
  });

  itRunning('python3')('recreates no container whose host file only gains its update order, as after an upgrade of the library', () => {
    // GIVEN a host running the counter from a host file written before update orders
    const dir = work();
    const env = path.join(dir, 'env');
    const { updateOrder: _order, ...before } = ROUTED;
    runApply(host([before], { env }), dir);
    // WHEN the same container is applied with its update order
    const run = runApply(host([ROUTED], { env }), dir);
    // THEN
    expect(success(run)).toBe('every container runs');
    expect(replacing(run)).toEqual([]);
  });

  itRunning('python3')('refuses a start-first container whose temporary name is another container\'s, before it changes anything', () => {
    // WHEN
    const run = runApply(host([ROUTED, { ...APP, name: 'counter.next' }]), work());
    // THEN
    expect(failure(run)).toBe('container "counter": its new container runs as "counter.next" during an update, the name of another container; rename that container');
    expect(run.calls.filter((call) => call[1] === 'run')).toEqual([]);
  });
});

describe('the apply program\'s lock', () => {
  itRunning('python3')('lets a second run wait until the first has ended, so their calls never interleave', () => {
    // GIVEN a host whose apply waits a grace period of 1 s
    const dir = work();
    // WHEN a second run starts 0.3 s after the first, as cfn-hup's would during the boot's
    const run = runApply(host([APP], { grace: 1 }), dir, { alongside: { afterMs: 300 } });
    // THEN both succeed, the second after waiting for the first
    expect([run.status, run.alongside?.status]).toEqual([0, 0]);
    expect(run.alongside?.stderr).toContain('docker-host-apply: another run holds');
    // AND the second run's first docker call comes after the first run's signal
    const lists = run.calls.flatMap((call, i) => (call[1] === 'ps' ? [i] : []));
    const signals = run.calls.flatMap((call, i) => (call[0] === 'cfn-signal' ? [i] : []));
    expect(lists).toHaveLength(2);
    expect(signals).toHaveLength(2);
    expect(signals[0]).toBeLessThan(lists[1]);
  });
});

/**
 * A host file of the given containers, its grace period and health wait in
 * seconds (0 unless given), the router's DNS cache time (0 unless given),
 * with a wait condition: a run that is not the boot's signals only that.
 */
function host(containers: Record<string, unknown>[], options: { grace?: number; wait?: number; env?: string; resolverValid?: number } = {}): Record<string, unknown> {
  return {
    resolverValidSeconds: options.resolverValid ?? 0,
    stackName: 'apply',
    resource: 'HostInstance',
    region: 'eu-west-1',
    envFileDirectory: options.env ?? path.join(work(), 'env'),
    startupGracePeriodSeconds: options.grace ?? 0,
    healthWaitSeconds: options.wait ?? 0,
    applyId: 'apply-1',
    waitHandle: 'https://wait.example/handle-1',
    containers,
  };
}

/** The one reason a run signalled, which must be FAILURE. */
function failure(run: ApplyRun): string {
  return signalled(run, '1', 3);
}

/** The one reason a run signalled, which must be SUCCESS. */
function success(run: ApplyRun): string {
  return signalled(run, '0', 0);
}

function signalled(run: ApplyRun, exitCode: string, status: number): string {
  const signals = run.calls.filter((call) => call[0] === 'cfn-signal');
  expect(signals.map((call) => call.slice(0, 3))).toEqual([['cfn-signal', '--exit-code', exitCode]]);
  expect(run.status).toBe(status);
  return signals[0][4];
}

/** The container's State as the fake docker's inspect gives it. */
function state(dir: string, name: string): Record<string, unknown> {
  return JSON.parse(fakeDocker(dir, ['inspect', name]).stdout)[0].State;
}

/** The variables of the container's environment, KEY=value each. */
function environment(dir: string, name: string): string[] {
  return JSON.parse(fakeDocker(dir, ['inspect', name]).stdout)[0].Config.Env;
}

/** The id of the image the container was created from. */
function image(dir: string, name: string): string {
  return JSON.parse(fakeDocker(dir, ['inspect', name]).stdout)[0].Image;
}

/** The fake docker's state: the containers removed, each with when it started and stopped (seconds since the epoch). */
function fakeState(dir: string): { removed: { name: string; image: string; startedAt: number; stoppedAt: number | null }[] } {
  return JSON.parse(readFileSync(path.join(dir, 'docker.json'), 'utf8'));
}

function containerId(dir: string, name: string): string {
  return JSON.parse(fakeDocker(dir, ['inspect', name]).stdout)[0].Id;
}

function work(): string {
  return mkdtempSync(path.join(tmpdir(), 'docker-host-apply-'));
}

describe('the apply program\'s secrets', () => {
  const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf';
  const secret = (password: string) => ({ [ARN]: JSON.stringify({ file: null, environment: { DB_PASSWORD: password } }) });

  itRunning('python3')('recreates a container whose secret changed, though its host file did not, and keeps it when the secret is the same', () => {
    // GIVEN a host running app with the secret's first value
    const dir = work();
    const env = path.join(dir, 'env');
    const file = host([{ ...APP, secretArn: ARN }], { env });
    expect(success(runApply(file, dir, { secrets: secret('first-pa55') }))).toBe('every container runs');
    const first = containerId(dir, 'app');
    // WHEN the same host file is applied with the same secret, then after the secret got a new value
    const same = runApply(file, dir, { secrets: secret('first-pa55') });
    const rotated = runApply(file, dir, { secrets: secret('second-pa55') });
    // THEN only the new value recreates the container, which reads it from its env-file
    expect(success(same)).toBe('every container runs');
    expect(same.calls.filter((call) => ['rm', 'run'].includes(call[1]))).toEqual([]);
    expect(success(rotated)).toBe('every container runs');
    expect(rotated.calls.filter((call) => ['rm', 'run'].includes(call[1])).map((call) => call[1])).toEqual(['rm', 'run']);
    expect(containerId(dir, 'app')).not.toBe(first);
    expect(readFileSync(path.join(env, 'app.secret.env'), 'utf8')).toBe('DB_PASSWORD=second-pa55\n');
  });
});
