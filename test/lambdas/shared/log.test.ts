import { log, sanitize } from '../../../lambdas/shared/log';

describe('sanitize', () => {
  it.each([
    [
      'the query of a URL',
      'PUT https://bucket.s3.amazonaws.com/arn%3Aaws/req?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc failed',
      'PUT https://bucket.s3.amazonaws.com/arn%3Aaws/req failed',
    ],
    ['the query of every URL', 'a http://h/x?s=1 and https://h/y?t=2#frag', 'a http://h/x and https://h/y#frag'],
    ['the query of a URL in quotes', 'url "https://h/p?X-Amz-Signature=abc" refused', 'url "https://h/p" refused'],
    ['signing parameters outside a URL', 'got X-Amz-Signature=abc&X-Amz-Credential=AKIA%2F', 'got '],
    ['nothing from text without URLs', 'no VPC named "main"', 'no VPC named "main"'],
  ])('removes %s', (_, text, expected) => {
    expect(sanitize(text)).toBe(expected);
  });

  it.each([
    ['a query after a fragment-only URL', 'https://h/a#top https://h/b#x?y https://h/c?q=1#f', 'https://h/a#top https://h/b#x?y https://h/c#f'],
    ['the query of a URL among look-alike schemes', `${'a://'.repeat(100)}h?X-Amz-Signature=abc`, `${'a://'.repeat(100)}h`],
    ['every signing parameter in any case, with its separator', 'u=/p?x-amz-date=1&keep=2&X-AMZ-SIGNATURE=abc#f', 'u=/p&keep=2#f'],
  ])('removes %s', (_, text, expected) => {
    expect(sanitize(text)).toBe(expected);
  });

  it.each([
    ['a://'.repeat(50_000), `${'a://'.repeat(255)}a:/… (200000 characters)`],
    ['X-Amz-'.repeat(50_000), `${'X-Amz-'.repeat(170)}X-A… (300000 characters)`],
    [`https://h/p?X-Amz-Signature=${'5'.repeat(5000)}`, 'https://h/p (5028 characters)'],
    [`got X-Amz-Signature=${'5'.repeat(5000)}`, 'got  (5020 characters)'],
  ])('cuts a string of thousands of characters to 1024, saying how long it was, and still removes secrets (%#)', (text, expected) => {
    expect(sanitize(text)).toBe(expected);
  });

  it('sanitizes strings anywhere in objects and arrays, leaving other values alone', () => {
    expect(sanitize({ a: ['https://h/p?q=1', 3], b: { c: 'http://h?x=y', d: true, e: null } })).toEqual({
      a: ['https://h/p', 3],
      b: { c: 'http://h', d: true, e: null },
    });
  });
});

describe('log', () => {
  it('writes one sanitized JSON line with the level and message first', () => {
    log('WARN', 'answer not accepted, trying again', { url: 'https://h/p?X-Amz-Signature=abc', attempt: 1 });

    expect(jest.mocked(console.log).mock.calls).toEqual([
      ['{"level":"WARN","message":"answer not accepted, trying again","url":"https://h/p","attempt":1}'],
    ]);
  });

  describe("under Lambda's JSON log format", () => {
    beforeEach(() => {
      process.env.AWS_LAMBDA_LOG_FORMAT = 'JSON';
    });
    afterEach(() => {
      delete process.env.AWS_LAMBDA_LOG_FORMAT;
    });

    it.each([
      ['INFO', 'info'],
      ['WARN', 'warn'],
      ['ERROR', 'error'],
    ] as const)('hands a %s record, sanitized, to the console method of its level as one object', (level, method) => {
      // WHEN
      log(level, 'answer not accepted, trying again', { url: 'https://h/p?X-Amz-Signature=abc', attempt: 1 });

      // THEN Lambda writes it as the message of its own JSON line, beside the request id
      expect(jest.mocked(console[method]).mock.calls).toEqual([
        [{ level, message: 'answer not accepted, trying again', url: 'https://h/p', attempt: 1 }],
      ]);
      expect(console.log).not.toHaveBeenCalled();
    });
  });
});
