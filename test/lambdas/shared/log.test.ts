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
});
