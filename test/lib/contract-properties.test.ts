import { App, Stack } from 'aws-cdk-lib';
import fc from 'fast-check';
import { CONTRACTS } from '../../contracts/registry';
import type { PropertySpec } from '../../contracts/properties';
import { parseProperties } from '../../contracts/properties';
import * as lookups from '../../lib/dependencies';
import { createLookup, lookupConstruct } from '../helpers/lookup-constructs';

/**
 * Generated values through a construct and through its handler's schema: a
 * value that passes `cdk synth` must pass the handler, and one the handler
 * refuses must stop `cdk synth`.
 */

const checked = CONTRACTS.flatMap((contract) =>
  Object.entries(contract.schema)
    .filter(([, spec]) => spec.type !== 'boolean' && spec.pattern)
    .map(([name, spec]) => [contract.id, name, spec, contract] as const),
);

it('has a construct for every lookup type', () => {
  expect(CONTRACTS.filter((contract) => !lookupConstruct(contract)).map((contract) => contract.id)).toEqual([]);
});

it.each(checked)('%s: the construct accepts exactly the %s values its handler accepts', (_id, name, spec, contract) => {
  // GIVEN one stack, so the function is built once, and the example of the type with one value changed
  const stack = new Stack(new App(), 'Generated');
  let count = 0;
  fc.assert(
    fc.property(valueOf(spec), (value) => {
      const values = { ...contract.example.properties, [name]: value };
      // WHEN
      const handlerAccepts = accepts(() => parseProperties(contract.schema, values));
      const constructAccepts = accepts(() => createLookup(contract, stack, `R${count++}`, values));
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
