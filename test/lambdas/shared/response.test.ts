import { CannotAnswerError } from '../../../lambdas/shared/errors';
import type { Request } from '../../../lambdas/shared/event';
import { buildResponse, checkAnswerable, keptId, MAX_BODY_BYTES } from '../../../lambdas/shared/response';

const LOGS = { logGroupName: '/aws/lambda/fn', logStreamName: 'stream-1' };
const SEE_LOGS = 'See logs: log group /aws/lambda/fn, stream stream-1.';
const REQUEST: Request = {
  RequestType: 'Create',
  ResponseURL: 'https://s3.amazonaws.com/r',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
  RequestId: 'r-1',
  LogicalResourceId: 'Vpc',
};

describe('buildResponse', () => {
  it('answers SUCCESS with the id and data, saying where the logs are', () => {
    const { body, json } = buildResponse(REQUEST, { status: 'SUCCESS', id: 'vpc-1', data: { VpcId: 'vpc-1' } }, LOGS);
    expect(body).toEqual({
      Status: 'SUCCESS',
      Reason: SEE_LOGS,
      PhysicalResourceId: 'vpc-1',
      StackId: REQUEST.StackId,
      RequestId: 'r-1',
      LogicalResourceId: 'Vpc',
      Data: { VpcId: 'vpc-1' },
    });
    expect(JSON.parse(json)).toEqual(body);
  });

  it('keeps a SUCCESS Reason within 1,000 characters however long the log names are', () => {
    // GIVEN log group and stream names of 512 characters each, the most Lambda allows
    const logs = { logGroupName: `/aws/lambda/${'g'.repeat(500)}`, logStreamName: 's'.repeat(512) };

    // WHEN
    const { body } = buildResponse(REQUEST, { status: 'SUCCESS', id: 'vpc-1', data: {} }, logs);

    // THEN
    expect(body.Reason).toHaveLength(1000);
    expect(body.Reason).toMatch(/^See logs: log group \/aws\/lambda\/g+, stream s+…$/);
  });

  it('sets NoEcho only when asked', () => {
    expect(buildResponse(REQUEST, { status: 'SUCCESS', id: 'x', data: {}, noEcho: true }, LOGS).body.NoEcho).toBe(true);
    expect(buildResponse(REQUEST, { status: 'SUCCESS', id: 'x', data: {}, noEcho: false }, LOGS).body).not.toHaveProperty('NoEcho');
  });

  it('answers FAILED with the sentence, the log location and the kept id', () => {
    const { body } = buildResponse({ ...REQUEST, RequestType: 'Update', PhysicalResourceId: 'vpc-old' }, { status: 'FAILED', sentence: 'no VPC named "main"' }, LOGS);
    expect(body).toEqual({
      Status: 'FAILED',
      Reason: `no VPC named "main". ${SEE_LOGS}`,
      PhysicalResourceId: 'vpc-old',
      StackId: REQUEST.StackId,
      RequestId: 'r-1',
      LogicalResourceId: 'Vpc',
    });
  });

  it('answers a body of exactly 4096 bytes as it is', () => {
    const { json } = buildResponse(REQUEST, { status: 'SUCCESS', id: 'x', data: { Big: '' } }, LOGS);
    const data = { Big: filler(MAX_BODY_BYTES - Buffer.byteLength(json)) };
    const { body, json: full } = buildResponse(REQUEST, { status: 'SUCCESS', id: 'x', data }, LOGS);
    expect(Buffer.byteLength(full)).toBe(MAX_BODY_BYTES);
    expect(body.Status).toBe('SUCCESS');
  });

  it('fails when the body would exceed 4096 bytes, counting bytes not characters', () => {
    const { json } = buildResponse(REQUEST, { status: 'SUCCESS', id: 'x', data: { Big: '' } }, LOGS);
    const data = { Big: filler(MAX_BODY_BYTES - Buffer.byteLength(json) + 1) };
    const { body } = buildResponse(REQUEST, { status: 'SUCCESS', id: 'x', data }, LOGS);
    expect(body.Status).toBe('FAILED');
    expect(body.Reason).toBe(
      `the response would be 4097 bytes, more than the 4096 CloudFormation accepts; the largest attributes are Big (${
        Buffer.byteLength(JSON.stringify(data.Big)) + 7
      } bytes). This type has no property that leaves attributes out, so this resource cannot be looked up whole. ${SEE_LOGS}`,
    );
    expect(body).not.toHaveProperty('Data');
    expect(body.PhysicalResourceId).toBe('failed-Vpc-r-1');
  });

  it("gives the type's own advice when the body would exceed 4096 bytes", () => {
    const data = { Big: 'x'.repeat(4000) };
    const { body } = buildResponse(REQUEST, { status: 'SUCCESS', id: 'x', data, tooLarge: 'Leave outputs out with Excludes' }, LOGS);
    expect(body.Reason).toMatch(/the largest attributes are Big \(\d+ bytes\)\. Leave outputs out with Excludes\. See logs: /);
  });

  it('names the three largest attributes, largest first', () => {
    const data = { Small: 'a', Huge: 'h'.repeat(3000), Medium: 'm'.repeat(500), Large: 'l'.repeat(1000), Tiny: '' };
    const { body } = buildResponse(REQUEST, { status: 'SUCCESS', id: 'x', data }, LOGS);
    expect(body.Reason).toContain('the largest attributes are Huge (3010 bytes), Large (1011 bytes), Medium (512 bytes).');
  });

  it('shortens the sentence of a FAILED Reason until the body fits, keeping where the logs are', () => {
    const long = { ...REQUEST, StackId: `arn:aws:cloudformation:eu-west-1:123456789012:stack/${'s'.repeat(1500)}/1`, PhysicalResourceId: 'p'.repeat(1024) };
    const { body, json } = buildResponse(long, { status: 'FAILED', sentence: '東'.repeat(2000) }, LOGS);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(Buffer.byteLength(json)).toBeGreaterThan(MAX_BODY_BYTES - 8);
    expect(body.Reason).toMatch(/^東+… See logs: log group \/aws\/lambda\/fn, stream stream-1\.$/);
    expect(body.PhysicalResourceId).toBe('p'.repeat(1024));
    expect(JSON.parse(json)).toEqual(body);
  });

  it('answers a Delete whose id is too long to echo SUCCESS, with as much of the id as fits and where the logs are', () => {
    // GIVEN a 5,000-character id, which no body of 4,096 bytes can echo
    const id = 'p'.repeat(5000);

    // WHEN
    const { body, json } = buildResponse({ ...REQUEST, RequestType: 'Delete', PhysicalResourceId: id }, { status: 'SUCCESS', id }, LOGS);

    // THEN
    expect(body).toEqual({
      Status: 'SUCCESS',
      Reason: SEE_LOGS,
      PhysicalResourceId: expect.stringMatching(/^p{3000,}…$/),
      StackId: REQUEST.StackId,
      RequestId: 'r-1',
      LogicalResourceId: 'Vpc',
    });
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(Buffer.byteLength(json)).toBeGreaterThan(MAX_BODY_BYTES - 4);
    expect(JSON.parse(json)).toEqual(body);
  });

  it('echoes a Delete id of 3,000 characters whole, since it fits', () => {
    const id = 'p'.repeat(3000);
    const { body } = buildResponse({ ...REQUEST, RequestType: 'Delete', PhysicalResourceId: id }, { status: 'SUCCESS', id }, LOGS);
    expect(body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: id, Reason: SEE_LOGS });
  });

  it('fits a FAILED Update whose id is too long to keep, naming the problem and where the logs are', () => {
    const request = { ...REQUEST, RequestType: 'Update', PhysicalResourceId: '東'.repeat(5000) };
    const { body, json } = buildResponse(request, { status: 'FAILED', sentence: 'no VPC named "main"' }, LOGS);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(body.Reason).toBe(`n… ${SEE_LOGS}`);
    expect(body.PhysicalResourceId).toMatch(/^東+…$/);
  });
});

