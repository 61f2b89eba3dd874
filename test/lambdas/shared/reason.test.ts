import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { InputError, LookupError } from '../../../lambdas/shared/errors';
import {
  describeError,
  describeSetupError,
  describeTimeout,
  MAX_REASON_CHARS,
  withLogLocation,
} from '../../../lambdas/shared/reason';

const LOGS = { logGroupName: '/aws/lambda/custom-resources-Vpc', logStreamName: '2026/01/01/[$LATEST]abc' };
const TAIL = ' See logs: log group /aws/lambda/custom-resources-Vpc, stream 2026/01/01/[$LATEST]abc.';

describe('describeError', () => {
  it.each([
    ['a lookup error, as it is', new LookupError('no VPC has the Name tag "main"; VPCs with similar names: main-vpc (vpc-0abc)'), 'no VPC has the Name tag "main"; VPCs with similar names: main-vpc (vpc-0abc)'],
    ['a property error, as it is', new InputError('OnlyDefaultSubnets must be true or false, got "yes"'), 'OnlyDefaultSubnets must be true or false, got "yes"'],
    [
      'an AWS SDK error, with its code',
      new EC2ServiceException({
        name: 'UnauthorizedOperation',
        $fault: 'client',
        $metadata: { httpStatusCode: 403, requestId: '8f7c7f0e' },
        message: 'You are not authorized to perform this operation.',
      }),
      'AWS call failed: UnauthorizedOperation: You are not authorized to perform this operation.',
    ],
    [
      'an AWS SDK error without a message, by its code',
      Object.assign(new Error(''), { name: 'ThrottlingException', $metadata: {} }),
      'AWS call failed: ThrottlingException',
    ],
    ['a plain Error, without saying Error', new Error('boom'), 'the lookup failed: boom'],
    ['a TypeError, by name', new TypeError('x is not a function'), 'the lookup failed: TypeError: x is not a function'],
    ['an Error over several lines, on one line', new Error('first\n  second\tthird'), 'the lookup failed: first second third'],
    ['a string', 'nothing to see', 'the lookup failed: nothing to see'],
    ['an empty string', '', 'the lookup failed: an empty message'],
    ['an object with name and message', { name: 'Oops', message: 'it broke' }, 'the lookup failed: Oops: it broke'],
    ['an object without a message, by its kind alone', { code: 42 }, 'the lookup failed: it threw an object instead of an Error'],
    ['a number', 42, 'the lookup failed: it threw 42 instead of an Error'],
    ['null', null, 'the lookup failed: it threw null instead of an Error'],
    ['undefined', undefined, 'the lookup failed: it threw undefined instead of an Error'],
  ])('renders %s', (_, error, expected) => {
    expect(describeError(error)).toBe(expected);
  });

  it('never renders an object as [object Object], however deep', () => {
    const nested = { error: { cause: { detail: [{ a: 1 }] } }, toString: undefined };
    expect(describeError(nested)).not.toContain('[object Object]');
    expect(describeError(new Error(String({})))).toBe('the lookup failed: [object Object]');
  });
});

describe('withLogLocation', () => {
  it('ends the sentence and says where the logs are', () => {
    expect(withLogLocation('no zone named example.com', LOGS)).toBe(`no zone named example.com.${TAIL}`);
  });

  it('keeps a sentence that already ends in a full stop as it is', () => {
    expect(withLogLocation('no zone named example.com.', LOGS)).toBe(`no zone named example.com.${TAIL}`);
  });

  it('cuts a long sentence so the Reason has at most 1000 characters, keeping the log location', () => {
    const reason = withLogLocation('a'.repeat(5000), LOGS);
    expect(reason).toHaveLength(MAX_REASON_CHARS);
    expect(reason).toBe(`${'a'.repeat(MAX_REASON_CHARS - TAIL.length - 1)}…${TAIL}`);
  });

  it('never splits a character made of two code units when cutting', () => {
    const reason = withLogLocation('😀'.repeat(1000), LOGS);
    expect(reason.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
    expect(reason).toMatch(/^(😀)+… See logs: /u);
  });

  it('is the sentence alone, cut to 1000 characters, when there is no log location', () => {
    expect(withLogLocation('no zone named example.com', undefined)).toBe('no zone named example.com.');
    expect(withLogLocation('a'.repeat(5000), undefined)).toBe(`${'a'.repeat(MAX_REASON_CHARS - 1)}…`);
  });

  it('cuts even the log location when log group and stream are absurdly long', () => {
    const reason = withLogLocation('no luck', { logGroupName: 'g'.repeat(600), logStreamName: 's'.repeat(600) });
    expect(reason).toHaveLength(MAX_REASON_CHARS);
    expect(reason).toMatch(/^no luck\. See logs: log group g{600}, stream s+…$/);
  });
});

describe('sentences', () => {
  it('says what timed out, after how long, and how much time was left', () => {
    expect(describeTimeout('Custom::VpcDependency', 25_012, 4_960)).toBe(
      'timed out after 25.0 s looking up Custom::VpcDependency; the Lambda had 5.0 s left, kept to send this answer. ' +
        'Give the function a longer timeout if the lookup needs more time',
    );
  });

  it('says the clients could not be created, and why', () => {
    expect(describeSetupError('Custom::VpcDependency', new Error('Region is missing'))).toBe(
      'the Custom::VpcDependency function could not create its AWS clients when it started: Region is missing',
    );
  });
});
