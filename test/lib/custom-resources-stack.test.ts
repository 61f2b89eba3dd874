import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CustomResourcesStack } from '../../lib/custom-resources-stack';
import { VpcDependency } from '../../lib/dependencies';

const TYPES = ['Route53Dependency', 'VpcDependency', 'ImageDependency', 'ElasticacheDependency', 'StackDependency', 'CertificateDependency'];

let stack: CustomResourcesStack;
let template: Template;
let legacy: Template;

beforeAll(() => {
  stack = new CustomResourcesStack(new App(), 'CustomResources');
  template = Template.fromStack(stack);
  legacy = Template.fromStack(new CustomResourcesStack(new App(), 'CustomResources', { legacyFunctionNames: true }));
});

it('deploys the six functions, each with its own role and log group', () => {
  // GIVEN the stack above
  // THEN
  template.resourceCountIs('AWS::Lambda::Function', 6);
  template.resourceCountIs('AWS::IAM::Role', 6);
  template.resourceCountIs('AWS::Logs::LogGroup', 6);
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

it.each([
  ['Route53Dependency', 'route53Dependency'],
  ['VpcDependency', 'vpcDependency'],
  ['ImageDependency', 'imageDependency'],
  ['ElasticacheDependency', 'elasticacheDependency'],
  ['StackDependency', 'stackDependency'],
  ['CertificateDependency', 'certificateDependency'],
])('names the %s function %s when asked for the legacy names', (type, name) => {
  // GIVEN the stack with legacyFunctionNames
  // THEN
  legacy.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: name,
    Description: Match.stringLikeRegexp(`Custom::${type} `),
  });
  legacy.hasOutput(`${type}ServiceToken`, { Export: { Name: `CustomResources-${type}ServiceToken` } });
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
  ownTemplate.resourceCountIs('AWS::Lambda::Function', 6);
  ownTemplate.hasResourceProperties('Custom::VpcDependency', {
    ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('^VpcDependencyFunction'), 'Arn'] },
  });
});
