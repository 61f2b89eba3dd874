import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../bin/app';
import { APP_ENVIRONMENT, APP_STACK, appContext, SERVICE_STACK, TEMPLATES, TENANTS, UPDATED_TENANTS } from './app-context';
import { loadAssembly } from './cloudformation/assembly';
import { CustomResources, describeNode, type CreatedResource } from './cloudformation/custom-resources';
import { Resolver } from '../testkit/cloudformation/intrinsics';
import { creationOrder, type ResourceNode } from './cloudformation/order';
import type { StackModel } from '../testkit/cloudformation/template';
import { readYamlTemplate } from '../testkit/cloudformation/yaml';
import { APPLY_PROGRAM, APPLY_REPORTED_FAILURE } from '../lib/host/docker-host-script';
import { ENV_FILE_MODULE } from '../lib/nodes/env-file';
import { addDayTwoStack, CRASHER, DAY_TWO_STACK, SHIPPER, VAULT } from './day-two';
import {
  checkContainer,
  checkDockerInstalled,
  checkEnvFile,
  checkEnvironment,
  checkFailureSignal,
  checkOutputsInEnvironment,
  checkSignal,
  checkTenants,
  checkUpdateCalls,
  containerChanges,
  envLines,
  searchFiles,
  type ContainerInspect,
} from './docker/checks';
import { HostMachine } from './docker/host';
import { hostFileOf } from './docker/script';
import { importMemcachedImage, LOCAL_IMAGE, memcachedRootfs } from './docker/image';
import { run as runProgram } from './exec';
import { checkHostMetrics } from './metrics';
import { FakeAws } from '../testkit/fake-aws/server';
import { ACCOUNT, ACCOUNT_ID, expectedLookup, HOSTILE_OUTPUT, INJECTED, NON_ASCII_OUTPUT, REGION, SECRET_MARKER, SECRET_OUTPUT, stackOutputs } from './fixture';
import { refusedAccesses } from './lambda/invoke';
import { isLoopback } from '../testkit/loopback';
import { ResponseServer } from '../testkit/response-server';
import { check, describeError, Failure, log, runScaffolded, type RunOptions } from './scaffold';
import { synthesize, synthesizeHere } from './synth';

/** Where the run pretends to deploy, for the intrinsic functions. */
const TARGET = { accountId: ACCOUNT_ID, region: REGION, partition: 'aws', urlSuffix: 'amazonaws.com' } as const;

/**
 * The end-to-end run: synthesizes the example app, answers its custom
 * resources with the built handlers against a fake AWS account, runs each
 * Docker host's user data against a Docker engine of its own, checks what a
 * user would check, deletes the custom resources, and leaves the machine as
 * it found it. Returns the exit status.
 */
