/**
 * Regular expressions matched in linear time: a pattern becomes a small
 * automaton (Thompson's construction) that reads a text once, keeping the
 * set of states it may be in, so no pattern can make matching take longer
 * than (text length) × (pattern size). JavaScript's own engine backtracks:
 * `(a+)+` against 30 `a`s and a `!` runs for minutes.
 *
 * The syntax is JavaScript's without flags, less what needs backtracking or
 * look-around: backreferences (`\1`, `\k<name>`), lookahead and lookbehind
 * (`(?=`, `(?!`, `(?<=`, `(?<!`). Matching is always of the whole text.
 */

/** Why a pattern cannot be used: `problem` says what, `fix` what to do. */
export class PatternError extends Error {
  public constructor(
    public readonly problem: string,
    public readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(`${problem}; ${fix}`, options);
    this.name = 'PatternError';
  }
}

/** The most states a pattern may compile to; `a{1000}` takes 1,001. */
export const MAX_STATES = 20_000;
/** The most groups a pattern may nest. */
export const MAX_NESTING = 100;

/** A set of UTF-16 code units: inclusive ranges, or everything outside them. */
interface CharSet {
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  readonly negated: boolean;
}

type Node =
  | { readonly kind: 'set'; readonly set: CharSet }
  | { readonly kind: 'sequence'; readonly items: readonly Node[] }
  | { readonly kind: 'choice'; readonly options: readonly Node[] }
  | { readonly kind: 'repeat'; readonly item: Node; readonly min: number; readonly max: number }
  | { readonly kind: 'assert'; readonly at: Assertion };

type Assertion = 'start' | 'end' | 'word-boundary' | 'not-word-boundary';

type State =
  | { op: 'set'; set: CharSet }
  | { op: 'split'; to: number; alt: number }
  | { op: 'jump'; to: number }
  | { op: 'assert'; at: Assertion }
  | { op: 'match' };

const DIGIT: CharSet = { ranges: [[0x30, 0x39]], negated: false };
const WORD: CharSet = { ranges: [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]], negated: false };
const SPACE: CharSet = {
  ranges: [[0x09, 0x0d], [0x20, 0x20], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff]],
  negated: false,
};
const LINE_TERMINATORS: CharSet = { ranges: [[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]], negated: true };
const CONTROL_ESCAPES: Record<string, number> = { t: 0x09, n: 0x0a, v: 0x0b, f: 0x0c, r: 0x0d };

/**
 * Compiles `pattern` into a test of whole texts. Throws a `PatternError` for
 * a pattern JavaScript rejects, one that uses what linear-time matching
 * cannot do, or one too large.
 */
export function compilePattern(pattern: string): (text: string) => boolean {
  try {
    new RegExp(pattern);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PatternError(
      `is not a valid regular expression: ${message.slice(message.lastIndexOf(': ') + 2)}`,
      'correct the pattern',
      { cause: error },
    );
  }
  const states = compile(new Parser(pattern).parse());
  return (text) => run(states, text);
}

class Parser {
  private at = 0;
  private depth = 0;

  public constructor(private readonly source: string) {}

  public parse(): Node {
    return this.choice();
  }