describe('checkAnswerable', () => {
  it('accepts the fields CloudFormation sends', () => {
    expect(() => checkAnswerable({ ...REQUEST, LogicalResourceId: 'L'.repeat(255) })).not.toThrow();
  });

  it('refuses an event whose own fields leave no room for an answer', () => {
    expect(() => checkAnswerable({ ...REQUEST, LogicalResourceId: 'a://'.repeat(50_000) })).toThrow(
      new CannotAnswerError(
        'the smallest answer to this event, which repeats its StackId, RequestId and LogicalResourceId, is 200153 bytes, more than the 4096 CloudFormation accepts',
        { fields: [] },
      ),
    );
    expect(() => checkAnswerable({ ...REQUEST, LogicalResourceId: 'a://'.repeat(50_000) })).toThrow(
      expect.objectContaining({ fields: ['StackId', 'RequestId', 'LogicalResourceId'] }),
    );
  });
});

describe('keptId', () => {
  it.each([
    ['a Create', { ...REQUEST }, 'failed-Vpc-r-1'],
    ['an Update', { ...REQUEST, RequestType: 'Update', PhysicalResourceId: 'vpc-old' }, 'vpc-old'],
    ['a Delete of a failed create', { ...REQUEST, RequestType: 'Delete', PhysicalResourceId: 'failed-Vpc-r-0' }, 'failed-Vpc-r-0'],
    ['a Delete of an id CloudFormation made', { ...REQUEST, RequestType: 'Delete', PhysicalResourceId: 's-Vpc-1ABCDEF' }, 's-Vpc-1ABCDEF'],
  ])('keeps the id of %s', (_, request, id) => {
    expect(keptId(request)).toBe(id);
  });

  it('stays within the 1 KB CloudFormation allows for an id', () => {
    expect(keptId({ ...REQUEST, LogicalResourceId: 'L'.repeat(2000) })).toHaveLength(1024);
  });
});

/** Text of exactly `bytes` bytes, mostly two-byte characters. */
function filler(bytes: number): string {
  return 'é'.repeat(Math.floor(bytes / 2)) + 'a'.repeat(bytes % 2);
}
