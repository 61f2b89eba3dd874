import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CustomResources, cloudFormationStrings, noEchoProblems, wireProblems } from '../cloudformation/custom-resources';
import { Resolver } from '../../testkit/cloudformation/intrinsics';
import { creationOrder } from '../cloudformation/order';
import type { CfnResource, StackModel } from '../../testkit/cloudformation/template';
import { FakeAws } from '../../testkit/fake-aws/server';
import { ACCOUNT, ACCOUNT_ID, REGION } from '../fixture';
import { refusedAccesses } from '../lambda/invoke';
import { ResponseServer } from '../../testkit/response-server';

// Runs the bundles `npm run build` made, each in a child process, as the end-to-end run does.
jest.setTimeout(30_000);

const REPO = path.resolve(__dirname, '..', '..');
const TARGET = { accountId: ACCOUNT_ID, region: REGION, partition: 'aws', urlSuffix: 'amazonaws.com' };

let fake: FakeAws;
let responses: ResponseServer;
let endpoint: string;
let work: string;

beforeAll(async () => {
  fake = new FakeAws(ACCOUNT);
  endpoint = await fake.start();
  responses = await ResponseServer.start();
});

afterAll(async () => {
  await fake.stop();
  await responses.close();
});

beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'e2e-harness-test-'));
  fake.calls.length = 0;
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('CustomResources', () => {
  it('answers each custom resource with its built handler against the fake account, in dependency order', async () => {
    // GIVEN
    const { stack, resolver, customResources } = setUp('e2e-main');

    // WHEN
    const created = await customResources.createAll(creationOrder([stack]), () => undefined);

    // THEN
    expect(created.map((resource) => [resource.node.logicalId, resource.physicalId])).toEqual([
      ['Vpc', 'vpc-0e2e0000000000001'],
      ['Datastores', 'arn:aws:cloudformation:eu-west-1:123456789012:stack/e2e-datastores/0e2e0000-0000-4000-8000-000000000001'],
    ]);
    expect(created[0].properties).toEqual({ ServiceToken: expect.stringMatching(/^arn:aws:lambda:/), ServiceTimeout: '180', VpcName: 'e2e-main' });
    expect(resolver.resolve(stack, { 'Fn::GetAtt': ['Vpc', 'SubnetIds'] }, 'Host.Properties.SubnetIds')).toBe(
      'subnet-0e2e00000000000a1,subnet-0e2e00000000000b1,subnet-0e2e00000000000c1',
    );
    expect(fake.calls.map((call) => `${call.service}.${call.action}`)).toEqual(['ec2.DescribeVpcs', 'ec2.DescribeSubnets', 'cloudformation.DescribeStacks']);
    expect(fake.problems()).toEqual([]);
    expect(refusedAccesses(path.join(work, 'refused'))).toEqual([]);
  });

  it('makes a reference to an attribute the handler did not return fail, naming it', async () => {
    // GIVEN
    const { stack, resolver, customResources } = setUp('e2e-main');
    await customResources.createAll(creationOrder([stack]), () => undefined);

    // WHEN
    const resolve = () => resolver.resolve(stack, { 'Fn::GetAtt': ['Vpc', 'PrivateSubnetIds'] }, 'Host.Properties.UserData');

    // THEN
    expect(resolve).toThrow(/^App\/Host\.Properties\.UserData references attribute PrivateSubnetIds of Vpc \(Custom::VpcDependency\) that the handler did not return; it returned VpcId, /);
  });

  it('sends Delete for every created resource, which answers SUCCESS without calling AWS', async () => {
    // GIVEN
    const { stack, customResources } = setUp('e2e-main');
    await customResources.createAll(creationOrder([stack]), () => undefined);
    fake.calls.length = 0;

    // WHEN
    const deleted = await customResources.deleteAll();

    // THEN
    expect(deleted).toBe(2);
    expect(fake.calls).toEqual([]);
    expect(customResources.toDelete).toEqual([]);
  });

  it('stops at a FAILED answer naming the resource and its Reason, and still deletes it on rollback', async () => {
    // GIVEN
    const { stack, customResources } = setUp('e2e-mian');

    // WHEN
    const create = customResources.createAll(creationOrder([stack]), () => undefined);

    // THEN
    await expect(create).rejects.toThrow(/^Custom::VpcDependency Vpc \(stack App\) answered FAILED: no VPC has the Name tag "e2e-mian"/);
    expect(customResources.toDelete.map((resource) => resource.node.logicalId)).toEqual(['Vpc']);
    await expect(customResources.deleteAll()).resolves.toBe(1);
  });
});