export function main(options: RunOptions): Promise<number> {
  return runScaffolded(options, { name: 'end-to-end run', workPrefix: 'e2e-', logs: 'logs' }, async (run) => {
    const { phases, problems, work, logDir } = run;
    // What the day-two scenarios measured, for the run's summary.
    const figures: string[] = [];
    const stacks = await phases.time('synth', async () => {
      const assembly = await synthesizeApp(options, work);
      const dayTwo = synthesizeHere(options.repo, path.join(work, 'day-two.out'), {}, (app) => addDayTwoStack(app, LOCAL_IMAGE));
      return [...loadAssembly(assembly), ...loadAssembly(dayTwo), ...plainTemplates(options.repo)];
    });
    log('synth', `stacks: ${stacks.map((stack) => stack.stackName).join(', ')}`);

    const fakeAws = new FakeAws(ACCOUNT);
    const responses = await ResponseServer.start();
    const endpoint = await fakeAws.start();
    run.cleanup(async () => {
      await fakeAws.stop();
      await responses.close();
      return [];
    });
    const refusedLog = path.join(work, 'refused-network');
    const resolver = new Resolver(stacks, TARGET);
    const customResources = new CustomResources(resolver, responses, fakeAws, {
      accountId: ACCOUNT_ID,
      region: REGION,
      awsEndpoint: endpoint,
      allowedHosts: '127.0.0.1',
      refusedLog,
      harnessDir: options.harnessDir,
    }, path.join(logDir, 'handlers.log'));
    const order = creationOrder(stacks);

    let created: CreatedResource[] = [];
    try {
      created = await phases.time('create', () =>
        customResources.createAll(order, (resource) =>
          log('create', `${describeNode(resource.node)}: SUCCESS ${resource.physicalId} (${resource.awsCalls} AWS calls, ${resource.durationMs} ms)`),
        ),
      );
      check(checkAnswers(created, stacks));
      check(resolveEverything(resolver, order, stacks));

      const secretStore = writeSecretStore(resolver, stacks, path.join(work, 'secrets.json'));
      const instances = hostsOf(order, resolver, { work, logDir, harnessDir: options.harnessDir, secretStore });
      const shipper = instances.find((host) => runsContainer(host, SHIPPER.name));
      const hosts = instances.filter((host) => host !== shipper);
      run.cleanup(async () => (await Promise.all(hosts.map((host) => host.machine.stop()))).flat());
      if (hosts.length === 0) throw new Failure(['the app synthesized no EC2 instance with user data']);
      const rootfs = await phases.time('image', () => memcachedRootfs(run.cacheDir, (line) => log('image', line)));
      run.imageBuilt = rootfs.built;
      // Each host is a machine of its own: its engines start and load the image side by side.
      await phases.time('docker engines', () =>
        Promise.all(
          hosts.map(async (host) => {
            await host.machine.engine.start();
            await importMemcachedImage(host.machine.engine, rootfs.tarball);
          }),
        ),
      );
      // Each host boots on its own, as instances do, all at once.
      await phases.time('user data', () =>
        Promise.all(
          hosts.map(async (host) => {
            const result = await host.machine.runUserData();
            const expected = crashes(host) ? APPLY_REPORTED_FAILURE : 0;
            log('user data', `${host.label}: exit ${result.exitCode} after ${result.durationMs} ms`);
            if (result.exitCode !== expected) {
              problems.push(`${host.label}: the user data exited with ${result.exitCode}, not ${expected}; its output:\n${result.output.trim().split('\n').slice(-20).join('\n')}`);
            }
          }),
        ),
      );
      await phases.time('checks', async () => {
        for (const host of hosts) problems.push(...(await checkHost(host, created, figures)));
        const vaultHost = hosts.find((host) => runsContainer(host, VAULT.name));
        if (shipper && vaultHost) problems.push(...(await checkAwsLogs(shipper, vaultHost, resolver, figures)));
      });
      const service = hosts.find((host) => host.node.stack.stackName === SERVICE_STACK);
      if (service) problems.push(...(await phases.time('update', () => updateInPlace(service, created, resolver, options.repo, work, figures))));
      if (service) problems.push(...(await phases.time('metrics', () => checkHostMetrics(service.machine, 'memcached-gamma'))));
      problems.push(...(await phases.time('secret search', async () => searchForSecret(hosts, [logDir, work], secretStore, figures))));
    } catch (error) {
      problems.push(describeError(error));
    } finally {
      if (customResources.toDelete.length > 0 && !run.interrupted) {
        try {
          const deleted = await phases.time('delete', () => customResources.deleteAll());
          log('delete', `${deleted} custom resources answered Delete with SUCCESS, without AWS calls`);
        } catch (error) {
          problems.push(describeError(error));
        }
      }
    }
    problems.push(...fakeAws.problems(), ...refusedAccesses(refusedLog), ...refusedAccesses(path.join(work, 'synth', 'refused-network')));
    for (const response of responses.received) {
      if (!isLoopback(response.remoteAddress)) problems.push(`an answer came from ${response.remoteAddress}, not loopback`);
    }
    log('aws', `the fake AWS endpoint answered ${fakeAws.calls.length} calls: ${summarizeCalls(fakeAws)}`);
    return figures.length > 0 ? `day two: ${figures.join('; ')}` : undefined;
  });
}

/** A Docker host of the app: its instance and the machine that plays it. */
interface Host {
  readonly label: string;
  readonly node: ResourceNode;
  readonly machine: HostMachine;
}

async function synthesizeApp(options: RunOptions, work: string): Promise<string> {
  return synthesize(options.repo, path.join(work, 'synth'), appContext(LOCAL_IMAGE), path.join(options.harnessDir, 'no-network.cjs'));
}

/** The plain templates, as stacks deployed after the CustomResources stack whose exports they import. */
function plainTemplates(repo: string): StackModel[] {
  return TEMPLATES.map((template) => ({
    stackName: template.stackName,
    template: readYamlTemplate(path.join(repo, 'templates', template.file)),
    parameters: template.parameters,
    dependsOn: ['CustomResources'],
  }));
}

