import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseProperties } from '../../contracts/properties';
import { CustomResourcesStack } from '../../lib/custom-resources-stack';
import { contractOf } from '../../contracts/registry';
import { isAttribute } from '../../contracts/contract';
import { Resolver } from '../../testkit/cloudformation/intrinsics';
import type { CfnTemplate, StackModel } from '../../testkit/cloudformation/template';
import { itRunning } from '../helpers/host-tools';
import { parseYamlTemplate } from '../../testkit/cloudformation/yaml';
import { runWithStubs } from './user-data';

const DIR = path.join(__dirname, '..', '..', 'templates');
const FILES = readdirSync(DIR).filter((file) => file.endsWith('.yaml')).sort();

/** Values for parameters without a default (or an empty one) and for attributes, as a deployment would have them. */
const SAMPLES: Record<string, string> = {
  'AWS::StackName': 'docker-host',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  CacheId: 'sessions',
  DatastoresStackName: 'datastores-dev',
  CertificateDomainName: 'www.example.com',
  PrivateDomainName: 'internal.example.com',
  'Vpc.VpcId': 'vpc-0abc1234',
  'Datastores.Environment': 'DbHost=db.internal\nDbPort=5432\nGreeting=it\'s "$HOME" `id`\n',
};

const PSEUDO_PARAMETERS = ['AWS::StackName', 'AWS::StackId', 'AWS::Region', 'AWS::AccountId', 'AWS::Partition', 'AWS::NoValue', 'AWS::URLSuffix'];

interface Resource {
  Type: string;
  Condition?: string;
  Properties?: Record<string, unknown>;
}

const templates = Object.fromEntries(FILES.map((file) => [file, parseYamlTemplate(readFileSync(path.join(DIR, file), 'utf8'))]));

it('has example templates', () => {
  // GIVEN the templates folder
  // THEN
  expect(FILES).toEqual(['docker-host.yaml', 'legacy-route53.yaml', 'lookups.yaml']);
});

describe.each(FILES)('%s', (file) => {
  const template = templates[file];
  const resources: Record<string, Resource> = template.Resources;
  const lookups = Object.entries(resources).filter(([, resource]) => resource.Type.startsWith('Custom::'));

  it('uses only the six lookup types, each through its exported function or its original function name', () => {
    // GIVEN the template's custom resources
    // THEN
    expect(lookups.length).toBeGreaterThan(0);
    for (const [, resource] of lookups) {
      const type = contractOf(resource.Type);
      expect(type).toBeDefined();
      expect([
        { 'Fn::ImportValue': `CustomResources-${type?.id}ServiceToken` },
        { 'Fn::Sub': `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${type?.legacyName}` },
      ]).toContainEqual(resource.Properties?.ServiceToken);
    }
  });

  it('gives each lookup properties its handler accepts', () => {
    // GIVEN the template's custom resources, with parameters and attributes filled in
    // WHEN
    const parse = () =>
      lookups.map(([, resource]) => parseProperties(contractOf(resource.Type)?.schema ?? {}, deployment(file).resolve(resource.Properties) as Record<string, unknown>));
    // THEN
    expect(parse).not.toThrow();
  });

  it('reads only attributes the lookups answer with', () => {
    // GIVEN every Fn::GetAtt, also those inside Fn::Sub
    const reads = attributeReads(template);
    // WHEN
    const unknown = reads.filter(([name, attribute]) => {
      const type = resources[name]?.Type ?? '';
      const contract = contractOf(type);
      return type.startsWith('Custom::') && !(contract && isAttribute(contract, attribute));
    });
    // THEN
    expect(reads.length).toBeGreaterThan(0);
    expect(unknown).toEqual([]);
  });

  it('refers only to parameters, resources and conditions it declares', () => {
    // GIVEN
    const declared = [...Object.keys(template.Parameters ?? {}), ...Object.keys(resources), ...PSEUDO_PARAMETERS];
    const conditions = Object.keys(template.Conditions ?? {});
    // WHEN
    const refs = [...references(template)];
    const used = Object.values<Resource>(resources).flatMap((r) => (r.Condition ? [r.Condition] : []));
    // THEN
    expect(refs.filter((name) => !declared.includes(name))).toEqual([]);
    expect(used.filter((name) => !conditions.includes(name))).toEqual([]);
  });
});

it('the templates use every lookup type through the CustomResources exports', () => {
  // GIVEN the exports of the CustomResources stack
  const exports = Object.values(Template.fromStack(new CustomResourcesStack(new App(), 'CustomResources')).findOutputs('*')).map(
    (output) => output.Export.Name,
  );
  // WHEN
  const imported = new Set(FILES.flatMap((file) => [...imports(templates[file])]));
  // THEN
  expect([...imported].sort()).toEqual([...exports].sort());
});

