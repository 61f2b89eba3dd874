import { InputError } from './errors';
import { show } from './text';

/** Properties every custom resource accepts besides its own. */
export const COMMON_PROPERTIES = ['ServiceToken', 'ServiceTimeout', 'Refresh', 'NoEcho'] as const;

interface BaseSpec {
  readonly required?: boolean;
  /** One line that says what the property is, shown when a value is rejected. */
  readonly description: string;
}

export interface StringSpec extends BaseSpec {
  readonly type: 'string';
  /** A pattern the whole value must match. */
  readonly pattern?: RegExp;
}

export interface BooleanSpec extends BaseSpec {
  readonly type: 'boolean';
}

export interface ListSpec extends BaseSpec {
  readonly type: 'list';
  /** A pattern each item must match. */
  readonly pattern?: RegExp;
}

export type PropertySpec = StringSpec | BooleanSpec | ListSpec;
export type Schema = Readonly<Record<string, PropertySpec>>;

type ValueOf<S extends PropertySpec> = S extends BooleanSpec ? boolean : S extends ListSpec ? string[] : string;

/** The typed result of parsing a schema: required properties are present, the others optional. */
export type Parsed<S extends Schema> = {
  -readonly [K in keyof S as S[K]['required'] extends true ? K : never]: ValueOf<S[K]>;
} & {
  -readonly [K in keyof S as S[K]['required'] extends true ? never : K]?: ValueOf<S[K]>;
};

/** Declares a schema and keeps its literal types for `Parsed`. */
export function defineSchema<const S extends Schema>(schema: S): S {
  return schema;
}

/** Whether `NoEcho` asks to hide the response data; an invalid value is an error. */
export function parseNoEcho(raw: Record<string, unknown> | undefined): boolean {
  const value = raw?.NoEcho;
  return value === undefined ? false : parseBoolean('NoEcho', value);
}

/**
 * Turns CloudFormation's `ResourceProperties` into typed values, or throws an
 * `InputError` whose message names the property, the value and what is valid.
 */
export function parseProperties<S extends Schema>(schema: S, raw: Record<string, unknown> | undefined): Parsed<S> {
  const props = raw ?? {};
  const known = Object.keys(schema);
  const validNames = known.join(', ');

  const unknownNames = Object.keys(props).filter(
    (name) => !Object.hasOwn(schema, name) && !(COMMON_PROPERTIES as readonly string[]).includes(name),
  );
  if (unknownNames.length > 0) {
    const list = unknownNames.map((n) => `"${n}"`).join(', ');
    throw new InputError(
      `unknown ${unknownNames.length === 1 ? 'property' : 'properties'} ${list}; valid properties are ${validNames}`,
      { properties: unknownNames },
    );
  }

  const result: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) {
    const value = Object.hasOwn(props, name) ? props[name] : undefined;
    if (value === undefined || value === null || value === '') {
      if (spec.required) {
        throw new InputError(`missing required property ${name} (${spec.description}); valid properties are ${validNames}`, { properties: [name] });
      }
      continue;
    }
    result[name] = parseValue(name, spec, value);
  }
  return result as Parsed<S>;
}

function parseValue(name: string, spec: PropertySpec, value: unknown): unknown {
  switch (spec.type) {
    case 'boolean':
      return parseBoolean(name, value);
    case 'list':
      return parseList(name, spec, value);
    case 'string':
      return parseString(name, spec, value);
  }
}

function parseBoolean(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw new InputError(`${name} must be true or false, got ${show(value)}`, { properties: [name] });
}

function parseString(name: string, spec: StringSpec, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InputError(`${name} must be a string (${spec.description}), got ${show(value)}`, { properties: [name] });
  }
  const text = String(value).trim();
  if (spec.pattern && !spec.pattern.test(text)) {
    throw new InputError(`${name} ${show(text)} is not valid: expected ${spec.description}`, { properties: [name] });
  }
  return text;
}

function parseList(name: string, spec: ListSpec, value: unknown): string[] {
  const result: string[] = [];
  for (const item of listItems(name, value)) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      throw new InputError(`${name} must hold only strings (${spec.description}), got an item ${show(item)}`, { properties: [name] });
    }
    const text = String(item).trim();
    if (text === '') continue;
    if (spec.pattern && !spec.pattern.test(text)) {
      throw new InputError(`${name} item ${show(text)} is not valid: expected ${spec.description}`, { properties: [name] });
    }
    result.push(text);
  }
  return result;
}

/** The items of a list given as an array, a JSON array in a string, or a comma-separated string. */
function listItems(name: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    if (!value.trim().startsWith('[')) return value.split(',');
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // Not JSON: rejected below with every other value that is not a list.
    }
  }
  throw new InputError(`${name} must be a JSON array of strings or a comma-separated list, got ${show(value)}`, { properties: [name] });
}