describe('what CloudFormation sends and receives', () => {
  it('hands every scalar property over as a string', () => {
    // WHEN
    const properties = cloudFormationStrings({ ServiceTimeout: 180, NoEcho: true, Names: ['a', 2], Nested: { Flag: false } });

    // THEN
    expect(properties).toEqual({ ServiceTimeout: '180', NoEcho: 'true', Names: ['a', '2'], Nested: { Flag: 'false' } });
  });

  it('finds nothing wrong with a NoEcho answer whose values stay out of the logs', () => {
    // WHEN
    const problems = noEchoProblems({ DatabaseHost: 'db.example.com', Port: '5432' }, 'stack-id', true, '{"message":"answered","physicalResourceId":"stack-id"}');

    // THEN
    expect(problems).toEqual([]);
  });

  it('reports a NoEcho answer without NoEcho set, or with a value in the logs', () => {
    // WHEN
    const problems = noEchoProblems({ DatabaseHost: 'db.example.com' }, 'stack-id', undefined, '{"data":{"DatabaseHost":"db.example.com"}}');

    // THEN
    expect(problems).toEqual(['the answer has NoEcho undefined, not true', 'the handler logged the value of attribute DatabaseHost']);
  });

  it.each([
    ['a well-formed answer', {}, []],
    ['a POST', { method: 'POST' }, ['was sent with POST, not PUT']],
    ['a JSON content type', { headers: { 'content-type': 'application/json', 'content-length': '2' } }, ['has content-type "application/json", not ""']],
    ['a length that counts characters', { rawBody: '{"a":"ü"}', bytes: 10, headers: { 'content-type': '', 'content-length': '9' } }, ['says content-length 9 but has 10 bytes']],
    ['a body that is not JSON', { rawBody: 'ok', headers: { 'content-type': '', 'content-length': '2' }, bytes: 2 }, ['is not JSON']],
  ])('checks the wire format of %s', (_, overrides, problems) => {
    // WHEN
    const found = wireProblems({ method: 'PUT', headers: { 'content-type': '', 'content-length': '2' }, rawBody: '{}', bytes: 2, ...overrides });

    // THEN
    expect(found).toEqual(problems);
  });
});

function setUp(vpcName: string): { stack: StackModel; resolver: Resolver; customResources: CustomResources } {
  const stack: StackModel = {
    stackName: 'App',
    template: {
      Parameters: { DatastoresName: { Type: 'String', Default: 'datastores' } },
      Resources: {
        Datastores: {
          Type: 'Custom::StackDependency',
          Properties: { ServiceToken: { 'Fn::GetAtt': ['StackFunction', 'Arn'] }, StackName: { 'Fn::Sub': 'e2e-${DatastoresName}' } },
          DependsOn: 'Vpc',
        },
        Vpc: { Type: 'Custom::VpcDependency', Properties: { ServiceToken: { 'Fn::GetAtt': ['VpcFunction', 'Arn'] }, ServiceTimeout: 180, VpcName: vpcName } },
        VpcFunction: lambda('vpc-dependency'),
        StackFunction: lambda('stack-dependency'),
      },
    },
  };
  const resolver = new Resolver([stack], TARGET);
  const customResources = new CustomResources(resolver, responses, fake, {
    accountId: ACCOUNT_ID,
    region: REGION,
    awsEndpoint: endpoint,
    allowedHosts: '127.0.0.1',
    refusedLog: path.join(work, 'refused'),
    harnessDir: path.join(REPO, 'e2e'),
  });
  return { stack, resolver, customResources };
}

function lambda(name: string): CfnResource {
  return {
    Type: 'AWS::Lambda::Function',
    Metadata: { 'aws:asset:path': path.join(REPO, 'dist', 'lambdas', name) },
    Properties: { Handler: 'index.handler', Timeout: 30, MemorySize: 256 },
  };
}
