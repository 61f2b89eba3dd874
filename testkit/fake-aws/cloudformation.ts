import type { Stack } from '@aws-sdk/client-cloudformation';
import type { FakeAccount } from './account';
import { answerQuery, AwsError, pagedList, type AwsAnswer, type AwsRequest, type Paging, type QueryService } from './protocol';
import { fields, list, type Xml } from './xml';

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
    ...fields(stack, ['StackId', 'StackName', 'Description', 'CreationTime', 'LastUpdatedTime', 'StackStatus', 'StackStatusReason', 'DisableRollback']),
    list('Parameters', 'member', stack.Parameters, (parameter) => fields(parameter, ['ParameterKey', 'ParameterValue'])),
    list('Outputs', 'member', stack.Outputs, (output) => fields(output, ['OutputKey', 'OutputValue', 'Description', 'ExportName'])),
    list('Tags', 'member', stack.Tags, (tag) => fields(tag, ['Key', 'Value'])),
  ];
}
