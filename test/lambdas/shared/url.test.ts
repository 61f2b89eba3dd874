import { checkResponseUrl, loggableUrl } from '../../../lambdas/shared/url';

const QUERY = '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=5d672d79';

describe('checkResponseUrl', () => {
  it.each([
    ['virtual-hosted, legacy regional endpoint', 'https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com/arn%3Aaws/req' + QUERY, undefined],
    ['virtual-hosted, regional endpoint', 'https://cloudformation-custom-resource-response-uswest2.s3.us-west-2.amazonaws.com/x' + QUERY, ''],
    ['virtual-hosted, global endpoint', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x' + QUERY, undefined],
    ['virtual-hosted, dual-stack endpoint', 'https://cloudformation-custom-resource-response-useast2.s3.dualstack.us-east-2.amazonaws.com/x', undefined],
    ['virtual-hosted, China', 'https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/x' + QUERY, undefined],
    ['virtual-hosted, GovCloud', 'https://cloudformation-custom-resource-response-usgovwest1.s3-us-gov-west-1.amazonaws.com/x', undefined],
    ['virtual-hosted, port 443 written out, any case', 'https://CloudFormation-Custom-Resource-Response-EUWEST1.S3.EU-WEST-1.AMAZONAWS.COM:443/x', undefined],
    ['path-style, regional endpoint', 'https://s3.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-euwest1/arn%3Aaws/req' + QUERY, undefined],
    ['path-style, global endpoint', 'https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1/x' + QUERY, undefined],
    ['path-style, external endpoint', 'https://s3-external-1.amazonaws.com/cloudformation-custom-resource-response-useast1/x', undefined],
    ['path-style, China', 'https://s3.cn-northwest-1.amazonaws.com.cn/cloudformation-custom-resource-response-cnnorthwest1/x', undefined],
    ['a named https host', 'https://responses.example.com/x', 'responses.example.com'],
    ['a named https host among others', 'https://responses.example.com/x', ' other.example.org , Responses.Example.com '],
    ['a named loopback address over http', 'http://127.0.0.1:4566/x' + QUERY, '127.0.0.1'],
    ['localhost named, over http', 'http://localhost:4566/x', 'localhost'],
    ['::1 named, over http', 'http://[::1]:4566/x', '::1'],
    ['[::1] named, over http', 'http://[::1]:4566/x', '[::1]'],
  ])('accepts %s: %s with RESPONSE_URL_ALLOWED_HOSTS=%p', (_, url, allowed) => {
    expect(checkResponseUrl(url, allowed).href).toBe(new URL(url).href);
  });

  const NOT_ALLOWED = 'is not https on port 443 to a cloudformation-custom-resource-response-<region> bucket on S3 under amazonaws.com or amazonaws.com.cn, nor on a host named in RESPONSE_URL_ALLOWED_HOSTS';

  it.each([
    ['a host outside AWS', 'https://example.com/x' + QUERY, undefined, `ResponseURL https://example.com/x ${NOT_ALLOWED}`],
    ['someone else\'s bucket, virtual-hosted', 'https://attacker.s3.eu-west-1.amazonaws.com/x' + QUERY, undefined, 'ResponseURL https://attacker.s3.eu-west-1.amazonaws.com/x is not https on port 443'],
    ['someone else\'s bucket, path-style', 'https://s3.eu-west-1.amazonaws.com/attacker/x' + QUERY, undefined, 'ResponseURL https://s3.eu-west-1.amazonaws.com/attacker is not https on port 443'],
    ['a bucket whose name only starts like a response bucket', 'https://cloudformation-custom-resource-response-euwest1-evil.s3.amazonaws.com/x', undefined, 'is not https on port 443'],
    ['a response bucket name in a deeper path segment', 'https://s3.amazonaws.com/attacker/cloudformation-custom-resource-response-useast1/x', undefined, 'is not https on port 443'],
    ['a path that climbs out of the response bucket', 'https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1/../attacker/x', undefined, 'ResponseURL https://s3.amazonaws.com/attacker is not https on port 443'],
    ['an encoded slash in the bucket name', 'https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1%2F..%2Fattacker/x', undefined, 'is not https on port 443'],
    ['API Gateway', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/x', undefined, 'ResponseURL https://abc123.execute-api.eu-west-1.amazonaws.com/prod is not https on port 443'],
    ['API Gateway named like a response bucket', 'https://cloudformation-custom-resource-response-euwest1.execute-api.eu-west-1.amazonaws.com/x', undefined, 'is not https on port 443'],
    ['a load balancer', 'https://my-lb-123.eu-west-1.elb.amazonaws.com/x', undefined, 'is not https on port 443'],
    ['a response bucket on port 8443', 'https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com:8443/x', undefined, 'ResponseURL https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com:8443/x is not https on port 443'],
    ['path-style on port 8443', 'https://s3.amazonaws.com:8443/cloudformation-custom-resource-response-useast1/x', undefined, 'is not https on port 443'],
    ['a look-alike host under another domain', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.evil.com/x', undefined, 'is not https on port 443'],
    ['a look-alike S3 host', 'https://s3.amazonaws.com.example.net/cloudformation-custom-resource-response-useast1/x', undefined, 'is not https on port 443'],
    ['a host ending in amazonaws.com without a dot', 'https://cloudformation-custom-resource-response-useast1.s3.evilamazonaws.com/x', undefined, 'is not https on port 443'],
    ['a user name before a response bucket', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com@example.com/x', undefined, 'ResponseURL https://example.com carries a user name or password'],
    ['a user name on a response bucket', 'https://attacker:pw@cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x', undefined, "ResponseURL https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com carries a user name or password, which CloudFormation's never does"],
    ['http to a response bucket', 'http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x' + QUERY, undefined, 'ResponseURL http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com uses http, which is accepted only for a loopback host (127.0.0.1, localhost, ::1) named in RESPONSE_URL_ALLOWED_HOSTS'],
    ['http to a named host that is not loopback', 'http://example.com/x', 'example.com', 'ResponseURL http://example.com uses http'],
    ['http to loopback not named', 'http://127.0.0.1:4566/x', undefined, 'ResponseURL http://127.0.0.1:4566 uses http'],
    ['http to loopback when another is named', 'http://127.0.0.1:4566/x', 'localhost', 'ResponseURL http://127.0.0.1:4566 uses http'],
    ['http to ::1 when 127.0.0.1 is named', 'http://[::1]:4566/x', '127.0.0.1', 'ResponseURL http://[::1]:4566 uses http'],
    ['another scheme', 'file:///etc/passwd', '127.0.0.1', 'ResponseURL file:// must use https'],
    ['a relative URL', '/relative/path' + QUERY, undefined, 'ResponseURL is not a valid URL'],
    ['an empty URL', '', undefined, 'ResponseURL is not a valid URL'],
  ])('refuses %s: %s with RESPONSE_URL_ALLOWED_HOSTS=%p', (_, url, allowed, message) => {
    expect(() => checkResponseUrl(url, allowed)).toThrow(message);
  });

  it('names the field at fault and keeps the parser\'s error as the cause', () => {
    expect(() => checkResponseUrl('/relative/path', undefined)).toThrow(
      expect.objectContaining({ name: 'CannotAnswerError', fields: ['ResponseURL'], cause: expect.objectContaining({ code: 'ERR_INVALID_URL' }) }),
    );
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