/** Each lookup must have found what the fake account says it should. */
function checkAnswers(created: readonly CreatedResource[], stacks: readonly StackModel[]): string[] {
  const problems: string[] = [];
  for (const resource of created) {
    const label = describeNode(resource.node);
    const expected = expectedLookup(resource.node.resource.Type, resource.properties);
    if (!expected) problems.push(`${label} looked up ${JSON.stringify(resource.properties)}, which the fixture has no answer for`);
    else if (resource.physicalId !== expected.id) problems.push(`${label} found ${resource.physicalId}, but should find ${expected.id}: ${expected.why}`);
    if (resource.node.resource.Type === 'Custom::StackDependency') {
      problems.push(...checkOutputsInEnvironment(label, resource.data.Environment ?? '', outputsAsked(resource.properties)));
    }
  }
  for (const name of [SERVICE_STACK, APP_STACK]) {
    if (!stacks.some((stack) => stack.stackName === name)) problems.push(`the app synthesized no stack ${name}`);
  }
  return problems;
}

/**
 * Resolves every property and output of every stack, as CloudFormation
 * would on deploy: a reference to an attribute a handler did not return
 * fails here, naming the resource, the property and the attribute.
 */
function resolveEverything(resolver: Resolver, order: readonly ResourceNode[], stacks: readonly StackModel[]): string[] {
  const problems: string[] = [];
  for (const node of order) {
    try {
      if (!resolver.condition(node.stack, node.resource.Condition, `${node.logicalId}.Condition`)) continue;
      resolver.resolve(node.stack, node.resource.Properties ?? {}, `${node.logicalId}.Properties`);
    } catch (error) {
      problems.push(describeError(error));
    }
  }
  for (const stack of stacks) {
    for (const [id, output] of Object.entries(stack.template.Outputs ?? {})) {
      try {
        if (resolver.condition(stack, output.Condition, `Outputs.${id}.Condition`)) resolver.resolve(stack, output.Value, `Outputs.${id}.Value`);
      } catch (error) {
        problems.push(describeError(error));
      }
    }
  }
  return problems;
}

/** The instances with user data, each with its script rendered from the answers. */
function hostsOf(order: readonly ResourceNode[], resolver: Resolver, where: { work: string; logDir: string; harnessDir: string; secretStore: string }): Host[] {
  return order
    .filter((node) => node.resource.Type === 'AWS::EC2::Instance' && node.resource.Properties?.UserData !== undefined)
    .map((node, i) => {
      const encoded = resolver.resolveString(node.stack, node.resource.Properties?.UserData, `${node.logicalId}.Properties.UserData`);
      const script = Buffer.from(encoded, 'base64').toString('utf8');
      if (Buffer.from(script, 'utf8').toString('base64') !== encoded) {
        throw new Failure([`${node.stack.stackName}/${node.logicalId}: UserData is not Fn::Base64 of a script`]);
      }
      const label = `${node.stack.stackName}/${node.logicalId}`;
      const machine = new HostMachine(
        script,
        { label, workDir: path.join(where.work, `host-${i}`), netns: `e2e-${process.pid}-${i}`, logDir: where.logDir, harnessDir: where.harnessDir, secretStore: where.secretStore },
        resolvedMetadata(resolver, node),
      );
      return { label, node, machine };
    });
}

/** An instance's `AWS::CloudFormation::Init` metadata, resolved as CloudFormation hands it to cfn-init; `undefined` when it has none. */
function resolvedMetadata(resolver: Resolver, node: ResourceNode): Record<string, any> | undefined {
  const init = node.resource.Metadata?.['AWS::CloudFormation::Init'];
  if (init === undefined) return undefined;
  return { 'AWS::CloudFormation::Init': resolver.resolve(node.stack, init, `${node.logicalId}.Metadata`) as Record<string, any> };
}

/** Whether the host runs the container that crashes, so its start must fail. */
function crashes(host: Host): boolean {
  return runsContainer(host, CRASHER.name);
}

function runsContainer(host: Host, name: string): boolean {
  return host.machine.plan.dockerRuns.some((run) => run.name === name);
}

