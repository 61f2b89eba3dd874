#!/usr/bin/env node
/**
 * Runs one lookup from a terminal with the operator's own AWS credentials and
 * prints the Data it would return, or the Reason it would fail with. It runs
 * the built handler bundle itself, answering to the test kit's response
 * server on 127.0.0.1, so what it prints is exactly what CloudFormation would
 * get.
 *
 * Exit codes: 0 SUCCESS, 1 FAILED, 2 the command cannot run as given (an
 * unknown option or type, no region, no credentials).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { importTypeScript, readRegistry } from './build.mjs';

const LAMBDAS = await readRegistry();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TIME_BUDGET_MS = 120_000;
const TYPES = LAMBDAS.map((l) => l.name.replace(/-dependency$/, ''));

const OPTIONS = {
  region: { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const USAGE = `usage: npm run lookup -- <type> [Property=Value ...] [options]

Runs one lookup with your AWS credentials and prints the attributes it would
return (exit 0), or the Reason it would fail with (exit 1).

types:   ${TYPES.join(', ')} (or Custom::VpcDependency, vpcDependency, ...)
options:
  --region <region>    the region to look in (default: AWS_REGION or the profile's region)
  --profile <name>     the profile of ~/.aws/config to use (default: AWS_PROFILE or default)
  --json               print the whole response body
  --verbose            print the handler's log lines on stderr
  -h, --help           print this help
example: npm run lookup -- vpc VpcName=main OnlyDefaultSubnets=true --region eu-west-1
`;

/** Says what is wrong with the command line, then how to call it, and exits 2. */
function usageError(message) {
  process.stderr.write(`npm run lookup: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** Says what the command needs to run and exits 2. */
function cannotRun(message) {
  process.stderr.write(`npm run lookup: ${message}\n`);
  process.exit(2);
}

function findLambda(typeArg) {
  const wanted = typeArg.toLowerCase().replace(/^custom::/, '').replace(/[-_]/g, '');
  return LAMBDAS.find((l) => {
    const short = l.name.replace(/-dependency$/, '').replace(/-/g, '');
    return [short, `${short}dependency`, l.legacyName.toLowerCase()].includes(wanted);
  });
}

/** Reads the command line strictly: an unknown option or a value missing is an error naming it. */
function readCommandLine(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec(error.message)?.[1] ?? 'given';
      usageError(`unknown option ${option}; valid options are ${Object.keys(OPTIONS).map((name) => `--${name}`).join(', ')}`);
    }
    usageError(error.message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  if (positionals.length === 0) usageError('name the type to look up.');
  const lambda = findLambda(positionals[0]);
  if (!lambda) usageError(`unknown type "${positionals[0]}"; types are ${TYPES.join(', ')}.`);
  const properties = {};
  for (const pair of positionals.slice(1)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) usageError(`"${pair}" is not Property=Value.`);
    properties[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { lambda, properties, ...values };
}

/**
 * Resolves region and credentials as the handler's SDK clients will, and
 * says how to set them when either is missing.
 */
async function checkAwsConfig() {
  const { ACMClient } = await import('@aws-sdk/client-acm');
  const client = new ACMClient({});
  let region;
  try {
    region = await client.config.region();
  } catch {
    cannotRun(
      'no AWS region: pass --region eu-west-1 (for example), set AWS_REGION, or give the profile a region ' +
        '(aws configure set region eu-west-1).',
    );
  }
  try {
    await client.config.credentials();
  } catch (error) {
    cannotRun(
      `no AWS credentials (${error.message}): pass --profile NAME or set AWS_PROFILE after aws configure or ` +
        'aws sso login --profile NAME, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    );
  }
  client.destroy();
  return region;
}

// The bundles run on Node 20 as Lambda's newest runtime's code does; the SDK's
// notice that its future versions need Node 22 is not this command's output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { lambda, properties, json, verbose, region: regionOption, profile } = readCommandLine(process.argv.slice(2));
if (profile !== undefined) process.env.AWS_PROFILE = profile;
if (regionOption !== undefined) process.env.AWS_REGION = regionOption;
const region = await checkAwsConfig();
process.env.AWS_REGION = region;

const { customResourceEvent, lambdaContext, ResponseServer } = await importTypeScript('testkit/index.ts');
const server = await ResponseServer.start();
process.env.RESPONSE_URL_ALLOWED_HOSTS = '127.0.0.1';
if (!verbose) console.log = () => undefined;
else console.log = (...items) => process.stderr.write(`${items.join(' ')}\n`);

const { handler } = createRequire(import.meta.url)(path.join(root, 'dist', 'lambdas', lambda.name, 'index.js'));
const serviceToken = `npm-run-lookup:${lambda.legacyName}`;
await handler(
  customResourceEvent({
    responseUrl: server.url(),
    serviceToken,
    stackId: `arn:aws:cloudformation:${region}:000000000000:stack/npm-run-lookup/${randomUUID()}`,
    logicalResourceId: 'Lookup',
    resourceType: lambda.resourceType,
    properties,
  }),
  lambdaContext(TIME_BUDGET_MS, {
    functionName: lambda.legacyName,
    region,
    accountId: '000000000000',
    memoryMb: 256,
    logGroupName: 'terminal',
    logStreamName: 'npm run lookup --verbose',
  }),
);
await server.close();
const response = server.received[0].body;

if (json) {
  process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
} else if (response.Status === 'SUCCESS') {
  process.stdout.write(`${lambda.resourceType} found ${response.PhysicalResourceId}\n`);
  const data = response.Data ?? {};
  const width = Math.max(0, ...Object.keys(data).map((k) => k.length));
  for (const [key, value] of Object.entries(data)) {
    process.stdout.write(`  ${key.padEnd(width)}  ${String(value).replace(/\n/g, '\\n')}\n`);
  }
} else {
  process.stdout.write(`${lambda.resourceType} FAILED: ${response.Reason}\n`);
}
process.exitCode = response.Status === 'SUCCESS' ? 0 : 1;