describe('docker-host.yaml user data', () => {
  let script: string;
  beforeAll(() => {
    const userData = (templates['docker-host.yaml'].Resources.Host.Properties?.UserData as Record<string, unknown>)['Fn::Base64'];
    script = deployment('docker-host.yaml').resolve(userData) as string;
  });

  itRunning('bash')('writes the datastores stack\'s outputs to a root-only env-file and runs the app with it', () => {
    // GIVEN the user data with its env-files redirected to a temporary folder
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'docker-host-yaml-')), 'env');
    const line = 'env_dir=/etc/docker-host';
    expect(script.split('\n')).toContain(line);
    // WHEN
    const { status, calls } = runWithStubs(script.replace(line, `env_dir=${dir}`));
    // THEN
    const file = path.join(dir, 'app.env');
    expect(status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(`${SAMPLES['Datastores.Environment']}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(calls).toEqual([
      ['dnf', 'install', '-y', 'docker', 'aws-cfn-bootstrap'],
      ['systemctl', 'enable', '--now', 'docker'],
      [
        'docker', 'run', '--detach', '--name', 'app', '--restart', 'always', '--publish', '8080:80/tcp',
        '--env-file', file, 'public.ecr.aws/nginx/nginx:1.27-alpine',
      ],
      ['cfn-signal', '--exit-code', '0', '--stack', 'docker-host', '--resource', 'Host', '--region', 'eu-west-1'],
    ]);
  });

  it.each(['public.ecr.aws/nginx/nginx:1.27-alpine', 'registry.internal:5000/team/app@sha256:0123abcd', 'e2e/memcached:local'])(
    'accepts the image name %s as AppImage',
    (image) => {
      // GIVEN the parameter's pattern, which CloudFormation matches against the whole value
      const pattern = appImagePattern();
      // THEN
      expect(pattern.test(image)).toBe(true);
    },
  );

  it.each(["nginx'; reboot; echo '", 'nginx:$(id)', 'nginx latest'])(
    'refuses %s as AppImage, which the user data\'s shell would read more into',
    (image) => {
      // GIVEN the parameter's pattern, which CloudFormation matches against the whole value
      const pattern = appImagePattern();
      // THEN
      expect(pattern.test(image)).toBe(false);
    },
  );
});

/**
 * The template deployed as CloudFormation would do it, with the test kit's
 * resolver: parameters without a default (or with an empty one) take a
 * sample, each lookup answers with the sample attributes named after it
 * (`Datastores.Environment`), and the CustomResources stack exports its
 * functions. Returns the resolver of the template's values.
 */
function deployment(file: string): { resolve: (value: unknown) => unknown } {
  const known = deployments.get(file);
  if (known) return known;
  const template = templates[file] as CfnTemplate;
  const parameters = Object.fromEntries(
    Object.entries(template.Parameters ?? {})
      .filter(([, parameter]) => parameter.Default === undefined || parameter.Default === '')
      .map(([name]) => [name, SAMPLES[name]]),
  );
  const stack: StackModel = { stackName: SAMPLES['AWS::StackName'], template, parameters, dependsOn: ['CustomResources'] };
  customResourcesTemplate ??= Template.fromStack(new CustomResourcesStack(new App(), 'CustomResources')).toJSON() as CfnTemplate;
  const customResources: StackModel = { stackName: 'CustomResources', template: customResourcesTemplate };
  const resolver = new Resolver([customResources, stack], { accountId: SAMPLES['AWS::AccountId'], region: SAMPLES['AWS::Region'], partition: 'aws', urlSuffix: 'amazonaws.com' });
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    if (!resource.Type.startsWith('Custom::')) continue;
    const data = Object.fromEntries(
      Object.entries(SAMPLES)
        .filter(([name]) => name.startsWith(`${logicalId}.`))
        .map(([name, value]) => [name.slice(logicalId.length + 1), value]),
    );
    resolver.answer(stack, logicalId, { physicalId: `${logicalId}-id`, data });
  }
  const deployed = { resolve: (value: unknown) => resolver.resolve(stack, value, file) };
  deployments.set(file, deployed);
  return deployed;
}

const deployments = new Map<string, { resolve: (value: unknown) => unknown }>();
let customResourcesTemplate: CfnTemplate | undefined;

/** The `AllowedPattern` of docker-host.yaml's AppImage parameter. */
function appImagePattern(): RegExp {
  const parameter = templates['docker-host.yaml'].Parameters?.AppImage as { AllowedPattern?: string } | undefined;
  return new RegExp(parameter?.AllowedPattern ?? '');
}

/** Every `[resource, attribute]` read with Fn::GetAtt or `${resource.attribute}` in Fn::Sub. */
function attributeReads(value: unknown): Array<[string, string]> {
  return walk(value).flatMap((node) => {
    if ('Fn::GetAtt' in node) return [node['Fn::GetAtt'] as [string, string]];
    if ('Fn::Sub' in node) {
      const text = Array.isArray(node['Fn::Sub']) ? node['Fn::Sub'][0] : node['Fn::Sub'];
      return [...String(text).matchAll(/\$\{([A-Za-z0-9]+)\.([A-Za-z0-9.]+)\}/g)].map(([, r, a]) => [r, a] as [string, string]);
    }
    return [];
  });
}

/** Every name used with Ref, Fn::GetAtt or `${...}` in Fn::Sub. */
function references(value: unknown): Set<string> {
  const names = new Set<string>();
  for (const node of walk(value)) {
    if ('Ref' in node) names.add(String(node.Ref));
    if ('Fn::GetAtt' in node) names.add((node['Fn::GetAtt'] as string[])[0]);
    if ('Fn::Sub' in node) {
      const [text, variables] = Array.isArray(node['Fn::Sub']) ? node['Fn::Sub'] : [node['Fn::Sub'], {}];
      for (const [, name] of String(text).matchAll(/\$\{([^}.!]+)(?:\.[^}]*)?\}/g)) if (!(name in variables)) names.add(name);
    }
  }
  return names;
}

function imports(value: unknown): Set<string> {
  return new Set(walk(value).filter((node) => 'Fn::ImportValue' in node).map((node) => String(node['Fn::ImportValue'])));
}

function walk(value: unknown): Array<Record<string, any>> {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(walk);
  return [value as Record<string, any>, ...Object.values(value).flatMap(walk)];
}
