/**
 * Prints the AWS calls each lookup makes in a large mocked account: 10,000
 * hosted zones, 1,000 VPCs, 5,000 subnets, 2,000 images, 1,000 stacks and
 * 1,000 certificates in IAM and in ACM. The fakes answer as the services do
 * (server-side filters, pages and tokens), so the counts are what a real
 * account of that size would see. Run by `npm run bench`.
 */
import { definition as certificate } from '../lambdas/certificate-dependency';
import { definition as image } from '../lambdas/image-dependency';
import { definition as route53 } from '../lambdas/route53-dependency';
import { definition as stack } from '../lambdas/stack-dependency';
import { definition as vpc } from '../lambdas/vpc-dependency';
import { parseProperties, type Schema } from '../contracts/properties';
import type { LookupDefinition } from '../lambdas/shared/definition';
import { type FakeCall, fakeEc2, fakeRoute53 } from '../testkit/mock-account';
import { fakeAcm, fakeCloudFormation, fakeIam } from '../testkit/mock-account-lookups';

process.env.AWS_REGION = 'eu-west-1';

interface Case {
  readonly lookup: string;
  readonly account: string;
  readonly run: () => Promise<FakeCall[]>;
}

async function callsOf<S extends Schema, C>(
  definition: LookupDefinition<S, C>,
  properties: Record<string, string>,
  calls: FakeCall[],
): Promise<FakeCall[]> {
  const clients = definition.clients();
  await definition.lookup(clients, parseProperties(definition.schema, properties), {
    abortSignal: new AbortController().signal,
  });
  return calls;
}

const cases: Case[] = [
  {
    lookup: 'Route53Dependency DomainName=team04321.org',
    account: '10,000 hosted zones',
    run: () => callsOf(route53, { DomainName: 'team04321.org' }, fakeRoute53(10_000).calls),
  },
  {
    lookup: 'VpcDependency VpcName=team-0500',
    account: '1,000 VPCs, 5,000 subnets',
    run: () => callsOf(vpc, { VpcName: 'team-0500' }, fakeEc2({ vpcs: 1_000, subnets: 5_000 }).calls),
  },
  {
    lookup: 'ImageDependency ImageName=build-042-*',
    account: '2,000 images',
    run: () => callsOf(image, { ImageName: 'build-042-*' }, fakeEc2({ images: 2_000 }).calls),
  },
  {
    lookup: 'StackDependency StackName=service-0999',
    account: '1,000 stacks',
    run: () => callsOf(stack, { StackName: 'service-0999' }, fakeCloudFormation({ stacks: 1_000 }).calls),
  },
  {
    lookup: 'CertificateDependency CertificateName=site-09.*',
    account: '1,000 IAM server certificates',
    run: () => callsOf(certificate, { CertificateName: 'site-09.*' }, fakeIam({ certificates: 1_000 }).calls),
  },
  {
    lookup: 'CertificateDependency DomainName=www.app0777.example.com',
    account: '1,000 ACM certificates',
    run: () => callsOf(certificate, { DomainName: 'www.app0777.example.com' }, fakeAcm({ certificates: 1_000 }).calls),
  },
];

async function main(): Promise<void> {
  console.log('AWS calls per lookup in a large mocked account');
  const lookupWidth = Math.max(...cases.map((c) => c.lookup.length));
  const accountWidth = Math.max(...cases.map((c) => c.account.length));
  for (const c of cases) {
    const calls = await c.run();
    const names = calls.map((call) => call.command).join(', ');
    console.log(`  ${c.lookup.padEnd(lookupWidth)}  ${c.account.padEnd(accountWidth)}  ${String(calls.length).padStart(2)} ${calls.length === 1 ? 'call: ' : 'calls:'} ${names}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
