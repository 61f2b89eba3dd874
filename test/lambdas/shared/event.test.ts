import { InputError } from '../../../lambdas/shared/errors';
import { eventFields, readEvent, resourceProperties } from '../../../lambdas/shared/event';

const EVENT = {
  RequestType: 'Create',
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:fn',
  ResponseURL: 'https://s3.amazonaws.com/r?X-Amz-Signature=abc',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
  RequestId: 'r-1',
  LogicalResourceId: 'Vpc',
  ResourceType: 'Custom::VpcDependency',
  ResourceProperties: { ServiceToken: 'arn', VpcName: 'main' },
};

describe('readEvent', () => {
  it('reads the fields an answer needs', () => {
    expect(readEvent({ ...EVENT, RequestType: 'Update', PhysicalResourceId: 'vpc-1' })).toEqual({
      RequestType: 'Update',
      ResponseURL: EVENT.ResponseURL,
      StackId: EVENT.StackId,
      RequestId: 'r-1',
      LogicalResourceId: 'Vpc',
      ResourceType: 'Custom::VpcDependency',
      PhysicalResourceId: 'vpc-1',
      ResourceProperties: EVENT.ResourceProperties,
    });
  });

  it('accepts any request type, so an unknown one can be answered FAILED', () => {
    expect(readEvent({ ...EVENT, RequestType: 'Replace' }).RequestType).toBe('Replace');
  });

  it.each([
    ['RequestType', undefined],
    ['ResponseURL', null],
    ['StackId', 42],
    ['RequestId', ''],
    ['LogicalResourceId', { id: 'Vpc' }],
  ])('refuses an event whose %s is %p', (field, value) => {
    expect(() => readEvent({ ...EVENT, [field]: value })).toThrow(
      `the event lacks ${field} (each must be a non-empty string), so it cannot be answered`,
    );
  });

  it('names every field that is missing', () => {
    expect(() => readEvent({ RequestType: 'Create' })).toThrow(
      'the event lacks ResponseURL, StackId, RequestId, LogicalResourceId (each',
    );
    expect(() => readEvent({ RequestType: 'Create' })).toThrow(
      expect.objectContaining({ name: 'CannotAnswerError', fields: ['ResponseURL', 'StackId', 'RequestId', 'LogicalResourceId'] }),
    );
  });

  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    ['Create', 'string'],
    [[EVENT], 'an array'],
  ])('refuses an event that is %p', (event, kind) => {
    expect(() => readEvent(event)).toThrow(`the event is not an object but ${kind}`);
  });
});

describe('resourceProperties', () => {
  it.each([undefined, null])('gives no properties when they are %p', (value) => {
    expect(resourceProperties(readEvent({ ...EVENT, ResourceProperties: value }))).toBeUndefined();
  });

  it.each(['VpcName=main', ['VpcName'], 7])('answers an InputError when they are %p', (value) => {
    expect(() => resourceProperties(readEvent({ ...EVENT, ResourceProperties: value }))).toThrow(InputError);
  });
});

describe('eventFields', () => {
  it('takes only the identifying fields, and only strings: never the ResponseURL', () => {
    expect(eventFields({ ...EVENT, RequestId: 7 })).toEqual({
      requestType: 'Create',
      logicalResourceId: 'Vpc',
      stackId: EVENT.StackId,
      requestId: undefined,
    });
  });

  it('gives nothing for an event that is not an object', () => {
    expect(eventFields('Create')).toEqual({});
  });
});
