import { isAttribute } from '../../contracts/contract';
import { parseProperties } from '../../contracts/properties';
import { CONTRACTS } from '../../contracts/registry';

/**
 * The registry is the one list of lookup types: the tests and benchmarks
 * build their events from each contract's example, so every entry must have
 * one that its own handler would accept and answer.
 */

const TYPES = CONTRACTS.map((contract) => [contract.resourceType, contract] as const);

it.each(TYPES)('%s has an example with properties and an answer', (_type, contract) => {
  // GIVEN the entry as the registry lists it
  const { example } = contract;
  // THEN
  expect(Object.keys(example?.properties ?? {}).length).toBeGreaterThan(0);
  expect(Object.keys(example?.data ?? {}).length).toBeGreaterThan(0);
});

it.each(TYPES)("the example properties of %s pass the type's own schema", (_type, contract) => {
  // WHEN
  const parse = () => parseProperties(contract.schema, contract.example.properties);
  // THEN
  expect(parse).not.toThrow();
});

it.each(TYPES)('the example answer of %s names only attributes the contract lists, each a string', (_type, contract) => {
  // GIVEN
  const data = Object.entries(contract.example.data);
  // THEN
  expect(data.filter(([name]) => !isAttribute(contract, name)).map(([name]) => name)).toEqual([]);
  expect(data.filter(([, value]) => typeof value !== 'string')).toEqual([]);
});
