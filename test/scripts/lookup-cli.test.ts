import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { FakeAws } from '../../e2e/fake-aws/server';
import { ACCOUNT, NAMES, NON_ASCII_OUTPUT, REGION } from '../../e2e/fixture';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

let aws: FakeAws;
let endpoint: string;

beforeAll(async () => {
  aws = new FakeAws(ACCOUNT);
  endpoint = await aws.start();
});

afterAll(async () => {
  await aws.stop();
});

describe('npm run lookup', () => {
  it('prints the attributes the built handler answers, with exit code 0', async () => {
    // GIVEN an account whose API is a local fake in the services' wire formats
    // WHEN
    const { stdout } = await lookup('stack', 'StackName=e2e-datastores');

    // THEN
    expect(stdout).toMatch(/^Custom::StackDependency found arn:aws:cloudformation:eu-west-1:123456789012:stack\/e2e-datastores\//);
    expect(stdout).toContain(`  BucketName`);
    expect(stdout).toContain(NON_ASCII_OUTPUT);
    expect(stdout).toMatch(/ {2}Environment +\S+=.*\\n/);
  });

  it('prints the whole response body with --json', async () => {
    // WHEN
    const { stdout } = await lookup('Custom::VpcDependency', `VpcName=${NAMES.vpcName}`, '--json');

    // THEN
    const body = JSON.parse(stdout) as { Status: string; Data: Record<string, string>; PhysicalResourceId: string };
    expect(body.Status).toBe('SUCCESS');
    expect(body.Data.VpcId).toBe(body.PhysicalResourceId);
    expect(Number(body.Data.SubnetCount)).toBeGreaterThan(0);
  });

  it('prints the Reason and exits 1 when the lookup fails', async () => {
    // WHEN
    const result = lookup('vpc', 'VpcNmae=main');

    // THEN
    await expect(result).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining(
        'Custom::VpcDependency FAILED: unknown property "VpcNmae"; valid properties are VpcName, OnlyDefaultSubnets',
      ),
    });
  });

  it('exits 2 with the list of types for an unknown type', async () => {
    // WHEN
    const result = lookup('bucket', 'Name=x');

    // THEN
    await expect(result).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('types: route53, vpc, image, elasticache, stack, certificate'),
    });
  });
});

function lookup(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [path.join(root, 'scripts', 'lookup.mjs'), ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
      AWS_SECRET_ACCESS_KEY: 'local-test-secret',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  });
}
