/**
 * Prints how long each handler takes to answer hostile events (patterns that
 * make a backtracking engine run for minutes, fields of hundreds of
 * kilobytes, values nested thousands of levels deep, oversize ids, a broken
 * clock), each with a 5 s budget and its answer PUT to a server on
 * 127.0.0.1, then the worst time. AWS is the mocked account of the tests.
 * Run by `npm run bench`.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as certificate } from '../lambdas/certificate-dependency';
import { handler as vpc } from '../lambdas/vpc-dependency';
import { fakeIam, serverCertificate } from '../testkit/mock-account-lookups';

const BUDGET_MS = 5000;

process.env.AWS_REGION = 'eu-west-1';
process.env.RESPONSE_URL_ALLOWED_HOSTS = '127.0.0.1';
console.log = () => undefined;

type Handler = (event: never, context: never) => Promise<void>;

interface Case {
  readonly name: string;
  readonly handler: Handler;
  readonly event: Record<string, unknown>;
  readonly certificates?: readonly string[];
  readonly clock?: () => unknown;
}

const HUGE = 'a://'.repeat(50_000);
let nested: unknown = 'main';
for (let level = 0; level < 5000; level++) nested = { VpcName: nested };

const cases: Case[] = [
  { name: 'CertificateName (a+)+, a certificate named a×30 + "!"', handler: certificate, event: { ResourceProperties: { CertificateName: '(a+)+' } }, certificates: [`${'a'.repeat(30)}!`] },
  ...[38, 62, 124].map((length) => ({
    name: `CertificateName (www-)?([a-z0-9]+-?)+-prod, a ${length}-character name`,
    handler: certificate,
    event: { ResourceProperties: { CertificateName: '(www-)?([a-z0-9]+-?)+-prod' } },
    certificates: [`www-${'a1-'.repeat((length - 8) / 3)}prox`.padEnd(length, 'x')],
  })),
  { name: 'LogicalResourceId "a://"×50,000 (refused: no answer fits)', handler: vpc, event: { LogicalResourceId: HUGE } },
  { name: 'ResourceType "a://"×250,000 (1 MB)', handler: vpc, event: { ResourceType: 'a://'.repeat(250_000), ResourceProperties: {} } },
  { name: 'RequestType "a://"×50,000', handler: vpc, event: { RequestType: HUGE } },
  { name: 'VpcName nested 5,000 levels deep', handler: vpc, event: { ResourceProperties: { VpcName: nested } } },
  { name: 'Delete of a 5,000-character PhysicalResourceId', handler: vpc, event: { RequestType: 'Delete', PhysicalResourceId: 'p'.repeat(5000) } },
  { name: 'getRemainingTimeInMillis giving NaN', handler: vpc, event: { ResourceProperties: {} }, clock: () => Number.NaN },
];

async function main(): Promise<void> {
  const received: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Status: string }).Status);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const iam = mockClient(IAMClient);

  const rows: string[][] = [['hostile event', 'answer', 'ms']];
  let worst = 0;
  for (const [index, item] of cases.entries()) {
    iam.reset();
    fakeIam({ extraCertificates: (item.certificates ?? []).map((name) => serverCertificate(name, '2031-01-01T00:00:00Z')) }, iam);
    received.length = 0;
    const started = Date.now();
    const deadline = started + BUDGET_MS;
    const event = {
      RequestType: 'Create',
      ResponseURL: `http://127.0.0.1:${port}/cloudformation-custom-resource-response/${index}?X-Amz-Signature=0`,
      StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/bench/1',
      RequestId: `bench-${index}`,
      LogicalResourceId: 'Dependency',
      ...item.event,
    };
    const context = {
      logGroupName: '/aws/lambda/bench',
      logStreamName: 'bench',
      getRemainingTimeInMillis: item.clock ?? (() => Math.max(0, deadline - Date.now())),
    };
    const outcome = await item.handler(event as never, context as never).then(
      () => received.join(', ') || 'none',
      () => 'refused',
    );
    const ms = Date.now() - started;
    worst = Math.max(worst, ms);
    rows.push([item.name, outcome, String(ms)]);
  }
  server.close();

  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.info(`Hostile events (budget ${BUDGET_MS} ms each)`);
  for (const row of rows) console.info(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  console.info(`worst: ${worst} ms of the ${BUDGET_MS} ms budget`);
}

void main();
