import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { FakeAccount } from './account';
import { answerQuery, indexed, type AwsAnswer, type AwsRequest, type QueryService } from './protocol';
import { fields, list, type Xml } from './xml';

const AUTO_SCALING: QueryService<FakeAccount> = {
  version: '2011-01-01',
  xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
  actions: {
    // As Auto Scaling does, a name it does not have is left out of the answer, not an error.
    DescribeAutoScalingGroups: (params, account) => {
      const names = indexed(params, 'AutoScalingGroupNames.member');
      const groups = (account.autoScalingGroups ?? []).filter((group) => names.length === 0 || names.includes(group.AutoScalingGroupName ?? ''));
      return list('AutoScalingGroups', 'member', groups, groupXml);
    },
  },
};

/** Auto Scaling's query/XML API: `DescribeAutoScalingGroups` with each group's instances. */
export function answerAutoScaling(request: AwsRequest, account: FakeAccount): AwsAnswer {
  return answerQuery(AUTO_SCALING, request, account);
}

function groupXml(group: AutoScalingGroup): Xml {
  return [
    ...fields(group, ['AutoScalingGroupName', 'AutoScalingGroupARN', 'MinSize', 'MaxSize', 'DesiredCapacity', 'DefaultCooldown', 'HealthCheckType', 'CreatedTime']),
    list('AvailabilityZones', 'member', group.AvailabilityZones, (zone) => zone),
    list('Instances', 'member', group.Instances, (instance) =>
      fields(instance, ['InstanceId', 'InstanceType', 'AvailabilityZone', 'LifecycleState', 'HealthStatus', 'ProtectedFromScaleIn']),
    ),
  ];
}
