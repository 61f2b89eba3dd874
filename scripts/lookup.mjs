#!/usr/bin/env node
/**
 * Runs one lookup from a terminal with the operator's own AWS credentials and
 * prints the Data it would return, or the Reason it would fail with. It runs
 * the built handler bundle itself, answering to a server on 127.0.0.1, so what
 * it prints is exactly what CloudFormation would get.
 *
 * Usage: npm run lookup -- <type> [Property=Value ...] [--json] [--verbose]
 *   <type>: vpc, route53, image, elasticache, stack, certificate, or a full
 *   name such as Custom::VpcDependency or vpcDependency.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { LAMBDAS } from './lambdas.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TIME_BUDGET_MS = 120_000;

function usage(message) {
  const types = LAMBDAS.map((l) => l.name.replace(/-dependency$/, '')).join(', ');
  process.stderr.write(
    `${message}\nusage: npm run lookup -- <type> [Property=Value ...] [--json] [--verbose]\n` +
      `types: ${types}\nexample: npm run lookup -- vpc VpcName=main OnlyDefaultSubnets=true\n`,
  );
  process.exit(2);
}

function findLambda(typeArg) {
  const wanted = typeArg.toLowerCase().replace(/^custom::/, '').replace(/[-_]/g, '');
  return LAMBDAS.find((l) => {
    const short = l.name.replace(/-dependency$/, '').replace(/-/g, '');
    return [short, `${short}dependency`, l.legacyName.toLowerCase()].includes(wanted);
  });
}

function parseArgs(argv) {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const positional = argv.filter((a) => !a.startsWith('--'));
  if (positional.length === 0) usage('name the type to look up.');
  const lambda = findLambda(positional[0]);
  if (!lambda) usage(`unknown type "${positional[0]}".`);
  const properties = {};
  for (const pair of positional.slice(1)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) usage(`"${pair}" is not Property=Value.`);
    properties[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { lambda, properties, json: flags.has('--json'), verbose: flags.has('--verbose') };
}

/** Starts a server on 127.0.0.1 that resolves with the first response body PUT to it. */
async function responseServer() {
  let resolveBody;
  const body = new Promise((resolve) => (resolveBody = resolve));
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      res.end();
      resolveBody(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, body, url: `http://127.0.0.1:${server.address().port}/lookup` };
}

const { lambda, properties, json, verbose } = parseArgs(process.argv.slice(2));
const { server, body, url } = await responseServer();

process.env.RESPONSE_URL_ALLOWED_HOSTS = '127.0.0.1';
if (!verbose) console.log = () => undefined;
else console.log = (...items) => process.stderr.write(`${items.join(' ')}\n`);

const { handler } = createRequire(import.meta.url)(path.join(root, 'dist', 'lambdas', lambda.name, 'index.js'));
const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'unknown-region';
const deadline = Date.now() + TIME_BUDGET_MS;
await handler(
  {
    RequestType: 'Create',
    ServiceToken: `npm-run-lookup:${lambda.legacyName}`,
    ResponseURL: url,
    StackId: `arn:aws:cloudformation:${region}:000000000000:stack/npm-run-lookup/${randomUUID()}`,
    RequestId: randomUUID(),
    LogicalResourceId: 'Lookup',
    ResourceType: lambda.type,
    ResourceProperties: { ServiceToken: `npm-run-lookup:${lambda.legacyName}`, ...properties },
  },
  {
    getRemainingTimeInMillis: () => deadline - Date.now(),
    logGroupName: 'terminal',
    logStreamName: 'npm run lookup --verbose',
    functionName: lambda.legacyName,
    awsRequestId: randomUUID(),
  },
);
const response = await body;
server.close();

if (json) {
  process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
} else if (response.Status === 'SUCCESS') {
  process.stdout.write(`${lambda.type} found ${response.PhysicalResourceId}\n`);
  const data = response.Data ?? {};
  const width = Math.max(0, ...Object.keys(data).map((k) => k.length));
  for (const [key, value] of Object.entries(data)) {
    process.stdout.write(`  ${key.padEnd(width)}  ${String(value).replace(/\n/g, '\\n')}\n`);
  }
} else {
  process.stdout.write(`${lambda.type} FAILED: ${response.Reason}\n`);
}
process.exitCode = response.Status === 'SUCCESS' ? 0 : 1;
