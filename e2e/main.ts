import path from 'node:path';
import { APP_ENVIRONMENT, APP_STACK, appContext, SERVICE_STACK, TEMPLATES, TENANTS } from './app-context';
import { loadAssembly } from './cloudformation/assembly';
import { CustomResources, describeNode, type CreatedResource } from './cloudformation/custom-resources';
import { Resolver } from './cloudformation/intrinsics';
import { creationOrder, type ResourceNode } from './cloudformation/order';
import type { StackModel } from './cloudformation/template';
import { readYamlTemplate } from './cloudformation/yaml';
import {
  checkContainer,
  checkDockerInstalled,
  checkEnvFile,
  checkEnvironment,
  checkOutputsInEnvironment,
  checkSignal,
  checkTenants,
  envLines,
} from './docker/checks';
import { HostMachine } from './docker/host';
import { importMemcachedImage, LOCAL_IMAGE, memcachedRootfs } from './docker/image';
import { FakeAws } from './fake-aws/server';
import { ACCOUNT, ACCOUNT_ID, datastoresOutputs, expectedLookup, INJECTED, NON_ASCII_OUTPUT, REGION } from './fixture';
import { refusedAccesses } from './lambda/invoke';
import { ResponseServer } from './lambda/response-server';
import { isLoopback } from './loopback';
import { check, describeError, Failure, log, runScaffolded, type RunOptions } from './scaffold';
import { synthesize } from './synth';

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
    const stacks = await phases.time('synth', async () => {
      const assembly = await synthesizeApp(options, work);
      return [...loadAssembly(assembly), ...plainTemplates(options.repo)];
    });
    log('synth', `stacks: ${stacks.map((stack) => stack.stackName).join(', ')}`);

    const fakeAws = new FakeAws(ACCOUNT);
    const responses = new ResponseServer();
    const endpoint = await fakeAws.start();
    await responses.start();
    run.cleanup(async () => {
      await fakeAws.stop();
      await responses.stop();
      return [];
    });
    const refusedLog = path.join(work, 'refused-network');
    const resolver = new Resolver(stacks, { accountId: ACCOUNT_ID, region: REGION, partition: 'aws', urlSuffix: 'amazonaws.com' });
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

      const hosts = hostsOf(order, resolver, work, logDir, options.harnessDir);
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
      for (const host of hosts) {
        const result = await phases.time('user data', () => host.machine.runUserData());
        log('user data', `${host.label}: exit ${result.exitCode} after ${result.durationMs} ms`);
        if (result.exitCode !== 0) problems.push(`${host.label}: the user data exited with ${result.exitCode}; its output:\n${result.output.trim().split('\n').slice(-20).join('\n')}`);
      }
      await phases.time('checks', async () => {
        for (const host of hosts) problems.push(...(await checkHost(host, created)));
      });
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
function hostsOf(order: readonly ResourceNode[], resolver: Resolver, work: string, logDir: string, harnessDir: string): Host[] {
  return order
    .filter((node) => node.resource.Type === 'AWS::EC2::Instance' && node.resource.Properties?.UserData !== undefined)
    .map((node, i) => {
      const encoded = resolver.resolveString(node.stack, node.resource.Properties?.UserData, `${node.logicalId}.Properties.UserData`);
      const script = Buffer.from(encoded, 'base64').toString('utf8');
      if (Buffer.from(script, 'utf8').toString('base64') !== encoded) {
        throw new Failure([`${node.stack.stackName}/${node.logicalId}: UserData is not Fn::Base64 of a script`]);
      }
      const label = `${node.stack.stackName}/${node.logicalId}`;
      const init = node.resource.Metadata?.['AWS::CloudFormation::Init'];
      const metadata =
        init === undefined
          ? undefined
          : { 'AWS::CloudFormation::Init': resolver.resolve(node.stack, init, `${node.logicalId}.Metadata`) as Record<string, any> };
      const machine = new HostMachine(
        label,
        script,
        { workDir: path.join(work, `host-${i}`), netns: `e2e-${process.pid}-${i}`, logDir, harnessDir },
        metadata,
      );
      return { label, node, machine };
    });
}

async function checkHost(host: Host, created: readonly CreatedResource[]): Promise<string[]> {
  const { machine, node } = host;
  const at = (problem: string) => `${host.label}: ${problem}`;
  const problems: string[] = [];
  const calls = machine.stubCalls();
  problems.push(...checkSignal(calls, { stack: node.stack.stackName, resource: node.logicalId, region: REGION }).map(at));
  problems.push(...checkDockerInstalled(calls).map(at));
  for (const call of calls.filter((candidate) => candidate.args.some((arg) => arg.includes(INJECTED)))) {
    problems.push(at(`a deploy-time value ran as code: ${call.command} ${call.args.join(' ')}`));
  }

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
      const failure = await machine.memcachedRoundTrip(tenant.port, `e2e-${tenant.name}`, value);
      if (failure) problems.push(at(`tenant ${tenant.name}: memcached set/get through port ${tenant.port} failed: ${failure}`));
      else log('checks', `${host.label}: tenant ${tenant.name}: memcached set/get through port ${tenant.port} ok`);
    }
  }
  const stackAnswer = created.find((resource) => resource.node.stack === node.stack && resource.node.resource.Type === 'Custom::StackDependency');
  if (stackAnswer) {
    // An app host: its container with an env-file sees every output of the datastores stack.
    const app = containers.find((container) => machine.plan.dockerRuns.some((run) => run.name === container.Name.replace(/^\//, '') && run.envFiles.length > 0));
    if (!app) problems.push(at('no running container of the app host has an env-file'));
    else {
      const label = `app container ${app.Name.replace(/^\//, '')}`;
      const expected = { ...outputsAsked(stackAnswer.properties), ...(node.stack.stackName === APP_STACK ? APP_ENVIRONMENT : {}) };
      problems.push(...checkEnvironment(label, app.Config.Env, Object.entries(expected).map(([key, value]) => `${key}=${value}`)).map(at));
      problems.push(...checkEnvironment(label, app.Config.Env, envLines(stackAnswer.data.Environment ?? '')).map(at));
    }
  }
  log('checks', `${host.label}: ${containers.length} containers checked, ${problems.length} problems`);
  return problems;
}

/** The datastores stack's outputs a StackDependency asks for: all, or its `Includes`, less its `Excludes`. */
function outputsAsked(properties: Readonly<Record<string, unknown>>): Record<string, string> {
  const names = (value: unknown) => (typeof value === 'string' && value !== '' ? value.split(',').map((name) => name.trim()) : undefined);
  const includes = names(properties.Includes);
  const excludes = names(properties.Excludes) ?? [];
  return Object.fromEntries(
    Object.entries(datastoresOutputs()).filter(([key]) => (includes === undefined || includes.includes(key)) && !excludes.includes(key)),
  );
}

function summarizeCalls(fakeAws: FakeAws): string {
  const counts = new Map<string, number>();
  for (const call of fakeAws.calls) counts.set(`${call.service}.${call.action}`, (counts.get(`${call.service}.${call.action}`) ?? 0) + 1);
  return [...counts].map(([name, count]) => `${name} x${count}`).join(', ');
}
