import { compareText, listSome, listWithin, show } from '../../contracts/text';

describe('lists in messages', () => {
  it.each([
    [[], 3, ''],
    [['a'], 3, 'a'],
    [['a', 'b', 'c'], 3, 'a, b, c'],
    [['a', 'b', 'c', 'd', 'e'], 3, 'a, b, c and 2 more'],
  ])('listSome(%j, %i) says %j', (items, limit, expected) => {
    expect(listSome(items, limit)).toBe(expected);
  });

  it.each([
    [[], 10, ''],
    [['a-very-long-name'], 5, 'a-very-long-name'],
    [['aaaa', 'bbbb', 'cccc'], 10, 'aaaa, bbbb and 1 more'],
    [['aaaa', 'bbbb', 'cccc'], 16, 'aaaa, bbbb, cccc'],
  ])('listWithin(%j, %i) says %j', (items, budget, expected) => {
    expect(listWithin(items, budget)).toBe(expected);
  });
});

describe('ordering text', () => {
  it.each([
    ['eu-west-1a', 'eu-west-1b', -1],
    ['subnet-b', 'subnet-a', 1],
    ['same', 'same', 0],
    [undefined, 'a', -1],
    [undefined, '', 0],
    ['Z', 'a', -1],
  ])('compareText(%j, %j) is %i', (a, b, expected) => {
    expect(compareText(a, b)).toBe(expected);
  });
});

describe('show', () => {
  it.each([
    ['main', '"main"'],
    [undefined, 'nothing'],
    [{ a: [1] }, '{"a":[1]}'],
    ['x'.repeat(100), `"${'x'.repeat(76)}...`],
  ])('renders %p as %p', (value, expected) => {
    expect(show(value)).toBe(expected);
  });
});
