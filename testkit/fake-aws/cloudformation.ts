import type { Stack } from '@aws-sdk/client-cloudformation';
import type { FakeAccount } from './account';
import { answerQuery, AwsError, pagedList, type AwsAnswer, type AwsRequest, type Paging, type QueryService } from './protocol';
import { el, list, type Xml } from './xml';

const PAGING: Paging = { size: 'MaxResults', token: 'NextToken', defaultSize: 100, nextTag: 'NextToken' };

const CLOUDFORMATION: QueryService<FakeAccount> = {
  version: '2010-05-15',
  xmlns: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  actions: {
    DescribeStacks: (params, account) => {
      const name = params.get('StackName');
      const found = account.stacks.filter(
        (stack) => name === null || stack.StackName === name || stack.StackId === name,
      );
      if (name !== null && found.length === 0) throw new AwsError('ValidationError', `Stack with id ${name} does not exist`);
      return pagedList(params, PAGING, 'Stacks', 'member', found, stackXml);
    },
  },
};

/** CloudFormation's query/XML API: `DescribeStacks` with outputs. */
export function answerCloudFormation(request: AwsRequest, account: FakeAccount): AwsAnswer {
  return answerQuery(CLOUDFORMATION, request, account);
}

function stackXml(stack: Stack): Xml {
  return [
    el('StackId', stack.StackId),
    el('StackName', stack.StackName),
    el('Description', stack.Description),
    list('Parameters', 'member', stack.Parameters, (parameter) => [
      el('ParameterKey', parameter.ParameterKey),
      el('ParameterValue', parameter.ParameterValue),
    ]),
    el('CreationTime', stack.CreationTime),
    el('LastUpdatedTime', stack.LastUpdatedTime),
    el('StackStatus', stack.StackStatus),
    el('StackStatusReason', stack.StackStatusReason),
    el('DisableRollback', stack.DisableRollback),
    list('Outputs', 'member', stack.Outputs, (output) => [
      el('OutputKey', output.OutputKey),
      el('OutputValue', output.OutputValue),
      el('Description', output.Description),
      el('ExportName', output.ExportName),
    ]),
    list('Tags', 'member', stack.Tags, (tag) => [el('Key', tag.Key), el('Value', tag.Value)]),
  ];
}
