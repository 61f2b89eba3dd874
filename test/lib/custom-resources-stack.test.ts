import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTRACTS } from '../../contracts/registry';
import { CustomResourcesStack } from '../../lib/custom-resources-stack';
import { StackDependency, VpcDependency } from '../../lib/dependencies';
import { PropError } from '../../lib/errors';
import { thrownBy } from '../helpers/thrown';

const TYPES = CONTRACTS.map((contract) => contract.id);

let stack: CustomResourcesStack;
let template: Template;
let legacy: Template;

beforeAll(() => {
  stack = new CustomResourcesStack(new App(), 'CustomResources');
  template = Template.fromStack(stack);
  legacy = Template.fromStack(new CustomResourcesStack(new App(), 'CustomResources', { legacyFunctionNames: true }));
});

it('deploys one function per lookup type, each with its own role and log group', () => {
  // GIVEN the stack above
  // THEN
  template.resourceCountIs('AWS::Lambda::Function', CONTRACTS.length);
  template.resourceCountIs('AWS::IAM::Role', CONTRACTS.length);
  template.resourceCountIs('AWS::Logs::LogGroup', CONTRACTS.length);
  template.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', FunctionName: Match.absent() });
});

it.each(TYPES)('exports the ARN of the %s function for plain templates', (type) => {
  // GIVEN the stack above
  // THEN
  template.hasOutput(`${type}ServiceToken`, {
    Value: { 'Fn::GetAtt': [template.getResourceId('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp(`Custom::${type} `) } }), 'Arn'] },
    Export: { Name: `CustomResources-${type}ServiceToken` },
  });
});

/** The lookup types of the original Sony Mobile functions, with those functions' names. */
const LEGACY_NAMES = [
  ['Route53Dependency', 'route53Dependency'],
  ['VpcDependency', 'vpcDependency'],
  ['ImageDependency', 'imageDependency'],
  ['ElasticacheDependency', 'elasticacheDependency'],
  ['StackDependency', 'stackDependency'],
  ['CertificateDependency', 'certificateDependency'],
];

it('still has every lookup type the original functions answered', () => {
  expect(TYPES).toEqual(expect.arrayContaining(LEGACY_NAMES.map(([type]) => type)));
});

it.each(LEGACY_NAMES)('names the %s function %s when asked for the legacy names', (type, name) => {
  // GIVEN the stack with legacyFunctionNames
  // THEN
  legacy.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: name,
    Description: Match.stringLikeRegexp(`Custom::${type} `),
  });
  legacy.hasOutput(`${type}ServiceToken`, { Export: { Name: `CustomResources-${type}ServiceToken` } });
});

it('deploys each function from a folder holding its bundle and no source map, which the function would not read', () => {
  // GIVEN the stack above, its assets staged where the CDK CLI zips them
  const assembly = App.of(stack)!.synth();
  const manifest = JSON.parse(readFileSync(path.join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8'));
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  // WHEN
  const assets = functions.map((resource) => {
    const { source } = manifest.files[resource.Properties.Code.S3Key.replace(/\.zip$/, '')];
    expect(source.packaging).toBe('zip');
    return readdirSync(path.join(assembly.directory, source.path));
  });
  // THEN
  expect(assets).toEqual(CONTRACTS.map(() => ['index.js']));
  template.allResourcesProperties('AWS::Lambda::Function', { Environment: Match.absent() });
});

it('passes the AWS Solutions checks with every finding acknowledged for a reason', () => {
  // GIVEN the stack above
  // WHEN
  const report = new AwsSolutionsChecks().validateScope(stack);
  // THEN
  expect(report.violations).toEqual([]);
});

it('serves lookups made in the same stack without adding functions', () => {
  // GIVEN
  const own = new CustomResourcesStack(new App(), 'CustomResources');
  // WHEN
  new VpcDependency(own, 'Vpc', { vpcName: 'main' });
  // THEN
  const ownTemplate = Template.fromStack(own);
  ownTemplate.resourceCountIs('AWS::Lambda::Function', CONTRACTS.length);
  ownTemplate.hasResourceProperties('Custom::VpcDependency', {
    ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VpcDependencyFunction'), 'Arn'] },
  });
});

describe('bounded work', () => {
  it('reserves two concurrent executions for every function, so lookups cannot starve the account', () => {
    // GIVEN the stack above
    // THEN
    template.allResourcesProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 2 });
  });

  it.each([
    ['0', undefined],
    [0, undefined],
    ['5', 5],
  ])('takes -c lookupConcurrency=%p for accounts whose quota leaves less to reserve', (value, reserved) => {
    // GIVEN
    const app = new App({ context: { lookupConcurrency: value } });
    // WHEN
    const own = Template.fromStack(new CustomResourcesStack(app, 'CustomResources'));
    // THEN
    own.resourceCountIs('AWS::Lambda::Function', CONTRACTS.length);
    own.allResourcesProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: reserved ?? Match.absent() });
  });

  it.each([
    ['two', '"two"'],
    ['-1', '"-1"'],
    [-1, '-1'],
    [1.5, '1.5'],
  ])('refuses -c lookupConcurrency=%p, naming the function that reads it, the context key and the fix', (value, shown) => {
    // GIVEN
    const app = new App({ context: { lookupConcurrency: value } });
    // WHEN
    const error = thrownBy(PropError, () => new CustomResourcesStack(app, 'CustomResources'));
    // THEN
    expect(error).toBeInstanceOf(PropError);
    expect(error).toMatchObject({
      prop: 'context lookupConcurrency',
      message: `DependencyFunction CustomResources/${TYPES[0]}Function: context lookupConcurrency: must be a whole number such as 2, or 0 to reserve none (-c lookupConcurrency=0), got ${shown}`,
    });
  });

  it('never retries an invocation, so CloudFormation never gets a second answer, and keeps a queued event as long as a plain template waits', () => {
    // GIVEN the stack above
    // THEN
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', CONTRACTS.length);
    template.allResourcesProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 3600,
      Qualifier: '$LATEST',
    });
  });
});