  private choice(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.at += 1;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0] : { kind: 'choice', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.at < this.source.length && this.peek() !== '|' && this.peek() !== ')') {
      items.push(this.quantified(this.atom()));
    }
    return { kind: 'sequence', items };
  }

  private quantified(item: Node): Node {
    const bounds = this.quantifier();
    if (bounds === undefined) return item;
    if (this.peek() === '?') this.at += 1;
    return { kind: 'repeat', item, min: bounds[0], max: bounds[1] };
  }

  private quantifier(): [number, number] | undefined {
    const char = this.peek();
    if (char === '*' || char === '+' || char === '?') {
      this.at += 1;
      return char === '*' ? [0, Infinity] : char === '+' ? [1, Infinity] : [0, 1];
    }
    const braces = /^\{(\d+)(,(\d*))?\}/.exec(this.source.slice(this.at, this.at + 24));
    if (char !== '{' || braces === null) return undefined;
    this.at += braces[0].length;
    const min = Number(braces[1]);
    return [min, braces[2] === undefined ? min : braces[3] === '' ? Infinity : Number(braces[3])];
  }

  private atom(): Node {
    const char = this.source[this.at];
    this.at += 1;
    switch (char) {
      case '(':
        return this.group();
      case '[':
        return { kind: 'set', set: this.charClass() };
      case '.':
        return { kind: 'set', set: LINE_TERMINATORS };
      case '^':
        return { kind: 'assert', at: 'start' };
      case '$':
        return { kind: 'assert', at: 'end' };
      case '\\':
        return this.escape();
      default:
        return literal(char.charCodeAt(0));
    }
  }

  private group(): Node {
    const rest = this.source.slice(this.at, this.at + 3);
    const lookaround = ['?<=', '?<!'].find((p) => rest.startsWith(p)) ?? ['?=', '?!'].find((p) => rest.startsWith(p));
    if (lookaround !== undefined) {
      throw new PatternError(
        `uses a ${lookaround.startsWith('?<') ? 'lookbehind' : 'lookahead'} "(${lookaround}", which linear-time matching does not support`,
        'match the whole name with a pattern that has no lookahead or lookbehind, listing the forms you want with |',
      );
    }
    if (rest.startsWith('?:')) this.at += 2;
    else if (rest.startsWith('?<')) this.at = this.source.indexOf('>', this.at) + 1;
    else if (rest.startsWith('?')) {
      throw new PatternError(`uses the group "(${rest.slice(0, 2)}", which linear-time matching here does not support`, 'use (...) or (?:...) groups');
    }
    this.depth += 1;
    if (this.depth > MAX_NESTING) {
      throw new PatternError(`nests groups more than ${MAX_NESTING} deep`, 'use fewer nested groups');
    }
    const inner = this.choice();
    this.depth -= 1;
    this.at += 1;
    return inner;
  }

  private escape(): Node {
    const char = this.source[this.at];
    this.at += 1;
    if (/[1-9]/.test(char) || (char === 'k' && this.peek() === '<')) {
      throw new PatternError(
        `uses a backreference "\\${char}", which linear-time matching does not support`,
        'write out what the group should match again instead of referring back to it',
      );
    }
    if (char === 'b') return { kind: 'assert', at: 'word-boundary' };
    if (char === 'B') return { kind: 'assert', at: 'not-word-boundary' };
    return { kind: 'set', set: this.escapedSet(char) };
  }

  /** The set an escape stands for, the backslash and `char` read. */
  private escapedSet(char: string): CharSet {
    switch (char) {
      case 'd':
      case 'D':
        return { ...DIGIT, negated: char === 'D' };
      case 'w':
      case 'W':
        return { ...WORD, negated: char === 'W' };
      case 's':
      case 'S':
        return { ...SPACE, negated: char === 'S' };
      default:
        return literal(this.escapedUnit(char)).set;
    }
  }

  private escapedUnit(char: string): number {
    if (char in CONTROL_ESCAPES) return CONTROL_ESCAPES[char];
    const hex = char === 'x' ? 2 : char === 'u' ? 4 : 0;
    const digits = this.source.slice(this.at, this.at + hex);
    if (hex > 0 && /^[0-9A-Fa-f]+$/.test(digits) && digits.length === hex) {
      this.at += hex;
      return parseInt(digits, 16);
    }
    if (char === '0' && !/[0-9]/.test(this.peek())) return 0;
    if (/[0-9cpPu]/.test(char)) {
      throw new PatternError(`uses the escape "\\${char}", which linear-time matching here does not support`, 'write the characters out');
    }
    return char.charCodeAt(0);
  }

  private charClass(): CharSet {
    const negated = this.peek() === '^';
    if (negated) this.at += 1;
    const ranges: Array<readonly [number, number]> = [];
    const sets: CharSet[] = [];
    while (this.peek() !== ']') {
      const low = this.classItem();
      if (this.peek() === '-' && this.source[this.at + 1] !== ']' && typeof low === 'number') {
        this.at += 1;
        const high = this.classItem();
        if (typeof high === 'number') {
          ranges.push([low, high]);
          continue;
        }
        ranges.push([low, low], [0x2d, 0x2d]);
        sets.push(high);
        continue;
      }
      if (typeof low === 'number') ranges.push([low, low]);
      else sets.push(low);
    }
    this.at += 1;
    return union(ranges, sets, negated);
  }

  /** One code unit of a class, or the set of a class escape (`\d`, `\w`, `\s` and their negations). */
  private classItem(): number | CharSet {
    const char = this.source[this.at];
    this.at += 1;
    if (char !== '\\') return char.charCodeAt(0);
    const escaped = this.source[this.at];
    this.at += 1;
    if (escaped === 'b') return 0x08;
    if (escaped === '-') return 0x2d;
    if (/[dDwWsS]/.test(escaped)) return this.escapedSet(escaped);
    if (/[1-9]/.test(escaped)) {
      throw new PatternError(`uses the escape "\\${escaped}" in a class, which linear-time matching here does not support`, 'write the characters out');
    }
    return this.escapedUnit(escaped);
  }

  private peek(): string {
    return this.source[this.at] ?? '';
  }
}

