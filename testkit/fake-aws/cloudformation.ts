import type { Stack, StackEvent, StackResourceDetail } from '@aws-sdk/client-cloudformation';
import type { FakeAccount } from './account';
import { answerQuery, AwsError, pagedList, type AwsAnswer, type AwsRequest, type Paging, type QueryService } from './protocol';
import { el, fields, list, type Xml } from './xml';

const PAGING: Paging = { size: 'MaxResults', token: 'NextToken', defaultSize: 100, nextTag: 'NextToken' };
/** `ListStackResources` takes no page size: 100 a page. */
const RESOURCE_PAGING: Paging = { size: '(none)', token: 'NextToken', defaultSize: 100, nextTag: 'NextToken' };

const CLOUDFORMATION: QueryService<FakeAccount> = {
  version: '2010-05-15',
  xmlns: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  actions: {
    DescribeStacks: (params, account) => {
      const found = describedStacks(account.stacks, params.get('StackName') ?? undefined);
      return pagedList(params, PAGING, 'Stacks', 'member', found, stackXml);
    },
    // As CloudFormation does, the first 100 resources only.
    DescribeStackResources: (params, account) => {
      const resources = resourcesOf(account, params.get('StackName')).slice(0, 100);
      return list('StackResources', 'member', resources, (resource) =>
        fields({ ...resource, Timestamp: resource.LastUpdatedTimestamp }, ['StackId', 'StackName', 'LogicalResourceId', 'PhysicalResourceId', 'ResourceType', 'Timestamp', 'ResourceStatus', 'ResourceStatusReason']),
      );
    },
    ListStackResources: (params, account) => {
      const resources = resourcesOf(account, params.get('StackName'));
      return pagedList(params, RESOURCE_PAGING, 'StackResourceSummaries', 'member', resources, (resource) =>
        fields(resource, ['LogicalResourceId', 'PhysicalResourceId', 'ResourceType', 'LastUpdatedTimestamp', 'ResourceStatus', 'ResourceStatusReason']),
      );
    },
    DescribeStackResource: (params, account) => {
      const stackName = params.get('StackName');
      const logicalId = params.get('LogicalResourceId');
      const resource = resourcesOf(account, stackName).find((candidate) => candidate.LogicalResourceId === logicalId);
      if (!resource) throw new AwsError('ValidationError', `Resource ${logicalId} does not exist for stack ${stackName}`);
      return el(
        'StackResourceDetail',
        fields(resource, ['StackId', 'StackName', 'LogicalResourceId', 'PhysicalResourceId', 'ResourceType', 'LastUpdatedTimestamp', 'ResourceStatus', 'ResourceStatusReason', 'Metadata']),
      );
    },
    DescribeStackEvents: (params, account) => {
      const [stack] = describedStacks(account.stacks, params.get('StackName') ?? undefined);
      const events = account.stackEvents?.[stack.StackName ?? ''] ?? [];
      return pagedList(params, PAGING, 'StackEvents', 'member', events, (event: StackEvent) =>
        fields(event, ['EventId', 'StackId', 'StackName', 'LogicalResourceId', 'PhysicalResourceId', 'ResourceType', 'Timestamp', 'ResourceStatus', 'ResourceStatusReason']),
      );
    },
  },
};

/** A stack's resources, by its name or id; `ValidationError` as CloudFormation answers for a stack it does not have, or a missing name. */
function resourcesOf(account: FakeAccount, stackName: string | null): readonly StackResourceDetail[] {
  if (stackName === null) throw new AwsError('ValidationError', 'StackName must be specified');
  const [stack] = describedStacks(account.stacks, stackName);
  return account.stackResources?.[stack.StackName ?? ''] ?? [];
}

/**
 * The stacks `DescribeStacks` answers with, as CloudFormation selects them:
 * every stack without a `name`; by name only a stack not deleted, by id
 * (its ARN) any stack; a `ValidationError` when none matches.
 */
export function describedStacks(stacks: readonly Stack[], name: string | undefined): Stack[] {
  if (name === undefined) return [...stacks];
  const found = stacks.filter(
    (stack) => stack.StackId === name || (stack.StackName === name && stack.StackStatus !== 'DELETE_COMPLETE'),
  );
  if (found.length === 0) throw new AwsError('ValidationError', `Stack with id ${name} does not exist`);
  return found;
}

/** CloudFormation's query/XML API: `DescribeStacks` with outputs, a stack's resources (described, listed) with their metadata, and its events. */
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
