import { checkResponseUrl, loggableUrl } from '../../../lambdas/shared/url';

const QUERY = '?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=5d672d79';

describe('checkResponseUrl', () => {
  it.each([
    ['virtual-hosted, legacy regional endpoint', 'https://cloudformation-custom-resource-response-euwest1.s3-eu-west-1.amazonaws.com/arn%3Aaws/req' + QUERY, undefined, 'eu-west-1'],
    ['virtual-hosted, regional endpoint', 'https://cloudformation-custom-resource-response-uswest2.s3.us-west-2.amazonaws.com/x' + QUERY, '', 'us-west-2'],
    ['virtual-hosted, global endpoint', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x' + QUERY, undefined, 'us-east-1'],
    ['virtual-hosted, dual-stack endpoint', 'https://cloudformation-custom-resource-response-useast2.s3.dualstack.us-east-2.amazonaws.com/x', undefined, 'us-east-2'],
    ['virtual-hosted, China', 'https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/x' + QUERY, undefined, 'cn-north-1'],
    ['virtual-hosted, GovCloud', 'https://cloudformation-custom-resource-response-usgovwest1.s3-us-gov-west-1.amazonaws.com/x', undefined, 'us-gov-west-1'],
    ['virtual-hosted, port 443 written out, any case', 'https://CloudFormation-Custom-Resource-Response-EUWEST1.S3.EU-WEST-1.AMAZONAWS.COM:443/x', undefined, 'eu-west-1'],
    ['path-style, regional endpoint', 'https://s3.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-euwest1/arn%3Aaws/req' + QUERY, undefined, 'eu-west-1'],
    ['path-style, global endpoint', 'https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1/x' + QUERY, undefined, 'us-east-1'],
    ['path-style, external endpoint', 'https://s3-external-1.amazonaws.com/cloudformation-custom-resource-response-useast1/x', undefined, 'us-east-1'],
    ['path-style, China', 'https://s3.cn-northwest-1.amazonaws.com.cn/cloudformation-custom-resource-response-cnnorthwest1/x', undefined, 'cn-northwest-1'],
    ['a named https host', 'https://responses.example.com/x', 'responses.example.com', 'eu-west-1'],
    ['a named https host among others', 'https://responses.example.com/x', ' other.example.org , Responses.Example.com ', 'eu-west-1'],
    ['a named loopback address over http', 'http://127.0.0.1:4566/x' + QUERY, '127.0.0.1', 'eu-west-1'],
    ['localhost named, over http', 'http://localhost:4566/x', 'localhost', 'eu-west-1'],
    ['::1 named, over http', 'http://[::1]:4566/x', '::1', 'eu-west-1'],
    ['[::1] named, over http', 'http://[::1]:4566/x', '[::1]', 'eu-west-1'],
  ])('accepts %s: %s with RESPONSE_URL_ALLOWED_HOSTS=%p in %s', (_, url, allowed, region) => {
    expect(checkResponseUrl(url, allowed, region).href).toBe(new URL(url).href);
  });

  const NOT_ALLOWED =
    "is not https on port 443 to cloudformation-custom-resource-response-euwest1, CloudFormation's response bucket in eu-west-1, on S3 under amazonaws.com or amazonaws.com.cn, nor on a host named in RESPONSE_URL_ALLOWED_HOSTS";

  it.each([
    ['a host outside AWS', 'https://example.com/x' + QUERY, undefined, `ResponseURL https://example.com/x ${NOT_ALLOWED}`, 'eu-west-1'],
    ['someone else\'s bucket, virtual-hosted', 'https://attacker.s3.eu-west-1.amazonaws.com/x' + QUERY, undefined, 'ResponseURL https://attacker.s3.eu-west-1.amazonaws.com/x is not https on port 443', 'eu-west-1'],
    ['someone else\'s bucket, path-style', 'https://s3.eu-west-1.amazonaws.com/attacker/x' + QUERY, undefined, 'ResponseURL https://s3.eu-west-1.amazonaws.com/attacker is not https on port 443', 'eu-west-1'],
    ['the response bucket of another region, virtual-hosted', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x' + QUERY, undefined, `ResponseURL https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x ${NOT_ALLOWED}`, 'eu-west-1'],
    ['the response bucket of another region, path-style', 'https://s3.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-useast1/x', undefined, 'ResponseURL https://s3.eu-west-1.amazonaws.com/cloudformation-custom-resource-response-useast1 is not https on port 443', 'eu-west-1'],
    ['a bucket named like a response bucket of no region', 'https://cloudformation-custom-resource-response-attacker1.s3.eu-west-1.amazonaws.com/x', undefined, 'is not https on port 443', 'eu-west-1'],
    ['a response bucket when the function\'s region is not known', 'https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x', undefined, "ResponseURL https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/x is not https on port 443 to the response bucket of the function's region, which is not known (AWS_REGION is not set), nor on a host named in RESPONSE_URL_ALLOWED_HOSTS", undefined],
    ['a bucket whose name only starts like a response bucket', 'https://cloudformation-custom-resource-response-euwest1-evil.s3.amazonaws.com/x', undefined, 'is not https on port 443', 'eu-west-1'],
    ['a response bucket name in a deeper path segment', 'https://s3.amazonaws.com/attacker/cloudformation-custom-resource-response-useast1/x', undefined, 'is not https on port 443', 'us-east-1'],
    ['a path that climbs out of the response bucket', 'https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1/../attacker/x', undefined, 'ResponseURL https://s3.amazonaws.com/attacker is not https on port 443', 'us-east-1'],
    ['an encoded slash in the bucket name', 'https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1%2F..%2Fattacker/x', undefined, 'is not https on port 443', 'us-east-1'],
    ['API Gateway', 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/x', undefined, 'ResponseURL https://abc123.execute-api.eu-west-1.amazonaws.com/prod is not https on port 443', 'eu-west-1'],
    ['API Gateway named like a response bucket', 'https://cloudformation-custom-resource-response-euwest1.execute-api.eu-west-1.amazonaws.com/x', undefined, 'is not https on port 443', 'eu-west-1'],
    ['a load balancer', 'https://my-lb-123.eu-west-1.elb.amazonaws.com/x', undefined, 'is not https on port 443', 'eu-west-1'],
    ['a response bucket on port 8443', 'https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com:8443/x', undefined, 'ResponseURL https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com:8443/x is not https on port 443', 'eu-west-1'],
    ['path-style on port 8443', 'https://s3.amazonaws.com:8443/cloudformation-custom-resource-response-useast1/x', undefined, 'is not https on port 443', 'us-east-1'],
    ['a look-alike host under another domain', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.evil.com/x', undefined, 'is not https on port 443', 'us-east-1'],
    ['a look-alike S3 host', 'https://s3.amazonaws.com.example.net/cloudformation-custom-resource-response-useast1/x', undefined, 'is not https on port 443', 'us-east-1'],
    ['a host ending in amazonaws.com without a dot', 'https://cloudformation-custom-resource-response-useast1.s3.evilamazonaws.com/x', undefined, 'is not https on port 443', 'us-east-1'],
    ['a user name before a response bucket', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com@example.com/x', undefined, 'ResponseURL https://example.com carries a user name or password', 'us-east-1'],
    ['a user name on a response bucket', 'https://attacker:pw@cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x', undefined, "ResponseURL https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com carries a user name or password, which CloudFormation's never does", 'us-east-1'],
    ['http to a response bucket', 'http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x' + QUERY, undefined, 'ResponseURL http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com uses http, which is accepted only for a loopback host (127.0.0.1, localhost, ::1) named in RESPONSE_URL_ALLOWED_HOSTS', 'us-east-1'],
    ['http to a named host that is not loopback', 'http://example.com/x', 'example.com', 'ResponseURL http://example.com uses http', 'eu-west-1'],
    ['http to loopback not named', 'http://127.0.0.1:4566/x', undefined, 'ResponseURL http://127.0.0.1:4566 uses http', 'eu-west-1'],
    ['http to loopback when another is named', 'http://127.0.0.1:4566/x', 'localhost', 'ResponseURL http://127.0.0.1:4566 uses http', 'eu-west-1'],
    ['http to ::1 when 127.0.0.1 is named', 'http://[::1]:4566/x', '127.0.0.1', 'ResponseURL http://[::1]:4566 uses http', 'eu-west-1'],
    ['another scheme', 'file:///etc/passwd', '127.0.0.1', 'ResponseURL file:// must use https', 'eu-west-1'],
    ['a relative URL', '/relative/path' + QUERY, undefined, 'ResponseURL is not a valid URL', 'eu-west-1'],
    ['an empty URL', '', undefined, 'ResponseURL is not a valid URL', 'eu-west-1'],
  ])('refuses %s: %s with RESPONSE_URL_ALLOWED_HOSTS=%p', (_, url, allowed, message, region) => {
    expect(() => checkResponseUrl(url, allowed, region)).toThrow(message);
  });

  it('names the field at fault and keeps the parser\'s error as the cause', () => {
    expect(() => checkResponseUrl('/relative/path', undefined, 'eu-west-1')).toThrow(
      expect.objectContaining({ name: 'CannotAnswerError', fields: ['ResponseURL'], cause: expect.objectContaining({ code: 'ERR_INVALID_URL' }) }),
    );
  });

  it('never repeats the query string in its message', () => {
    expect(() => checkResponseUrl('https://example.com/x' + QUERY, undefined, 'eu-west-1')).toThrow(
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
