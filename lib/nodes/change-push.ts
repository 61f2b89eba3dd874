import { Aws, Lazy, Stack, Token, Validations, type CfnWaitCondition } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** The nodes a change is pushed to: one instance, or the instances of Auto Scaling groups. */
export interface ChangePushTarget {
  /** The instance's id. */
  readonly instanceId?: string;
  /** The Auto Scaling groups' names: their instances carry them as the `aws:autoscaling:groupName` tag. */
  readonly autoScalingGroupNames?: readonly string[];
}

/** What a change push runs, and on which nodes, when which wait condition is created. */
export interface ChangePushOptions {
  /** The wait condition of the nodes' current change; its creation starts the command. */
  readonly waitCondition: CfnWaitCondition;
  /** The part of the wait condition's id that each change renews (its digest). */
  readonly changeId: string;
  readonly target: ChangePushTarget;
  /** The shell command Run Command runs as root: what cfn-hup's hook runs. */
  readonly command: string;
  /** Which nodes, for the rule's and the role's descriptions. */
  readonly nodes: string;
}

/** The Systems Manager document that runs shell commands; AWS owns it, in every region. */
const RUN_SHELL_SCRIPT = 'AWS-RunShellScript';

/**
 * Pushes each change to the nodes as soon as CloudFormation starts waiting
 * for it, instead of leaving it to cfn-hup, which looks for changes once a
 * minute: an EventBridge rule on the stack's wait conditions of these nodes
 * entering CREATE_IN_PROGRESS, which CloudFormation does once the nodes'
 * metadata is updated, runs the cfn-hup hook's command on them with Run
 * Command. The rule matches the wait conditions' logical ids up to the
 * change's digest, so it stays the same from one change to the next. cfn-hup
 * stays: it applies the change when the push does not reach a node, and
 * finds nothing left to do when it did.
 */
export class ChangePush extends Construct {
  /** The rule that starts the command. */
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, options: ChangePushOptions) {
    super(scope, id);
    const stack = Stack.of(this);
    const document = stack.formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: RUN_SHELL_SCRIPT });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: `Runs the change command on ${options.nodes} when the stack starts waiting for a change`,
    });
    const { instanceId, autoScalingGroupNames } = options.target;
    if ((instanceId === undefined) === (autoScalingGroupNames === undefined)) {
      throw new Error('ChangePush: give either target.instanceId or target.autoScalingGroupNames');
    }
    if (instanceId !== undefined) {
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['ssm:SendCommand'],
          resources: [document, stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: instanceId })],
        }),
      );
    } else {
      role.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:SendCommand'], resources: [document] }));
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['ssm:SendCommand'],
          resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
          conditions: { StringEquals: { 'ssm:resourceTag/aws:autoscaling:groupName': [...autoScalingGroupNames!] } },
        }),
      );
      const shown = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:${shown(stack.partition, 'Partition')}:ec2:${shown(stack.region, 'Region')}:${shown(stack.account, 'AccountId')}:instance/*]`,
        reason: `The groups' instances come and go: Run Command may reach only those tagged with one of the groups' names (ssm:resourceTag/aws:autoscaling:groupName).`,
      });
    }
    const waitConditionId = options.waitCondition.logicalId;
    this.rule = new events.Rule(this, 'Rule', {
      description: `Pushes each change to ${options.nodes} when the stack starts waiting for it`,
      eventPattern: {
        source: ['aws.cloudformation'],
        detailType: ['CloudFormation Resource Status Change'],
        detail: {
          'stack-id': [Aws.STACK_ID],
          'resource-type': ['AWS::CloudFormation::WaitCondition'],
          'logical-resource-id': events.Match.prefix(
            Lazy.string({ produce: () => changePrefix(stack.resolve(waitConditionId) as string, options.changeId) }),
          ),
          'status-details': { status: ['CREATE_IN_PROGRESS'] },
        },
      },
      targets: [
        {
          bind: () => ({
            arn: document,
            role,
            input: events.RuleTargetInput.fromObject({ commands: [options.command] }),
            runCommandParameters: {
              runCommandTargets: [
                instanceId !== undefined
                  ? { key: 'InstanceIds', values: [instanceId] }
                  : { key: 'tag:aws:autoscaling:groupName', values: [...autoScalingGroupNames!] },
              ],
            },
          }),
        },
      ],
    });
    // The rule and its role are in place before the first wait condition is.
    options.waitCondition.node.addDependency(this);
  }
}

/**
 * The wait condition's logical id up to the change's digest, the same for
 * every change of the nodes; the whole id when the digest is not in it (a
 * path so long that the id was cut), which is then matched exactly.
 */
export function changePrefix(logicalId: string, changeId: string): string {
  const at = logicalId.indexOf(changeId);
  return at > 0 ? logicalId.slice(0, at) : logicalId;
}