/** Prints the `docker run` arguments the apply program builds for the container in argv[2] (JSON), as a JSON list. */
const DOCKER_ARGS = 'import json, runpy, sys; program = runpy.run_path(sys.argv[1]); print(json.dumps(program["docker_args"](json.loads(sys.argv[2]), [], "e2e", "/etc/docker-host")))';

/**
 * The `awslogs` options of a container reach `docker inspect`: the apply
 * program that booted another host builds the `docker run` arguments of the
 * shipper's container from its resolved host file, and the engine creates
 * (never starts: the driver would call CloudWatch Logs) a container with
 * them. Its log configuration must be the host's log group (the template's
 * `Ref`), the region and the container's own stream.
 */
async function checkAwsLogs(shipper: Host, on: Host, resolver: Resolver, figures: string[]): Promise<string[]> {
  const container = hostFileOf(shipper.machine.metadata ?? {}).containers.find((candidate) => candidate.name === SHIPPER.name);
  const logGroup = Object.entries(shipper.node.stack.template.Resources).find(
    ([logicalId, resource]) => resource.Type === 'AWS::Logs::LogGroup' && logicalId.startsWith(shipper.node.logicalId.replace(/Instance[0-9A-F]{8}$/, 'Logs')),
  );
  if (!container || !logGroup) return [`${shipper.label}: no container ${SHIPPER.name} or no log group in the template`];
  const expected = {
    driver: 'awslogs',
    options: { 'awslogs-group': resolver.resolveString(shipper.node.stack, { Ref: logGroup[0] }, `${logGroup[0]}.Ref`), 'awslogs-region': REGION, 'awslogs-stream': SHIPPER.name },
  };
  // The program imports the env-file rules from where cfn-init wrote them on that host.
  const env = { ...process.env, PYTHONPATH: path.dirname(on.machine.upperPath(ENV_FILE_MODULE)) };
  const args = JSON.parse((await runProgram('python3', ['-c', DOCKER_ARGS, on.machine.upperPath(APPLY_PROGRAM), JSON.stringify(container)], { env })).stdout) as string[];
  if (args.slice(0, 3).join(' ') !== 'docker run --detach') return [`the apply program's arguments for ${SHIPPER.name} do not start with docker run --detach: ${args.join(' ')}`];
  await on.machine.engine.docker(['create', ...args.slice(3)]);
  const [created] = JSON.parse((await on.machine.engine.docker(['inspect', SHIPPER.name])).stdout) as ContainerInspect[];
  await on.machine.engine.docker(['rm', SHIPPER.name]);
  const problems = checkContainer({ name: SHIPPER.name, image: container.image, command: container.command, restart: container.restart, publish: [], envFiles: [], logging: expected }, {
    ...created,
    State: { ...created.State, Running: true },
  });
  if (created.State.Status !== 'created') problems.push(`container ${SHIPPER.name} is ${created.State.Status}, not only created`);
  const options = Object.entries(created.HostConfig.LogConfig?.Config ?? {}).map(([key, value]) => `${key}=${value}`);
  log('checks', `${SHIPPER.name} created (not started) from the apply program's arguments: docker inspect shows ${created.HostConfig.LogConfig?.Type} ${options.join(' ')}`);
  figures.push(`${SHIPPER.name} (created, not started) ${created.HostConfig.LogConfig?.Type} ${options.join(' ')}`);
  return problems.map((problem) => `${shipper.label}: ${problem}`);
}

/**
 * The account's Secrets Manager as the templates fill it: each secret's ARN
 * (its `Ref`) and its `SecretString` resolved from the lookups' answers,
 * written for the AWS CLI stand-in, readable by root only.
 */
function writeSecretStore(resolver: Resolver, stacks: readonly StackModel[], file: string): string {
  const secrets: Record<string, string> = {};
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      if (resource.Type !== 'AWS::SecretsManager::Secret') continue;
      const arn = resolver.resolveString(stack, { Ref: logicalId }, `${logicalId}.Ref`);
      secrets[arn] = resolver.resolveString(stack, resource.Properties?.SecretString, `${logicalId}.Properties.SecretString`);
    }
  }
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return file;
}

