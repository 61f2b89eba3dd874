/**
 * `npm run lint`: shellcheck over every shell script the project ships and
 * every user data script it renders (the hosts of the synthesized app and of
 * templates/) and every shell script of a resource's cfn-init metadata, then cfn-lint over every synthesized template and templates/.
 * Synthesizes the app first, offline, once per environment in cdk.json, into
 * cdk.out/<environment>. Prints each finding and exits 1 on any shellcheck
 * finding or cfn-lint error; cfn-lint warnings are printed and pass.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../bin/app';
import { resolveIntrinsics, type Leaves } from '../testkit/cloudformation/intrinsics';
import { readYamlTemplate } from '../testkit/cloudformation/yaml';

const ROOT = path.resolve(__dirname, '..');
const CDK_OUT = path.join(ROOT, 'cdk.out');
const TEMPLATES = path.join(ROOT, 'templates');

/** What stands for a deploy-time value (`Ref`, `Fn::GetAtt`, ...) in a rendered script. */
const DEPLOY_TIME_VALUE = 'deploy-time-value';

interface Script {
  /** Where it comes from, as findings name it. */
  readonly source: string;
  readonly text: string;
}

function main(): number {
  requireTool('shellcheck', 'apt-get install -y shellcheck');
  requireTool('cfn-lint', 'pip install cfn-lint');

  const synthesized = synthesize();
  const shipped = readdirSync(TEMPLATES)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => path.join(TEMPLATES, file));

  const scripts = [
    ...shippedScripts(),
    ...synthesized.flatMap((file) => userData(file, JSON.parse(readFileSync(file, 'utf8')))),
    ...synthesized.flatMap((file) => metadataScripts(file, JSON.parse(readFileSync(file, 'utf8')))),
    ...shipped.flatMap((file) => userData(file, readYamlTemplate(file))),
  ];
  const shellFindings = shellcheck(scripts);
  const cfnErrors = cfnLint([...synthesized, ...shipped]);

  console.log(
    `lint: shellcheck ${scripts.length} scripts, ${shellFindings} with findings; ` +
      `cfn-lint ${synthesized.length + shipped.length} templates, ${cfnErrors ? 'errors' : 'no errors'}`,
  );
  return shellFindings === 0 && !cfnErrors ? 0 : 1;
}

function requireTool(command: string, install: string): void {
  const result = spawnSync(command, ['--version'], { encoding: 'utf8' });
  if (result.error) {
    console.error(`lint: ${command} is not installed; install it with: ${install}`);
    process.exit(1);
  }
}

/**
 * The app of each environment in cdk.json, with the context `cdk synth`
 * gives it, synthesized into cdk.out/<environment>; returns the template files.
 */
function synthesize(): string[] {
  const { context } = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, any> };
  rmSync(CDK_OUT, { recursive: true, force: true });
  return Object.keys(context.environments).flatMap((env) => {
    const outdir = path.join(CDK_OUT, env);
    const assembly = buildApp(new App({ context: { ...context, env }, outdir })).synth();
    return assembly.stacks.map((stack) => stack.templateFullPath);
  });
}

/**
 * The shell scripts in the repository, as files: `*.sh` (among them the
 * swarm's deploy, drain and reload helpers in lib/swarm/, their `@NAME@`
 * words as they ship) and the CI entry point.
 */
function shippedScripts(): Script[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--', '*.sh', '.ci/run'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout
    .split('\0')
    .filter((file) => file !== '')
    .map((file) => ({ source: file, text: readFileSync(path.join(ROOT, file), 'utf8') }));
}

/**
 * The user data of every EC2 instance and launch template in a template,
 * rendered as the instance would get it, and the shell scripts it writes
 * with a quoted here-document (`cat > /usr/local/sbin/x <<'END_OF_X'`): the
 * swarm's helpers with their synth-time words filled in.
 */
function userData(file: string, template: { Resources?: Record<string, { Type: string; Properties?: Record<string, any> }> }): Script[] {
  return Object.entries(template.Resources ?? {}).flatMap(([id, resource]) => {
    const properties = resource.Properties ?? {};
    const data = resource.Type === 'AWS::EC2::LaunchTemplate' ? properties.LaunchTemplateData?.UserData : properties.UserData;
    if (data === undefined) return [];
    const source = `${path.relative(ROOT, file)} ${id}`;
    const encoded = data['Fn::Base64'];
    const text = encoded === undefined ? Buffer.from(render(data, source), 'base64').toString('utf8') : render(encoded, source);
    const written = [...text.matchAll(/^cat > (\S+) <<'(\w+)'\n(#!\/bin\/(?:ba)?sh\n[\s\S]*?)\n\2$/gm)].map(([, target, , script]) => ({ source: `${source} ${target}`, text: `${script}\n` }));
    return [{ source, text }, ...written];
  });
}

/**
 * The shell scripts cfn-init writes from a resource's metadata (a file whose
 * content starts with a bash or sh shebang, such as the swarm's deploy
 * helper), rendered as the instance would get them.
 */
function metadataScripts(file: string, template: { Resources?: Record<string, { Metadata?: Record<string, any> }> }): Script[] {
  return Object.entries(template.Resources ?? {}).flatMap(([id, resource]) =>
    Object.entries<{ content?: unknown }>(resource.Metadata?.['AWS::CloudFormation::Init']?.config?.files ?? {}).flatMap(([target, spec]) => {
      const source = `${path.relative(ROOT, file)} ${id} ${target}`;
      if (spec.content === undefined || (typeof spec.content === 'object' && !('Fn::Join' in (spec.content as object)))) return [];
      const text = render(spec.content, source);
      return /^#!\/bin\/(?:ba)?sh\n/.test(text) ? [{ source, text }] : [];
    }),
  );
}

/** Every value known only at deploy time (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`) becomes `deploy-time-value`. */
const DEPLOY_TIME: Leaves = {
  ref: () => DEPLOY_TIME_VALUE,
  getAtt: () => DEPLOY_TIME_VALUE,
  importValue: () => DEPLOY_TIME_VALUE,
};

/** A value with its intrinsics resolved, every value known only at deploy time written as `deploy-time-value`. */
function render(value: unknown, at: string): string {
  const rendered = resolveIntrinsics(value, DEPLOY_TIME, at);
  if (typeof rendered !== 'string') throw new Error(`${at} renders to ${JSON.stringify(rendered)}, not a string`);
  return rendered;
}

/** Runs shellcheck on each script; prints the findings and returns how many scripts had some. */
function shellcheck(scripts: readonly Script[]): number {
  let withFindings = 0;
  for (const script of scripts) {
    const result = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', '-'], { input: script.text, encoding: 'utf8' });
    if (result.status === 0) continue;
    withFindings += 1;
    console.error(`shellcheck: ${script.source}`);
    console.error(output(result).replace(/^-:/gm, '  line '));
  }
  return withFindings;
}

/**
 * Runs cfn-lint over the templates; prints what it says. Its exit code is a
 * bit mask: 2 errors, 4 warnings, 8 informational; 1 means it could not run.
 */
function cfnLint(files: readonly string[]): boolean {
  // W3005: the CDK writes a DependsOn on each function's role beside the GetAtt of it, on purpose.
  const result = spawnSync('cfn-lint', ['--format', 'parseable', '--ignore-checks', 'W3005', '--', ...files], { encoding: 'utf8' });
  const said = output(result).trim();
  if (said !== '') console.error(said);
  return result.status === null || (result.status & 0b11) !== 0;
}

function output(result: SpawnSyncReturns<string>): string {
  return `${result.stdout}${result.stderr}`;
}

process.exitCode = main();
