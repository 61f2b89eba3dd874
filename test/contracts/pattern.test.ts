import fc from 'fast-check';
import { compilePattern, PatternError } from '../../contracts/certificate-dependency/pattern';

describe('compilePattern', () => {
  it.each([
    ['www-example-com-.*', 'www-example-com-2026', true],
    ['www-example-com-.*', 'xwww-example-com-2026', false],
    ['web|api', 'web', true],
    ['web|api', 'webapi', false],
    ['cert-\\d{4}', 'cert-2026', true],
    ['cert-\\d{4}', 'cert-20260', false],
    ['[a-c]+(-[0-9]{1,2})?', 'abc-12', true],
    ['[^-]+', 'a-b', false],
    ['(?<year>\\d+)-(?:prod|test)', '2026-prod', true],
    ['^a$', 'a', true],
    ['a\\b-b', 'a-b', true],
    ['a\\Bb', 'ab', true],
    ['\\x41\\u0042[\\b]', 'AB\b', true],
    ['', '', true],
    ['[]', '', false],
    ['[^]*', 'any\nthing', true],
    ['.', '\n', false],
  ])('matches %p against the whole of %p: %p', (pattern, text, expected) => {
    expect(compilePattern(pattern)(text)).toBe(expected);
  });

  it('agrees with JavaScript on whole-text matching for random patterns and texts', () => {
    fc.assert(
      fc.property(patternArbitrary(), fc.array(fc.constantFrom('a', 'b', '-', '1', ' ', '\n'), { maxLength: 8 }), (pattern, chars) => {
        const text = chars.join('');
        expect(compilePattern(pattern)(text)).toBe(new RegExp(`^(?:${pattern})$`).test(text));
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['(a+)+', `${'a'.repeat(30)}!`],
    ['(www-)?([a-z0-9]+-?)+-prod', `www-${'a1-'.repeat(40)}prod!`],
    ['(a|aa)*b', 'a'.repeat(10_000)],
    ['(.*a){20}', `${'a'.repeat(5_000)}b`],
  ])('answers %p against a text that makes a backtracking engine run for minutes', (pattern, text) => {
    expect(compilePattern(pattern)(text)).toBe(false);
  });

  it.each([
    ['(a)\\1', 'uses a backreference "\\1", which linear-time matching does not support; write out what the group should match again instead of referring back to it'],
    ['(?<x>a)\\k<x>', 'uses a backreference "\\k"'],
    ['www(?=-)', 'uses a lookahead "(?=", which linear-time matching does not support; match the whole name with a pattern that has no lookahead or lookbehind, listing the forms you want with |'],
    ['(?!test).*', 'uses a lookahead "(?!"'],
    ['.*(?<=prod)', 'uses a lookbehind "(?<="'],
    ['.*(?<!test)', 'uses a lookbehind "(?<!"'],
    ['a{100000}', 'compiles to more than 20000 states; use smaller repetition counts or a shorter pattern'],
    [`${'('.repeat(101)}a${')'.repeat(101)}`, 'nests groups more than 100 deep; use fewer nested groups'],
    ['(a', 'is not a valid regular expression: Unterminated group; correct the pattern'],
    ['a**', 'is not a valid regular expression: Nothing to repeat; correct the pattern'],
  ])('refuses %p, saying what and what to do', (pattern, message) => {
    expect(() => compilePattern(pattern)).toThrow(PatternError);
    expect(() => compilePattern(pattern)).toThrow(message);
  });
});

/**
 * Patterns over a small alphabet built from the syntax the matcher supports.
 * Groups nest at most two deep: JavaScript's own engine, the oracle here,
 * backtracks for seconds on deeper nests of quantified groups.
 */
function patternArbitrary(): fc.Arbitrary<string> {
  const { pattern } = fc.letrec<{ pattern: string; atom: string }>((tie) => ({
    atom: fc.oneof(
      { depthSize: 'small', withCrossShrink: true, maxDepth: 2 },
      fc.constantFrom('a', 'b', '-', '1', '.', '\\d', '\\w', '\\s', '\\W', '[ab]', '[^a]', '[a-b1]', '[\\d-]', '\\-', '^', '$', '\\b', '\\B'),
      tie('pattern').map((inner) => `(${inner})`),
      tie('pattern').map((inner) => `(?:${inner})`),
    ),
    pattern: fc
      .array(
        fc.tuple(tie('atom'), fc.constantFrom('', '', '*', '+', '?', '{2}', '{0,2}', '{1,}', '*?', '+?')),
        { maxLength: 4 },
      )
      .chain((items) =>
        fc.constantFrom('', '|a', '|').map((tail) => items.map(([atom, q]) => (isAssertion(atom) ? atom : atom + q)).join('') + tail),
      ),
  }));
  return pattern.filter((p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  });
}

function isAssertion(atom: string): boolean {
  return ['^', '$', '\\b', '\\B'].includes(atom);
}
