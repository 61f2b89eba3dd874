import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ContainerDefinition } from '../../lib/containers';
import { VpcDependency } from '../../lib/dependencies';
import { DockerHost } from '../../lib/host';
import { changePrefix } from '../../lib/nodes/change-push';
import { DockerSwarm } from '../../lib/swarm';
import { HOST_PATH, itRunning, runHostProgram } from '../helpers/host-tools';
import { renderIntrinsic } from './user-data';

const CACHE: ContainerDefinition = { name: 'cache', image: 'memcached:1.6-alpine', ports: [{ hostPort: 11211, allowFrom: ['10.0.0.0/16'] }] };

/** Two hosts in one stack, the first with the containers given. */
function synth(containers: ContainerDefinition[]): Record<string, any> {
  const stack = new Stack(new App(), 'Hosting', { env: { account: '123456789012', region: 'eu-west-1' } });
  const vpc = new VpcDependency(stack, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 1 });
  new DockerHost(stack, 'Host', { vpc, containers });
  new DockerHost(stack, 'HostB', { vpc, containers: [CACHE] });
  return Template.fromStack(stack).toJSON();
}

function only(template: Record<string, any>, type: string, prefix: string): [string, any] {
  const found = Object.entries<any>(template.Resources).filter(([id, resource]) => resource.Type === type && id.startsWith(prefix));
  if (found.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${found.map(([id]) => id).join(', ') || 'none'}`);
  return found[0];
}

/** Whether an EventBridge pattern of exact values and `prefix` matches an event (the parts this rule uses). */
function matches(pattern: any, event: any): boolean {
  return Object.entries<any>(pattern).every(([key, expected]) => {
    const value = event[key];
    if (!Array.isArray(expected)) return typeof value === 'object' && value !== null && matches(expected, value);
    return expected.some((item) => (typeof item === 'object' ? typeof value === 'string' && value.startsWith(item.prefix) : item === value));
  });
}

/** The event CloudFormation sends when a resource of the stack changes status. */
function statusChange(logicalId: string, type: string, status: string, stackId = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Hosting/1') {
  return {
    source: 'aws.cloudformation',
    'detail-type': 'CloudFormation Resource Status Change',
    detail: { 'stack-id': stackId, 'logical-resource-id': logicalId, 'resource-type': type, 'status-details': { status, 'status-reason': '' } },
  };
}

/** The rule's pattern with the stack id as CloudFormation fills it in. */
function pattern(rule: any, stackName = 'Hosting'): any {
  return JSON.parse(JSON.stringify(rule.Properties.EventPattern).replace('{"Ref":"AWS::StackId"}', `"arn:aws:cloudformation:eu-west-1:123456789012:stack/${stackName}/1"`));
}

describe('change push', () => {
  let template: Record<string, any>;
  let waitId: string;
  let ruleId: string;
  let rule: any;
  let instanceId: string;
  beforeAll(() => {
    template = synth([CACHE]);
    [waitId] = only(template, 'AWS::CloudFormation::WaitCondition', 'HostApplied');
    [ruleId, rule] = only(template, 'AWS::Events::Rule', 'HostChangePush');
    [instanceId] = only(template, 'AWS::EC2::Instance', 'HostInstance');
  });

  it('runs the cfn-hup hook command on the host with Run Command when its wait condition is created', () => {
    // GIVEN the host above; THEN the rule's one target runs the apply program's update on that instance only
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toEqual([
      {
        Arn: 'arn:aws:ssm:eu-west-1::document/AWS-RunShellScript',
        Id: 'Target0',
        Input: JSON.stringify({ commands: ['/usr/local/sbin/docker-host-apply --update'] }),
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^HostChangePushRole/), 'Arn'] },
        RunCommandParameters: { RunCommandTargets: [{ Key: 'InstanceIds', Values: [{ Ref: instanceId }] }] },
      },
    ]);
  });

  it('matches the creation of this host\'s wait conditions only', () => {
    // GIVEN the host's current wait condition and the other host's
    const [otherWaitId] = only(template, 'AWS::CloudFormation::WaitCondition', 'HostBApplied');
    const [handleId] = only(template, 'AWS::CloudFormation::WaitConditionHandle', 'HostApplied');
    const eventPattern = pattern(rule);
    // THEN the pattern matches this host's wait condition entering CREATE_IN_PROGRESS, and the next change's too
    expect(matches(eventPattern, statusChange(waitId, 'AWS::CloudFormation::WaitCondition', 'CREATE_IN_PROGRESS'))).toBe(true);
    const next = only(synth([{ ...CACHE, command: ['memcached', '-m', '32'] }]), 'AWS::CloudFormation::WaitCondition', 'HostApplied')[0];
    expect(next).not.toBe(waitId);
    expect(matches(eventPattern, statusChange(next, 'AWS::CloudFormation::WaitCondition', 'CREATE_IN_PROGRESS'))).toBe(true);
    // and nothing else: another host's, the handle, another status, another stack
    expect(matches(eventPattern, statusChange(otherWaitId, 'AWS::CloudFormation::WaitCondition', 'CREATE_IN_PROGRESS'))).toBe(false);
    expect(matches(eventPattern, statusChange(handleId, 'AWS::CloudFormation::WaitConditionHandle', 'CREATE_IN_PROGRESS'))).toBe(false);
    expect(matches(eventPattern, statusChange(waitId, 'AWS::CloudFormation::WaitCondition', 'CREATE_COMPLETE'))).toBe(false);
    expect(matches(eventPattern, statusChange(waitId, 'AWS::CloudFormation::WaitCondition', 'CREATE_IN_PROGRESS', 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Other/2'))).toBe(false);
  });

  it('stays the same from one change to the next, so a deploy does not update the rule', () => {
    // GIVEN a change of the host's containers
    const changed = synth([{ ...CACHE, command: ['memcached', '-m', '32'] }]);
    // THEN the wait condition is new, the rule and its role's policy are not
    expect(only(changed, 'AWS::CloudFormation::WaitCondition', 'HostApplied')[0]).not.toBe(waitId);
    expect(only(changed, 'AWS::Events::Rule', 'HostChangePush')).toEqual([ruleId, rule]);
    expect(only(changed, 'AWS::IAM::Policy', 'HostChangePushRole')).toEqual(only(template, 'AWS::IAM::Policy', 'HostChangePushRole'));
  });

  it('lets EventBridge send the command to the host and the document only, and is in place before the wait condition', () => {
    // GIVEN the host above
    const [policyId, policy] = only(template, 'AWS::IAM::Policy', 'HostChangePushRole');
    const [, role] = only(template, 'AWS::IAM::Role', 'HostChangePushRole');
    // THEN
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Action: 'ssm:SendCommand',
        Effect: 'Allow',
        Resource: [
          'arn:aws:ssm:eu-west-1::document/AWS-RunShellScript',
          { 'Fn::Join': ['', ['arn:aws:ec2:eu-west-1:123456789012:instance/', { Ref: instanceId }]] },
        ],
      },
    ]);
    expect(template.Resources[waitId].DependsOn).toEqual(expect.arrayContaining([ruleId, policyId]));
  });

  it('passes the AWS Solutions checks', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Hosting');
    new DockerHost(stack, 'Host', { vpc: new VpcDependency(stack, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 1 }), containers: [CACHE] });
    // THEN
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  it('matches a wait condition whose id does not hold the digest exactly', () => {
    expect(changePrefix('HostAppliedabc123def456E1A2B3C4', 'abc123def456')).toBe('HostApplied');
    expect(changePrefix('VeryLongPathCutShortE1A2B3C4', 'abc123def456')).toBe('VeryLongPathCutShortE1A2B3C4');
  });
});

describe('change push to a swarm\'s managers', () => {
  let stack: Stack;
  let template: Record<string, any>;
  let waitId: string;
  let rule: any;
  let groups: string[];
  beforeAll(() => {
    stack = new Stack(new App(), 'Cluster', { env: { account: '123456789012', region: 'eu-west-1' } });
    const vpc = new VpcDependency(stack, 'Vpc', { vpcName: 'main' }).toVpc({ subnetCount: 3 });
    new DockerSwarm(stack, 'Swarm', { vpc, managers: 3, services: [{ name: 'alpha', image: 'memcached:1.6-alpine', ports: [{ hostPort: 11211, allowFrom: ['10.0.0.0/16'] }] }] });
    template = Template.fromStack(stack).toJSON();
    [waitId] = only(template, 'AWS::CloudFormation::WaitCondition', 'SwarmDeployed');
    [, rule] = only(template, 'AWS::Events::Rule', 'SwarmChangePush');
    groups = ['SwarmManager1ASG', 'SwarmManager2ASG', 'SwarmManager3ASG'].map((prefix) => only(template, 'AWS::AutoScaling::AutoScalingGroup', prefix)[0]);
  });

  it('runs the managers\' cfn-hup hook action on every manager, by their groups\' tag, when the services\' wait condition is created', () => {
    // THEN
    expect(rule.Properties.Targets[0].RunCommandParameters).toEqual({
      RunCommandTargets: [{ Key: 'tag:aws:autoscaling:groupName', Values: groups.map((id) => ({ Ref: id })) }],
    });
    expect(JSON.parse(rule.Properties.Targets[0].Input)).toEqual({ commands: ['sh -c "$(sed -n \'s/^action=//p\' /etc/cfn/hooks.d/docker-swarm.conf)"'] });
    expect(matches(pattern(rule, 'Cluster'), statusChange(waitId, 'AWS::CloudFormation::WaitCondition', 'CREATE_IN_PROGRESS', 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Cluster/1'))).toBe(true);
  });

  it('lets EventBridge send the command only to instances of the managers\' groups', () => {
    // GIVEN
    const [, policy] = only(template, 'AWS::IAM::Policy', 'SwarmChangePushRole');
    // THEN
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Action: 'ssm:SendCommand', Effect: 'Allow', Resource: 'arn:aws:ssm:eu-west-1::document/AWS-RunShellScript' },
      {
        Action: 'ssm:SendCommand',
        Effect: 'Allow',
        Resource: 'arn:aws:ec2:eu-west-1:123456789012:instance/*',
        Condition: { StringEquals: { 'ssm:resourceTag/aws:autoscaling:groupName': groups.map((id) => ({ Ref: id })) } },
      },
    ]);
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  itRunning('bash')('runs on a manager exactly what its cfn-hup hook runs: cfn-init of its own group, then the services\' commands', () => {
    // GIVEN the hook file cfn-init writes on the second manager, its programs' folders moved into a folder of the test
    const work = mkdtempSync(path.join(tmpdir(), 'change-push-'));
    const [bin, hooks] = ['bin', 'hooks'].map((folder) => path.join(work, folder));
    for (const folder of [bin, hooks]) mkdirSync(folder);
    const files = template.Resources[groups[1]].Metadata['AWS::CloudFormation::Init'].config.files;
    const hook = renderIntrinsic(files['/etc/cfn/hooks.d/docker-swarm.conf'].content, { 'AWS::StackName': 'Cluster', 'AWS::Region': 'eu-west-1' });
    writeFileSync(path.join(hooks, 'docker-swarm.conf'), hook.replaceAll('/opt/aws/bin/', `${bin}/`).replaceAll('/usr/local/sbin/', `${bin}/`));
    const log = path.join(work, 'calls.log');
    for (const program of ['cfn-init', 'docker-swarm-deploy']) writeFileSync(path.join(bin, program), `#!/bin/sh\necho "\${0##*/} $*" >> ${log}\n`, { mode: 0o755 });
    // WHEN Run Command runs the pushed command
    const command = JSON.parse(rule.Properties.Targets[0].Input).commands[0].replace('/etc/cfn/hooks.d/', `${hooks}/`);
    const result = runHostProgram('bash', ['-c', command], { encoding: 'utf8', env: { PATH: HOST_PATH } });
    // THEN
    expect(result.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe(`cfn-init -v --stack Cluster --resource ${groups[1]} --region eu-west-1\ndocker-swarm-deploy \n`);
  });
});