async function checkHost(host: Host, created: readonly CreatedResource[], figures: string[]): Promise<string[]> {
  const { machine, node } = host;
  const at = (problem: string) => `${host.label}: ${problem}`;
  const problems: string[] = [];
  const calls = machine.stubCalls();
  problems.push(...checkDockerInstalled(calls).map(at));
  const injected = calls.filter((candidate) => candidate.args.some((arg) => arg.includes(INJECTED)));
  for (const call of injected) problems.push(at(`a deploy-time value ran as code: ${call.command} ${call.args.join(' ')}`));
  if (crashes(host)) {
    const signalled = checkFailureSignal(calls, CRASHER.name, CRASHER.lastLine);
    log('checks', `${host.label}: a container that exits 1 after 3 s: cfn-signal FAILURE, reason ${JSON.stringify(signalled.reason)}`);
    figures.push(`crash: cfn-signal ${signalled.problems.length === 0 ? 'FAILURE naming crasher and its last log line' : 'WRONG'}`);
    return [...problems, ...signalled.problems.map(at)];
  }
  problems.push(...checkSignal(calls, { stack: node.stack.stackName, resource: node.logicalId, region: REGION }).map(at));

  const containers = await machine.inspectAll();
  const byName = new Map(containers.map((container) => [container.Name.replace(/^\//, ''), container]));
  for (const dockerRun of machine.plan.dockerRuns) problems.push(...checkContainer(dockerRun, byName.get(dockerRun.name)).map(at));
  for (const file of machine.plan.files) {
    const written = machine.writtenFile(file.path);
    problems.push(...checkEnvFile(file.path, written?.mode, written?.content, file.content).map(at));
  }
  for (const dockerRun of machine.plan.dockerRuns) {
    const container = byName.get(dockerRun.name);
    if (!container) continue;
    for (const envFile of dockerRun.envFiles) {
      const file = machine.plan.files.find((candidate) => candidate.path === envFile);
      if (!file) {
        problems.push(at(`container ${dockerRun.name} reads env-file ${envFile}, which the user data does not write`));
        continue;
      }
      problems.push(...checkEnvironment(`container ${dockerRun.name}`, container.Config.Env, envLines(file.content)).map(at));
    }
  }

  if (node.stack.stackName === SERVICE_STACK) {
    problems.push(...checkTenants(TENANTS, containers).map(at));
    for (const tenant of TENANTS) {
      const value = `${tenant.name}:${NON_ASCII_OUTPUT}`;
      const failure = await machine.memcached('set', tenant.port, `e2e-${tenant.name}`, value);
      if (failure) problems.push(at(`tenant ${tenant.name}: memcached set/get through port ${tenant.port} failed: ${failure}`));
      else log('checks', `${host.label}: tenant ${tenant.name}: memcached set/get through port ${tenant.port} ok`);
    }
  }
  if (node.stack.stackName === DAY_TWO_STACK) {
    const secretProblems = await checkSecretHost(machine, byName.get(VAULT.name));
    problems.push(...secretProblems.map(at));
    figures.push(`secret of ${Buffer.byteLength(SECRET_OUTPUT)} bytes ${secretProblems.length === 0 ? 'byte for byte in' : 'WRONG in'} ${VAULT.name}'s environment`);
    const logging = machine.plan.dockerRuns.map((run) => `${run.name} ${run.logging?.driver} ${Object.entries(run.logging?.options ?? {}).map(([key, value]) => `${key}=${value}`).join(' ')}`);
    log('checks', `${host.label}: docker inspect shows the log options: ${logging.join('; ')}`);
    figures.push(`log options in docker inspect: ${logging.join('; ')}`);
  }
  const stackAnswer = created.find((resource) => resource.node.stack === node.stack && resource.node.resource.Type === 'Custom::StackDependency');
  if (stackAnswer && node.stack.stackName !== DAY_TWO_STACK) {
    // An app host: its container with an env-file sees every output of the datastores stack.
    const app = containers.find((container) => machine.plan.dockerRuns.some((run) => run.name === container.Name.replace(/^\//, '') && run.envFiles.length > 0));
    if (!app) problems.push(at('no running container of the app host has an env-file'));
    else {
      const label = `app container ${app.Name.replace(/^\//, '')}`;
      const expected = { ...outputsAsked(stackAnswer.properties), ...(node.stack.stackName === APP_STACK ? APP_ENVIRONMENT : {}) };
      problems.push(...checkEnvironment(label, app.Config.Env, Object.entries(expected).map(([key, value]) => `${key}=${value}`)).map(at));
      problems.push(...checkEnvironment(label, app.Config.Env, envLines(stackAnswer.data.Environment ?? '')).map(at));
      if (expected.Hostile === HOSTILE_OUTPUT) {
        const held = (app.Config.Env ?? []).includes(`Hostile=${HOSTILE_OUTPUT}`);
        log(
          'checks',
          `${host.label}: output Hostile (${Buffer.byteLength(HOSTILE_OUTPUT)} bytes: a heredoc delimiter, $(...), a backtick, control characters) ` +
            `${held ? 'byte for byte' : 'NOT'} in the environment of ${label}; ${injected.length} commands ran with it`,
        );
      }
    }
  }
  log('checks', `${host.label}: ${containers.length} containers checked, ${problems.length} problems`);
  return problems;
}

/**
 * The vault container got the credentials stack's output, a secret, in its
 * environment byte for byte (as `docker inspect` and the running process
 * see it), through an env-file only root can read, which the host wrote
 * from one Secrets Manager call for the container's own secret; it is
 * healthy (its health check needs the secret).
 */
async function checkSecretHost(machine: HostMachine, vault: ContainerInspect | undefined): Promise<string[]> {
  const run = machine.plan.dockerRuns.find((candidate) => candidate.name === VAULT.name);
  if (!vault || !run?.secretEnvFile) return [`container ${VAULT.name} ${vault ? 'has no secret env-file in its host file' : 'does not exist'}`];
  const problems: string[] = [];
  const line = `ApiToken=${SECRET_OUTPUT}`;
  if (!(vault.Config.Env ?? []).includes(line)) problems.push(`container ${VAULT.name}: docker inspect shows no environment line ${JSON.stringify(line)}`);
  const printed = (await machine.engine.docker(['exec', VAULT.name, 'printenv', 'ApiToken'], true)).stdout;
  if (printed !== `${SECRET_OUTPUT}\n`) problems.push(`container ${VAULT.name}: its process sees ApiToken=${JSON.stringify(printed)}, not ${JSON.stringify(SECRET_OUTPUT)}`);
  if (vault.State.Health?.Status !== 'healthy') problems.push(`container ${VAULT.name} is ${vault.State.Health?.Status ?? 'without a health check'}, not healthy`);
  const written = machine.writtenFile(run.secretEnvFile);
  problems.push(...checkEnvFile(run.secretEnvFile, written?.mode, written?.content, `${line}\n`));
  const arn = (hostFileOf(machine.metadata ?? {}).containers.find((container) => container.name === VAULT.name) as { secretArn?: string } | undefined)?.secretArn;
  const reads = machine.awsCalls().filter((call) => call.service === 'secretsmanager');
  const own = reads.filter((call) => call.action === 'get-secret-value' && (call.options as Record<string, unknown>)['secret-id'] === arn);
  if (reads.length !== 1 || own.length !== 1) problems.push(`the host called Secrets Manager ${reads.length} times (${JSON.stringify(reads)}), not once for the vault's secret ${arn}`);
  log(
    'checks',
    `secret: ${Buffer.byteLength(SECRET_OUTPUT)} bytes from ${reads.length} get-secret-value call reached ${VAULT.name}'s environment ${printed === `${SECRET_OUTPUT}\n` ? 'byte for byte' : 'CHANGED'} ` +
      `(docker inspect and printenv); ${run.secretEnvFile} mode ${((written?.mode ?? 0) & 0o777).toString(8)}`,
  );
  return problems;
}

/**
 * Applies an update the way cfn-hup would: the app synthesized again with
 * alpha's memory changed and tenant gamma added, the new metadata resolved
 * with the lookups' answers (their properties did not change, so
 * CloudFormation does not run them again) and handed to the host, and the
 * hook's action run. Then the instance must be the one it was (same resolved
 * properties, same engine, user data not run again), beta the same container
 * with its key, alpha recreated and gamma started, both answering, and the
 * new wait condition signalled with success.
 */
async function updateInPlace(service: Host, created: readonly CreatedResource[], deployed: Resolver, repo: string, work: string, figures: string[]): Promise<string[]> {
  const { machine, node } = service;
  const problems: string[] = [];
  const keys = TENANTS.map((tenant) => ({ tenant, key: `day-one-${tenant.name}`, value: `${tenant.name} before the update: ${NON_ASCII_OUTPUT}` }));
  for (const { tenant, key, value } of keys) {
    const failure = await machine.memcached('set', tenant.port, key, value);
    if (failure) problems.push(`tenant ${tenant.name}: set ${key} before the update failed: ${failure}`);
  }
  const before = await machine.inspectAll();
  const enginePid = readFileSync(machine.engine.pidFile, 'utf8').trim();

  const synthStarted = Date.now();
  const outdir = synthesizeHere(repo, path.join(work, 'update.out'), appContext(LOCAL_IMAGE, UPDATED_TENANTS), (app) => buildApp(app));
  const synthMs = Date.now() - synthStarted;
  const stacks = loadAssembly(outdir);
  const stack = stacks.find((candidate) => candidate.stackName === SERVICE_STACK);
  const instance = stack?.template.Resources[node.logicalId];
  if (!stack || !instance) return [...problems, `the updated app has no instance ${node.logicalId} in ${SERVICE_STACK}: CloudFormation would replace the host`];
  const resolver = new Resolver(stacks, TARGET);
  for (const answer of created.filter((resource) => resource.node.stack === node.stack)) {
    const properties = stack.template.Resources[answer.node.logicalId]?.Properties;
    const same = properties !== undefined && JSON.stringify(properties) === JSON.stringify(answer.node.resource.Properties);
    if (!same) problems.push(`the update changes the properties of lookup ${answer.node.logicalId}, so CloudFormation would run it again`);
    resolver.answer(stack, answer.node.logicalId, { physicalId: answer.physicalId, data: answer.data });
  }
  const oldProperties = JSON.stringify(deployed.resolve(node.stack, node.resource.Properties, `${node.logicalId}.Properties`));
  const newProperties = JSON.stringify(resolver.resolve(stack, instance.Properties, `${node.logicalId}.Properties`));
  if (oldProperties !== newProperties) problems.push(`the update changes the instance's properties, so CloudFormation would update or replace it:\n${oldProperties}\n${newProperties}`);
  const metadata = resolvedMetadata(resolver, { ...node, stack, resource: instance });
  if (!metadata) return [...problems, 'the updated instance has no AWS::CloudFormation::Init metadata'];
  const applyId = (hostFileOf(metadata) as { applyId?: string }).applyId ?? '';
  const oldApplyId = (hostFileOf(machine.metadata ?? {}) as { applyId?: string }).applyId ?? '';
  if (applyId === oldApplyId) problems.push(`the update keeps apply id ${applyId}, so the stack would not wait for it`);

  const callsBefore = machine.stubCalls().length;
  machine.updateMetadata(metadata);
  const action = machine.hookAction('/etc/cfn/hooks.d/docker-host.conf');
  const started = Date.now();
  const applied = await machine.runCommand(action);
  const applyMs = Date.now() - started;
  if (applied.code !== 0) problems.push(`the cfn-hup action ${action} exited with ${applied.code}: ${`${applied.stdout}${applied.stderr}`.trim()}`);
  problems.push(...checkUpdateCalls(machine.stubCalls().slice(callsBefore), applyId));
  const after = await machine.inspectAll();
  const changes = containerChanges(before, after);
  const expected = { recreated: ['memcached-alpha'], kept: ['memcached-beta'], restarted: [], started: ['memcached-gamma'], removed: [] };
  if (JSON.stringify(changes) !== JSON.stringify(expected)) problems.push(`the update changed the containers as ${JSON.stringify(changes)}, not ${JSON.stringify(expected)}`);
  problems.push(...checkTenants(UPDATED_TENANTS, after));
  if (readFileSync(machine.engine.pidFile, 'utf8').trim() !== enginePid) problems.push('the host\'s Docker engine was restarted by the update');

  const beta = keys.find(({ tenant }) => tenant.name === 'beta')!;
  const kept = await machine.memcached('get', beta.tenant.port, beta.key, beta.value);
  if (kept) problems.push(`tenant beta lost its key ${beta.key} in the update: ${kept}`);
  const answering: string[] = [];
  for (const tenant of UPDATED_TENANTS.filter((candidate) => candidate.name !== 'beta')) {
    const failure = await machine.memcached('set', tenant.port, `day-two-${tenant.name}`, `${tenant.name} after the update`);
    if (failure) problems.push(`tenant ${tenant.name}: memcached set/get through port ${tenant.port} after the update failed: ${failure}`);
    else answering.push(tenant.name);
  }
  log(
    'update',
    `re-synthesized in ${(synthMs / 1000).toFixed(1)} s; cfn-hup action applied in ${(applyMs / 1000).toFixed(1)} s (apply id ${oldApplyId} -> ${applyId}): ` +
      `recreated ${changes.recreated.join(', ') || 'none'}; started ${changes.started.join(', ') || 'none'}; untouched ${changes.kept.join(', ') || 'none'} ` +
      `(same container id${kept ? '' : ', key kept'}); answering after: ${answering.join(', ') || 'none'}; ` +
      `instance properties ${oldProperties === newProperties ? 'unchanged' : 'CHANGED'}, engine pid ${enginePid} kept, user data not run again`,
  );
  figures.push(
    `update in place in ${(applyMs / 1000).toFixed(1)} s: recreated ${changes.recreated.join(', ') || 'none'}, started ${changes.started.join(', ') || 'none'}, ` +
      `untouched ${changes.kept.join(', ') || 'none'}${kept ? '' : ' with its key'}`,
  );
  return problems.map((problem) => `${SERVICE_STACK} update: ${problem}`);
}

/**
 * The secret must be in no file the run keeps: the logs (handlers, user
 * data, cfn-hup's actions, dockerd), the synthesized templates and assets,
 * the metadata, host files and stub logs of every host, and the containers'
 * own files and logs in the engines. The image layers and the engines'
 * runtime state are not searched; the places a secret is meant to be are
 * named: the stand-in Secrets Manager, the secret env-file on the vault's
 * host and the container configuration the engine keeps (its environment).
 * The search must find it in the env-file, so that it is known to find it
 * at all.
 */
function searchForSecret(hosts: readonly Host[], roots: readonly string[], secretStore: string, figures: string[]): string[] {
  const envFiles = hosts.flatMap((host) =>
    host.machine.plan.dockerRuns.flatMap((run) => (run.secretEnvFile ? [host.machine.upperPath(run.secretEnvFile)] : [])),
  );
  const meant = (file: string) => file === secretStore || envFiles.includes(file) || /\/engine\/data\/containers\/[0-9a-f]+\/config\.v2\.json$/.test(file);
  const layers = (file: string) => /\/engine\/(exec|data\/(overlay2|image|buildkit|containerd|runtimes|tmp))$/.test(file);
  const search = searchFiles(roots, [SECRET_OUTPUT, SECRET_MARKER], layers);
  const leaks = search.found.filter(({ file }) => !meant(file));
  const problems = [
    ...leaks.map(({ file, needle }) => `the secret${needle === SECRET_MARKER ? "'s marker" : ''} is in ${file}`),
    ...search.unreadable.map((file) => `the secret search could not read ${file}`),
  ];
  if (!search.found.some(({ file }) => envFiles.includes(file))) problems.push(`the search did not find the secret in its env-file ${envFiles.join(', ') || '(none)'}, so it cannot be trusted`);
  const where = [...new Set(search.found.filter(({ file }) => meant(file)).map(({ file }) => path.basename(file)))];
  figures.push(`secret in ${leaks.length} of ${search.files} files kept`);
  log('secret search', `${search.files} files (${(search.bytes / 1024 / 1024).toFixed(1)} MiB) searched: the secret in ${leaks.length} of them; only where it is meant to be: ${where.join(', ')}`);
  return problems;
}

/** The outputs a StackDependency asks for of its stack in the fake account: all, or its `Includes`, less its `Excludes`. */
function outputsAsked(properties: Readonly<Record<string, unknown>>): Record<string, string> {
  const names = (value: unknown) => (typeof value === 'string' && value !== '' ? value.split(',').map((name) => name.trim()) : undefined);
  const includes = names(properties.Includes);
  const excludes = names(properties.Excludes) ?? [];
  return Object.fromEntries(
    Object.entries(stackOutputs(String(properties.StackName))).filter(([key]) => (includes === undefined || includes.includes(key)) && !excludes.includes(key)),
  );
}

function summarizeCalls(fakeAws: FakeAws): string {
  const counts = new Map<string, number>();
  for (const call of fakeAws.calls) counts.set(`${call.service}.${call.action}`, (counts.get(`${call.service}.${call.action}`) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${name} x${count}`).join(', ');
}