describe('stack name prefixes', () => {
  it('lets the stack lookup read any stack when no prefix is given', () => {
    // GIVEN the stack above
    // THEN
    expect(describeStacksResources(template)).toEqual([stackArn('*')]);
  });

  it('lets the stack lookup read only stacks whose names start with a given prefix', () => {
    // GIVEN
    const narrow = new CustomResourcesStack(new App(), 'CustomResources', { stackNamePrefixes: ['shared-', 'datastores-'] });
    // WHEN
    const narrowTemplate = Template.fromStack(narrow);
    // THEN
    expect(describeStacksResources(narrowTemplate)).toEqual([stackArn('datastores-*/*'), stackArn('shared-*/*')].sort());
    expect(new AwsSolutionsChecks().validateScope(narrow).violations).toEqual([]);
  });

  it.each([
    [[], 'stackNamePrefixes', 'must name at least one prefix, or be left out for any stack'],
    [['shared/'], 'stackNamePrefixes[0]', '"shared/" is not a valid stack name prefix: expected a letter, then letters, digits or hyphens'],
    [['shared-', '*'], 'stackNamePrefixes[1]', '"*" is not a valid stack name prefix: expected a letter, then letters, digits or hyphens'],
  ])('refuses the prefixes %j with a message naming the stack and the prop, and saying what is valid', (prefixes, prop, problem) => {
    // WHEN
    const error = thrownBy(PropError, () => new CustomResourcesStack(new App(), 'CustomResources', { stackNamePrefixes: prefixes }));
    // THEN
    expect(error).toBeInstanceOf(PropError);
    expect(error).toMatchObject({ owner: 'CustomResourcesStack CustomResources', prop, message: `CustomResourcesStack CustomResources: ${prop}: ${problem}` });
  });

  it('limits the function of a StackDependency to its prefixes, and to those of every lookup that shares it', () => {
    // GIVEN
    const app = new Stack(new App(), 'App');
    // WHEN
    new StackDependency(app, 'Shared', { stackName: 'shared-network', stackNamePrefixes: ['shared-'] });
    new StackDependency(app, 'Data', { stackName: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/data-prod/0e2e', stackNamePrefixes: ['data-'] });
    new StackDependency(app, 'Again', { stackName: 'shared-dns', stackNamePrefixes: ['shared-'] });
    // THEN
    expect(describeStacksResources(Template.fromStack(app))).toEqual([stackArn('data-*/*'), stackArn('shared-*/*')].sort());
    expect(new AwsSolutionsChecks().validateScope(app).violations).toEqual([]);
  });

  it('lets the shared function read any stack once one StackDependency gives no prefix', () => {
    // GIVEN
    const app = new Stack(new App(), 'App');
    // WHEN
    new StackDependency(app, 'Shared', { stackName: 'shared-network', stackNamePrefixes: ['shared-'] });
    new StackDependency(app, 'Any', { stackName: 'anything' });
    // THEN
    expect(describeStacksResources(Template.fromStack(app))).toEqual([stackArn('*'), stackArn('shared-*/*')].sort());
  });

  it('refuses a stack name that starts with none of the prefixes', () => {
    // GIVEN
    const app = new Stack(new App(), 'App');
    // WHEN
    const error = thrownBy(PropError, () => new StackDependency(app, 'S', { stackName: 'prod-db', stackNamePrefixes: ['shared-', 'data-'] }));
    // THEN
    expect(error).toBeInstanceOf(PropError);
    expect(error).toMatchObject({
      prop: 'stackName',
      message: 'StackDependency App/S: stackName: "prod-db" starts with none of stackNamePrefixes shared-, data-; give a stack whose name does, or add its prefix',
    });
  });
});

/** The stack ARN endings `cloudformation:DescribeStacks` is allowed on, sorted. */
function describeStacksResources(t: Template): string[] {
  const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  return statements
    .filter((s: { Action: unknown }) => s.Action === 'cloudformation:DescribeStacks')
    .flatMap((s: { Resource: unknown }) => [s.Resource].flat())
    .map((resource: unknown) => JSON.stringify(resource))
    .sort();
}

/** A stack ARN as the template writes it, ending in `tail`, in the form `describeStacksResources` gives. */
function stackArn(tail: string): string {
  return JSON.stringify({
    'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudformation:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:stack/${tail}`]],
  });
}
