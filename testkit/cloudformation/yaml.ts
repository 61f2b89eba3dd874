import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';
import type { CfnTemplate } from './template';

/** The short forms CloudFormation accepts in YAML templates. */
const SHORT_FORMS = ['Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not', 'And', 'Or', 'Select', 'Split', 'Sub', 'Transform', 'Condition', 'Ref'];

const TAGS: Tags = SHORT_FORMS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const fromNode = (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() });
  const fromScalar = (value: string) => ({ [key]: name === 'GetAtt' ? splitOnce(value) : value });
  return [
    { tag: `!${name}`, resolve: fromScalar },
    { tag: `!${name}`, collection: 'seq' as const, resolve: fromNode },
    { tag: `!${name}`, collection: 'map' as const, resolve: fromNode },
  ];
});

/** `!GetAtt Resource.Attribute` in its long form, `[Resource, Attribute]`. */
function splitOnce(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

/** A YAML template with its short forms (`!Ref x`, `!GetAtt A.B`) turned into the long forms (`{ Ref: x }`). */
export function parseYamlTemplate(source: string): CfnTemplate {
  return parse(source, { customTags: TAGS }) as CfnTemplate;
}

/** The YAML template in `file`, in long form. */
export function readYamlTemplate(file: string): CfnTemplate {
  return parseYamlTemplate(readFileSync(file, 'utf8'));
}
