import { parse, type Tags } from 'yaml';

/** CloudFormation's short-form functions: `!Ref x` -> `{ Ref: x }`, `!GetAtt A.B` -> `{ 'Fn::GetAtt': ['A', 'B'] }`. */
const FUNCTIONS = [
  'Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not', 'And', 'Or',
  'Select', 'Split', 'Sub', 'Transform', 'Condition', 'Ref',
];

function fullName(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

const TAGS: Tags = FUNCTIONS.flatMap((name) => [
  {
    tag: `!${name}`,
    resolve: (value: string) => ({ [fullName(name)]: name === 'GetAtt' ? splitOnce(value) : value }),
  },
  {
    tag: `!${name}`,
    collection: 'seq' as const,
    resolve: (value: { toJSON(): unknown }) => ({ [fullName(name)]: value.toJSON() }),
  },
  {
    tag: `!${name}`,
    collection: 'map' as const,
    resolve: (value: { toJSON(): unknown }) => ({ [fullName(name)]: value.toJSON() }),
  },
]);

function splitOnce(value: string): string[] {
  const dot = value.indexOf('.');
  return [value.slice(0, dot), value.slice(dot + 1)];
}

/** A CloudFormation template in YAML, short-form functions turned into their long form. */
export function parseTemplate(source: string): Record<string, any> {
  return parse(source, { customTags: TAGS });
}
