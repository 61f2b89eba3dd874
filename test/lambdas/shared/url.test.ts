import { checkResponseUrl, loggableUrl } from '../../../lambdas/shared/url';

const QUERY = '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=5d672d79';

describe('checkResponseUrl', () => {
  it.each([
    ['https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com/arn%3Aaws/req' + QUERY, undefined],
    ['https://cloudformation-custom-resource-response-uswest2.s3.us-west-2.amazonaws.com/x' + QUERY, ''],
    ['https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/x' + QUERY, undefined],
    ['https://S3.EU-WEST-1.AMAZONAWS.COM/x', undefined],
    ['https://responses.example.com/x', 'responses.example.com'],
    ['https://responses.example.com/x', ' other.example.org , Responses.Example.com '],
    ['http://127.0.0.1:4566/x' + QUERY, '127.0.0.1'],
    ['http://localhost:4566/x', 'localhost'],
    ['http://[::1]:4566/x', '::1'],
    ['http://[::1]:4566/x', '[::1]'],
  ])('accepts %s with RESPONSE_URL_ALLOWED_HOSTS=%p', (url, allowed) => {
    expect(checkResponseUrl(url, allowed).href).toBe(new URL(url).href);
  });

  it.each([
    ['https://example.com/x' + QUERY, undefined, 'ResponseURL https://example.com is not on an AWS host (*.amazonaws.com, *.amazonaws.com.cn) nor named in RESPONSE_URL_ALLOWED_HOSTS'],
    ['https://s3.amazonaws.com.example.net/x', undefined, 'ResponseURL https://s3.amazonaws.com.example.net is not on an AWS host'],
    ['https://evilamazonaws.com/x', undefined, 'ResponseURL https://evilamazonaws.com is not on an AWS host'],
    ['https://s3.amazonaws.com@example.com/x', undefined, 'ResponseURL https://example.com is not on an AWS host'],
    ['http://s3.amazonaws.com/x' + QUERY, undefined, 'ResponseURL http://s3.amazonaws.com uses http, which is accepted only for a loopback host (127.0.0.1, localhost, ::1) named in RESPONSE_URL_ALLOWED_HOSTS'],
    ['http://example.com/x', 'example.com', 'ResponseURL http://example.com uses http'],
    ['http://127.0.0.1:4566/x', undefined, 'ResponseURL http://127.0.0.1:4566 uses http'],
    ['http://127.0.0.1:4566/x', 'localhost', 'ResponseURL http://127.0.0.1:4566 uses http'],
    ['http://[::1]:4566/x', '127.0.0.1', 'ResponseURL http://[::1]:4566 uses http'],
    ['file:///etc/passwd', '127.0.0.1', 'ResponseURL file:// must use https'],
    ['/relative/path' + QUERY, undefined, 'ResponseURL is not a valid URL'],
    ['', undefined, 'ResponseURL is not a valid URL'],
  ])('refuses %s with RESPONSE_URL_ALLOWED_HOSTS=%p', (url, allowed, message) => {
    expect(() => checkResponseUrl(url, allowed)).toThrow(message);
  });

  it('never repeats the query string in its message', () => {
    expect(() => checkResponseUrl('https://example.com/x' + QUERY, undefined)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('X-Amz') }),
    );
  });
});

describe('loggableUrl', () => {
  it.each([
    [
      'https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/arn%3Aaws/req?X-Amz-Signature=abc&X-Amz-Credential=AKIA',
      'https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/arn%3Aaws/req',
    ],
    ['https://bucket.s3.amazonaws.com/a b?Signature=zzz&AWSAccessKeyId=AKIA', 'https://bucket.s3.amazonaws.com/a%20b'],
    ['http://127.0.0.1:8080/path#fragment?Signature=x', 'http://127.0.0.1:8080/path'],
    ['not a url?Signature=abc&X-Amz-Credential=cc', 'not a valid URL'],
  ])('logs %s as %s, without its query string', (raw, expected) => {
    expect(loggableUrl(raw)).toBe(expected);
  });
});
