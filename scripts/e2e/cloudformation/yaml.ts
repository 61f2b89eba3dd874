import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';
import type { CfnTemplate } from './template';

/** The short forms CloudFormation accepts in YAML templates. */
const SHORT_FORMS = ['Base64', 'Cidr', 'Equals', 'FindInMap', 'GetAtt', 'GetAZs', 'If', 'ImportValue', 'Join', 'Not', 'And', 'Or', 'Select', 'Split', 'Sub', 'Condition', 'Ref'];

const TAGS: Tags = SHORT_FORMS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const fromNode = (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() });
  return [
    { tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: fromNode },
    { tag: `!${name}`, collection: 'map' as const, resolve: fromNode },
  ];
});

/** A YAML template with its short forms (`!Ref x`, `!Sub ...`) turned into the long forms (`{ Ref: x }`). */
export function readYamlTemplate(file: string): CfnTemplate {
  return parse(readFileSync(file, 'utf8'), { customTags: TAGS }) as CfnTemplate;
}