function literal(unit: number): { kind: 'set'; set: CharSet } {
  return { kind: 'set', set: { ranges: [[unit, unit]], negated: false } };
}

/** A class of ranges and class escapes: a negated escape inside a class is everything outside its ranges. */
function union(ranges: Array<readonly [number, number]>, sets: readonly CharSet[], negated: boolean): CharSet {
  const all = [...ranges];
  for (const set of sets) all.push(...(set.negated ? complement(set.ranges) : set.ranges));
  return { ranges: all, negated };
}

function complement(ranges: ReadonlyArray<readonly [number, number]>): Array<readonly [number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const result: Array<readonly [number, number]> = [];
  let next = 0;
  for (const [low, high] of sorted) {
    if (low > next) result.push([next, low - 1]);
    next = Math.max(next, high + 1);
  }
  if (next <= 0xffff) result.push([next, 0xffff]);
  return result;
}

function compile(root: Node): State[] {
  const states: State[] = [];
  const add = (state: State): number => {
    if (states.length >= MAX_STATES) {
      throw new PatternError(`compiles to more than ${MAX_STATES} states`, 'use smaller repetition counts or a shorter pattern');
    }
    return states.push(state) - 1;
  };
  const emit = (node: Node): void => {
    switch (node.kind) {
      case 'set':
        add({ op: 'set', set: node.set });
        return;
      case 'assert':
        add({ op: 'assert', at: node.at });
        return;
      case 'sequence':
        for (const item of node.items) emit(item);
        return;
      case 'choice': {
        const jumps: Array<{ op: 'jump'; to: number }> = [];
        node.options.forEach((option, index) => {
          const split = index < node.options.length - 1 ? { op: 'split' as const, to: 0, alt: 0 } : undefined;
          if (split) split.to = add(split) + 1;
          emit(option);
          if (split) {
            const jump = { op: 'jump' as const, to: 0 };
            add(jump);
            jumps.push(jump);
            split.alt = states.length;
          }
        });
        for (const jump of jumps) jump.to = states.length;
        return;
      }
      case 'repeat': {
        for (let i = 0; i < node.min; i++) emit(node.item);
        if (node.max === Infinity) {
          const split = { op: 'split' as const, to: 0, alt: 0 };
          const loop = add(split);
          split.to = loop + 1;
          emit(node.item);
          add({ op: 'jump', to: loop });
          split.alt = states.length;
          return;
        }
        const splits: Array<{ op: 'split'; to: number; alt: number }> = [];
        for (let i = node.min; i < node.max; i++) {
          const split = { op: 'split' as const, to: 0, alt: 0 };
          split.to = add(split) + 1;
          splits.push(split);
          emit(node.item);
        }
        for (const split of splits) split.alt = states.length;
        return;
      }
    }
  };
  emit(root);
  add({ op: 'match' });
  return states;
}

/**
 * Whether the automaton accepts the whole text, reading it once: the states
 * it may be in before each code unit are kept as a list, each state at most
 * once, so each step costs at most the number of states.
 */
function run(states: readonly State[], text: string): boolean {
  const seenAt = new Int32Array(states.length).fill(-1);
  /** Adds to `into` the states that read a code unit or match, reached from `start` at `position` without reading. */
  const follow = (start: number, position: number, into: number[]): void => {
    const pending = [start];
    while (pending.length > 0) {
      const index = pending.pop() as number;
      if (seenAt[index] === position) continue;
      seenAt[index] = position;
      const state = states[index];
      if (state.op === 'jump') pending.push(state.to);
      else if (state.op === 'split') pending.push(state.alt, state.to);
      else if (state.op !== 'assert') into.push(index);
      else if (holds(state.at, text, position)) pending.push(index + 1);
    }
  };
  let current: number[] = [];
  follow(0, 0, current);
  for (let position = 0; position < text.length && current.length > 0; position++) {
    const unit = text.charCodeAt(position);
    const next: number[] = [];
    for (const index of current) {
      const state = states[index];
      if (state.op === 'set' && contains(state.set, unit)) follow(index + 1, position + 1, next);
    }
    current = next;
  }
  return current.some((index) => states[index].op === 'match');
}

function contains(set: CharSet, unit: number): boolean {
  const inside = set.ranges.some(([low, high]) => unit >= low && unit <= high);
  return inside !== set.negated;
}

function holds(at: Assertion, text: string, position: number): boolean {
  switch (at) {
    case 'start':
      return position === 0;
    case 'end':
      return position === text.length;
    default: {
      const before = position > 0 && contains(WORD, text.charCodeAt(position - 1));
      const after = position < text.length && contains(WORD, text.charCodeAt(position));
      return (before !== after) === (at === 'word-boundary');
    }
  }
}
