/**
 * Prints how long each handler takes to answer hostile events (patterns that
 * make a backtracking engine run for minutes, fields of hundreds of
 * kilobytes, values nested thousands of levels deep, oversize ids, a broken
 * clock), each with a 5 s budget and its answer PUT to the test kit's
 * response server on 127.0.0.1, then the worst time. AWS is the mocked account of the tests.
 * Run by `npm run bench`.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as certificate } from '../lambdas/certificate-dependency';
import { handler as vpc } from '../lambdas/vpc-dependency';
import { customResourceEvent, lambdaContext } from '../testkit/lambda';
import { fakeIam, serverCertificate } from '../testkit/mock-account-lookups';
import { ResponseServer } from '../testkit/response-server';

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
  const server = await ResponseServer.start();
  const iam = mockClient(IAMClient);

  const rows: string[][] = [['hostile event', 'answer', 'ms']];
  let worst = 0;
  for (const [index, item] of cases.entries()) {
    iam.reset();
    fakeIam({ extraCertificates: (item.certificates ?? []).map((name) => serverCertificate(name, '2031-01-01T00:00:00Z')) }, iam);
    const seen = server.received.length;
    const started = Date.now();
    const event = {
      ...customResourceEvent({
        responseUrl: server.url(`/cloudformation-custom-resource-response/${index}`),
        serviceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:bench',
        stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/bench/1',
        requestId: `bench-${index}`,
        logicalResourceId: 'Dependency',
        resourceType: 'Custom::Dependency',
      }),
      ...item.event,
    };
    const context = lambdaContext(BUDGET_MS);
    if (item.clock) context.getRemainingTimeInMillis = item.clock as () => number;
    const outcome = await item.handler(event as never, context as never).then(
      () => server.received.slice(seen).map((put) => put.body.Status).join(', ') || 'none',
      () => 'refused',
    );
    const ms = Date.now() - started;
    worst = Math.max(worst, ms);
    rows.push([item.name, outcome, String(ms)]);
  }
  await server.close();

  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.info(`Hostile events (budget ${BUDGET_MS} ms each)`);
  for (const row of rows) console.info(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  console.info(`worst: ${worst} ms of the ${BUDGET_MS} ms budget`);
}

void main();
