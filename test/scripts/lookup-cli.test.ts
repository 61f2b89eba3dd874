import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FakeAws } from '../../testkit/fake-aws/server';
import { ACCOUNT, NAMES, NON_ASCII_OUTPUT, REGION } from '../../e2e/fixture';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

// Each test starts Node and loads a handler bundle, which takes seconds on a busy machine.
jest.setTimeout(30_000);

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
    const [vpc] = ACCOUNT.vpcs.filter((candidate) => candidate.Tags?.some((tag) => tag.Key === 'Name' && tag.Value === NAMES.vpcName));
    expect(body.Status).toBe('SUCCESS');
    expect(body.PhysicalResourceId).toBe(vpc.VpcId);
    expect(body.Data).toMatchObject({
      VpcId: vpc.VpcId,
      SubnetCount: '3',
      SubnetIds: 'subnet-0e2e00000000000a1,subnet-0e2e00000000000b1,subnet-0e2e00000000000c1',
      AvailabilityZones: 'eu-west-1a,eu-west-1b,eu-west-1c',
    });
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
      stderr: expect.stringContaining('unknown type "bucket"; types are route53, vpc, image, elasticache, stack, certificate'),
    });
  });
});

describe('npm run lookup arguments', () => {
  it('--help prints the usage and exits 0', async () => {
    // WHEN
    const { stdout, stderr } = await lookup('--help');

    // THEN
    expect(stdout).toMatch(/^usage: npm run lookup -- <type> \[Property=Value \.\.\.\] \[options\]/);
    expect(stdout).toContain('--region <region>');
    expect(stdout).toContain('--profile <name>');
    expect(stderr).toBe('');
  });

  it.each([
    [['vpc', '--bogus'], 'unknown option --bogus; valid options are --region, --profile, --json, --verbose, --help'],
    [['vpc', `VpcName=${NAMES.vpcName}`, '--bogus=1'], 'unknown option --bogus;'],
    [['vpc', '--region'], "Option '--region <value>' argument missing"],
    [[], 'name the type to look up.'],
    [['vpc', 'VpcName'], '"VpcName" is not Property=Value.'],
  ])('exits 2 without looking anything up for %j', async (args, message) => {
    // WHEN
    const before = aws.calls.length;
    const result = lookup(...args);

    // THEN
    await expect(result).rejects.toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining(`npm run lookup: ${message}`) });
    expect(aws.calls.length).toBe(before);
  });

  it('--region sets the region when none is configured', async () => {
    // GIVEN no region in the environment
    // WHEN
    const before = aws.calls.length;
    const { stdout } = await lookupWith({ AWS_REGION: undefined }, 'vpc', `VpcName=${NAMES.vpcName}`, '--json', '--region=us-west-2');

    // THEN the handler's calls are signed for that region
    expect(JSON.parse(stdout)).toMatchObject({ StackId: expect.stringContaining(':us-west-2:') });
    expect(aws.calls.slice(before).map((call) => call.region)).toEqual(['us-west-2', 'us-west-2']);
  });

  it('--profile takes region and credentials from that profile', async () => {
    // GIVEN a config and a credentials file with a profile "ops", and nothing in the environment
    const dir = mkdtempSync(path.join(tmpdir(), 'lookup-profile-'));
    try {
      writeFileSync(path.join(dir, 'config'), `[profile ops]\nregion = ${REGION}\n`);
      writeFileSync(path.join(dir, 'credentials'), '[ops]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n');

      // WHEN
      const before = aws.calls.length;
      const { stdout } = await lookupWith(
        { ...NO_AWS_SETTINGS, AWS_CONFIG_FILE: path.join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'credentials') },
        'vpc',
        `VpcName=${NAMES.vpcName}`,
        '--json',
        '--profile',
        'ops',
      );

      // THEN
      expect(JSON.parse(stdout)).toMatchObject({ Status: 'SUCCESS', StackId: expect.stringContaining(`:${REGION}:`) });
      expect(aws.calls.slice(before).map((call) => call.region)).toEqual([REGION, REGION]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says how to set a region when none is configured', async () => {
    // WHEN
    const result = lookupWith(NO_AWS_SETTINGS, 'vpc', `VpcName=${NAMES.vpcName}`);

    // THEN
    await expect(result).rejects.toMatchObject({
      code: 2,
      stderr: 'npm run lookup: no AWS region: pass --region eu-west-1 (for example), set AWS_REGION, or give the profile a region (aws configure set region eu-west-1).\n',
    });
  });

  it('says how to set credentials when there are none', async () => {
    // WHEN
    const result = lookupWith(NO_AWS_SETTINGS, 'vpc', `VpcName=${NAMES.vpcName}`, '--region', REGION);

    // THEN
    await expect(result).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^npm run lookup: no AWS credentials \(.+\): pass --profile NAME or set AWS_PROFILE after aws configure or aws sso login --profile NAME, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\.\n$/,
      ),
    });
  });

  it("never prints the SDK's Node version notice", async () => {
    // WHEN
    const { stderr } = await lookup('vpc', `VpcName=${NAMES.vpcName}`, '--verbose');

    // THEN
    expect(stderr).not.toContain('NodeVersionSupportWarning');
    expect(stderr).toContain('"message":"answered"');
  });
});

/**
 * No region, no credentials, and no way to reach an instance metadata
 * service: the configuration files are ones that do not exist.
 */
const NO_AWS_SETTINGS = {
  AWS_REGION: undefined,
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_CONFIG_FILE: path.join(tmpdir(), 'lookup-no-such-config'),
  AWS_SHARED_CREDENTIALS_FILE: path.join(tmpdir(), 'lookup-no-such-credentials'),
};

type Env = Record<string, string | undefined>;

function lookup(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return lookupWith({}, ...args);
}

/** Runs the command against the fake endpoint, with `changes` to its environment (undefined removes a variable). */
function lookupWith(changes: Env, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const env: Env = {
    PATH: process.env.PATH,
    HOME: tmpdir(),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret',
    ...changes,
  };
  const defined = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return run(process.execPath, [path.join(root, 'scripts', 'lookup.mjs'), ...args], { cwd: root, env: defined });
}
