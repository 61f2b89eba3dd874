import { InputError } from '../../contracts/errors';
import { defineSchema, parseNoEcho, parseProperties } from '../../contracts/properties';

const schema = defineSchema({
  VpcName: { type: 'string', required: true, description: 'the Name tag of the VPC' },
  OnlyDefaultSubnets: { type: 'boolean', description: 'only default subnets' },
  Owners: { type: 'list', description: 'account ids or self, amazon', pattern: /^(\d{12}|self|amazon)$/ },
  Region: { type: 'string', description: 'a region such as us-east-1', pattern: /^[a-z]{2}(-[a-z]+)+-\d$/ },
});

describe('parseProperties', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['TRUE', true],
    ['False', false],
    [' tRuE ', true],
    [true, true],
    [false, false],
  ])('reads the boolean %p as %p', (value, expected) => {
    expect(parseProperties(schema, { VpcName: 'main', OnlyDefaultSubnets: value }).OnlyDefaultSubnets).toBe(expected);
  });

  it.each([
    ['["self","amazon"]', ['self', 'amazon']],
    [' [ "self" ] ', ['self']],
    ['[]', []],
    ['self,amazon', ['self', 'amazon']],
    ['self, 123456789012 ,', ['self', '123456789012']],
    ['self', ['self']],
    [['self', 123456789012], ['self', '123456789012']],
  ])('reads the list %p as %p', (value, expected) => {
    expect(parseProperties(schema, { VpcName: 'main', Owners: value }).Owners).toEqual(expected);
  });

  it.each([
    [' main ', 'main'],
    [42, '42'],
  ])('reads the string %p as %p', (value, expected) => {
    expect(parseProperties(schema, { VpcName: value }).VpcName).toBe(expected);
  });

  it('leaves out optional properties that are not set or empty', () => {
    expect(parseProperties(schema, { VpcName: 'main', Region: '', Owners: null })).toEqual({ VpcName: 'main' });
  });

  it('accepts the properties every custom resource has', () => {
    const raw = { VpcName: 'main', ServiceToken: 'arn', ServiceTimeout: '300', Refresh: '2026-01-01', NoEcho: 'true' };
    expect(parseProperties(schema, raw)).toEqual({ VpcName: 'main' });
  });

  it.each([
    ['a misspelt property', { VpcNmae: 'main' }, 'unknown property "VpcNmae"; valid properties are VpcName, OnlyDefaultSubnets, Owners, Region'],
    ['two unknown properties', { VpcName: 'main', Foo: 1, Bar: 2 }, 'unknown properties "Foo", "Bar"; valid properties are VpcName, OnlyDefaultSubnets, Owners, Region'],
    ['a missing required property', {}, 'missing required property VpcName (the Name tag of the VPC); valid properties are VpcName, OnlyDefaultSubnets, Owners, Region'],
    ['an empty required property', { VpcName: '' }, 'missing required property VpcName'],
    ['a boolean that is not true or false', { VpcName: 'main', OnlyDefaultSubnets: 'yes' }, 'OnlyDefaultSubnets must be true or false, got "yes"'],
    ['a number for a boolean', { VpcName: 'main', OnlyDefaultSubnets: 1 }, 'OnlyDefaultSubnets must be true or false, got 1'],
    ['malformed JSON for a list', { VpcName: 'main', Owners: '["self"' }, 'Owners must be a JSON array of strings or a comma-separated list, got "[\\"self\\""'],
    ['JSON that is not an array', { VpcName: 'main', Owners: '[1]x' }, 'Owners must be a JSON array of strings or a comma-separated list'],
    ['an object for a list', { VpcName: 'main', Owners: { a: 1 } }, 'Owners must be a JSON array of strings or a comma-separated list, got {"a":1}'],
    ['a list item that is not a string', { VpcName: 'main', Owners: '["self",{"id":1}]' }, 'Owners must hold only strings (account ids or self, amazon), got an item {"id":1}'],
    ['a list item that does not match', { VpcName: 'main', Owners: 'self,strangers' }, 'Owners item "strangers" is not valid: expected account ids or self, amazon'],
    ['a string that does not match', { VpcName: 'main', Region: 'Ireland' }, 'Region "Ireland" is not valid: expected a region such as us-east-1'],
    ['an object for a string', { VpcName: { Ref: 'Vpc' } }, 'VpcName must be a string (the Name tag of the VPC), got {"Ref":"Vpc"}'],
  ])('refuses %s, naming the property', (_, raw, message) => {
    expect(() => parseProperties(schema, raw)).toThrow(InputError);
    expect(() => parseProperties(schema, raw)).toThrow(message);
  });

  it.each([
    [{ VpcNmae: 'main' }, ['VpcNmae']],
    [{ VpcName: 'main', Foo: 1, Bar: 2 }, ['Foo', 'Bar']],
    [{}, ['VpcName']],
    [{ VpcName: 'main', Owners: 'self,strangers' }, ['Owners']],
  ])('names the properties at fault in the error of %j', (raw, properties) => {
    expect(() => parseProperties(schema, raw)).toThrow(expect.objectContaining({ name: 'InputError', properties }));
  });
});

describe('parseNoEcho', () => {
  it.each([
    [undefined, false],
    [{}, false],
    [{ NoEcho: 'true' }, true],
    [{ NoEcho: 'TRUE' }, true],
    [{ NoEcho: 'false' }, false],
    [{ NoEcho: true }, true],
  ])('reads %p as %p', (raw, expected) => {
    expect(parseNoEcho(raw)).toBe(expected);
  });

  it('refuses a NoEcho that is not true or false', () => {
    expect(() => parseNoEcho({ NoEcho: 'yes' })).toThrow('NoEcho must be true or false, got "yes"');
  });
});
