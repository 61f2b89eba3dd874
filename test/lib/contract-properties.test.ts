import { App, Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { CONTRACTS } from '../../contracts/registry';
import type { PropertySpec } from '../../contracts/properties';
import { parseProperties } from '../../contracts/properties';
import * as lookups from '../../lib/dependencies';

/**
 * Generated values through a construct and through its handler's schema: a
 * value that passes `cdk synth` must pass the handler, and one the handler
 * refuses must stop `cdk synth`.
 */

type Values = Record<string, string | string[] | undefined>;

/** Each lookup's construct, given its CloudFormation properties; the required ones get valid values. */
const CONSTRUCTS: Record<string, { readonly required: Values; readonly create: (scope: Stack, id: string, v: Values) => void }> = {
  Route53Dependency: {
    required: { DomainName: 'example.com' },
    create: (s, id, v) => new lookups.Route53Dependency(s, id, { domainName: text(v.DomainName), vpcId: optional(v.VpcId) }),
  },
  VpcDependency: {
    required: { VpcName: 'main' },
    create: (s, id, v) => new lookups.VpcDependency(s, id, { vpcName: text(v.VpcName) }),
  },
  ImageDependency: {
    required: { ImageName: 'al2023-ami-*' },
    create: (s, id, v) =>
      new lookups.ImageDependency(s, id, { imageName: text(v.ImageName), owners: list(v.Owners), architecture: optional(v.Architecture) }),
  },
  ElasticacheDependency: {
    required: { CacheId: 'sessions' },
    create: (s, id, v) => new lookups.ElasticacheDependency(s, id, { cacheId: text(v.CacheId) }),
  },
  StackDependency: {
    required: { StackName: 'datastores' },
    create: (s, id, v) =>
      new lookups.StackDependency(s, id, { stackName: text(v.StackName), includes: list(v.Includes), excludes: list(v.Excludes) }),
  },
  CertificateDependency: {
    required: { DomainName: 'www.example.com' },
    create: (s, id, v) => new lookups.CertificateDependency(s, id, { domainName: optional(v.DomainName), region: optional(v.Region) }),
  },
};

const checked = CONTRACTS.flatMap((contract) =>
  Object.entries(contract.schema)
    .filter(([, spec]) => spec.type !== 'boolean' && spec.pattern)
    .map(([name, spec]) => [contract.id, name, spec] as const),
);

it('has a construct for every lookup type', () => {
  expect(Object.keys(CONSTRUCTS).sort()).toEqual(CONTRACTS.map((contract) => contract.id).sort());
});

it.each(checked)('%s: the construct accepts exactly the %s values its handler accepts', (id, name, spec) => {
  // GIVEN one stack, so the function is built once
  const { required, create } = CONSTRUCTS[id];
  const schema = CONTRACTS.find((contract) => contract.id === id)!.schema;
  const stack = new Stack(new App(), 'Generated');
  let count = 0;
  fc.assert(
    fc.property(valueOf(spec), (value) => {
      const values = { ...required, [name]: value };
      // WHEN
      const handlerAccepts = accepts(() => parseProperties(schema, values));
      const constructAccepts = accepts(() => create(stack, `R${count++}`, values));
      // THEN
      expect({ value, constructAccepts }).toEqual({ value, constructAccepts: handlerAccepts });
    }),
    { numRuns: 150 },
  );
});

it('the image lookup accepts, at synth and at deploy time, every owner EC2 DescribeImages accepts', () => {
  // GIVEN owners as the EC2 API documents them: account ids and the aliases self, amazon, aws-backup-vault, aws-marketplace
  const owner = fc.oneof(fc.constantFrom('self', 'amazon', 'aws-backup-vault', 'aws-marketplace'), fc.stringMatching(/^\d{12}$/));
  const stack = new Stack(new App(), 'Owners');
  const { schema } = CONTRACTS.find((contract) => contract.id === 'ImageDependency')!;
  let count = 0;
  fc.assert(
    fc.property(fc.array(owner, { minLength: 1, maxLength: 4 }), (owners) => {
      // WHEN
      const handlerAccepts = accepts(() => parseProperties(schema, { ImageName: 'a', Owners: owners }));
      const constructAccepts = accepts(() => new lookups.ImageDependency(stack, `I${count++}`, { imageName: 'a', owners }));
      // THEN
      expect({ owners, handlerAccepts, constructAccepts }).toEqual({ owners, handlerAccepts: true, constructAccepts: true });
    }),
  );
});

/** Values that match the pattern, near misses, and any text; lists of them for list properties. */
function valueOf(spec: PropertySpec): fc.Arbitrary<string | string[]> {
  const pattern = 'pattern' in spec && spec.pattern ? spec.pattern : /.*/;
  const item = fc
    .oneof(fc.stringMatching(pattern), fc.stringMatching(pattern).map((s) => `${s}_`), fc.string({ minLength: 1, maxLength: 20 }))
    .filter((s) => s.trim() !== '' && !s.includes(','));
  return spec.type === 'list' ? fc.array(item, { minLength: 1, maxLength: 3 }) : item;
}

function accepts(run: () => unknown): boolean {
  try {
    run();
    return true;
  } catch {
    return false;
  }
}

function text(value: string | string[] | undefined): string {
  return String(value);
}

function optional(value: string | string[] | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

function list(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : ([] as string[]).concat(value);
}
