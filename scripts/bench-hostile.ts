/**
 * Prints how long each handler takes to answer hostile events (patterns that
 * make a backtracking engine run for minutes or keep thousands of states
 * alive over a thousand names, fields of hundreds of kilobytes, values nested
 * thousands of levels deep, oversize ids, a broken clock), each with a 5 s
 * budget and its answer PUT to the test kit's response server on 127.0.0.1,
 * then the worst time of each handler and of all. AWS is the mocked account
 * of the tests. Run by `npm run bench`.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { customResourceEvent, lambdaContext } from '../testkit/lambda';
import { LOOKUPS, lookupProperty, mockEveryClient } from '../testkit/lookups';
import { fakeIam, serverCertificate } from '../testkit/mock-account-lookups';
import { ResponseServer } from '../testkit/response-server';

const BUDGET_MS = 5000;

process.env.AWS_REGION = 'eu-west-1';
process.env.RESPONSE_URL_ALLOWED_HOSTS = '127.0.0.1';
console.log = () => undefined;

type Handler = (event: never, context: never) => Promise<void>;

interface Case {
  readonly name: string;
  readonly handler: string;
  readonly event: Record<string, unknown>;
  readonly certificates?: readonly string[];
  readonly clock?: () => unknown;
}

/** Each handler of the registry by its bundle's name, with the property it looks up by. */
const HANDLERS: Record<string, { readonly handler: Handler; readonly property: string }> = Object.fromEntries(
  LOOKUPS.map(({ contract, handler }) => [contract.name, { handler: handler as Handler, property: lookupProperty(contract) }]),
);

const HUGE = 'a://'.repeat(50_000);

function nested(property: string): unknown {
  let value: unknown = 'main';
  for (let level = 0; level < 5000; level++) value = { [property]: value };
  return value;
}

/** Hostile events every handler gets. */
function everyHandlerCases(name: string, property: string): Case[] {
  return [
    { name: 'LogicalResourceId "a://"×50,000 (refused: no answer fits)', handler: name, event: { LogicalResourceId: HUGE } },
    { name: 'ResourceType "a://"×250,000 (1 MB)', handler: name, event: { ResourceType: 'a://'.repeat(250_000), ResourceProperties: {} } },
    { name: 'RequestType "a://"×50,000', handler: name, event: { RequestType: HUGE } },
    { name: `${property} nested 5,000 levels deep`, handler: name, event: { ResourceProperties: { [property]: nested(property) } } },
    { name: 'Delete of a 5,000-character PhysicalResourceId', handler: name, event: { RequestType: 'Delete', PhysicalResourceId: 'p'.repeat(5000) } },
    { name: 'getRemainingTimeInMillis giving NaN', handler: name, event: { ResourceProperties: {} }, clock: () => Number.NaN },
  ];
}

/** A thousand certificates with names of IAM's longest, 128 characters. */
const LONG_NAMES = Array.from({ length: 1000 }, (_, i) => `${'a'.repeat(124)}${String(i).padStart(4, '0')}`);
const WIDE_PATTERN = `(?:${Array.from({ length: 3000 }, (_, i) => `a${i % 10}`).join('|')}|a)*x`;

const cases: Case[] = [
  { name: 'CertificateName (a+)+, a certificate named a×30 + "!"', handler: 'certificate-dependency', event: { ResourceProperties: { CertificateName: '(a+)+' } }, certificates: [`${'a'.repeat(30)}!`] },
  ...[38, 62, 124].map((length) => ({
    name: `CertificateName (www-)?([a-z0-9]+-?)+-prod, a ${length}-character name`,
    handler: 'certificate-dependency',
    event: { ResourceProperties: { CertificateName: '(www-)?([a-z0-9]+-?)+-prod' } },
    certificates: [`www-${'a1-'.repeat((length - 8) / 3)}prox`.padEnd(length, 'x')],
  })),
  {
    name: 'CertificateName of 3,000 alternatives under *, 1,000 names of 128 characters',
    handler: 'certificate-dependency',
    event: { ResourceProperties: { CertificateName: WIDE_PATTERN } },
    certificates: LONG_NAMES,
  },
  ...Object.entries(HANDLERS).flatMap(([name, { property }]) => everyHandlerCases(name, property)),
];

async function main(): Promise<void> {
  const server = await ResponseServer.start();
  // No event here calls a service but IAM; every client is mocked so that none could reach AWS.
  const iam = mockEveryClient().get(IAMClient)!;

  const rows: string[][] = [['handler', 'hostile event', 'answer', 'ms']];
  const worst = new Map<string, number>();
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
    const outcome = await HANDLERS[item.handler].handler(event as never, context as never).then(
      () => server.received.slice(seen).map((put) => put.body.Status).join(', ') || 'none',
      () => 'refused',
    );
    const ms = Date.now() - started;
    worst.set(item.handler, Math.max(worst.get(item.handler) ?? 0, ms));
    rows.push([item.handler, item.name, outcome, String(ms)]);
  }
  await server.close();

  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  console.info(`Hostile events (budget ${BUDGET_MS} ms each)`);
  for (const row of rows) console.info(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
  console.info(`worst per handler: ${Object.keys(HANDLERS).map((name) => `${name} ${worst.get(name)} ms`).join(', ')}`);
  console.info(`worst: ${Math.max(...worst.values())} ms of the ${BUDGET_MS} ms budget`);
}

void main();
