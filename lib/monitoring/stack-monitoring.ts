import { Aws, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import { PropError, propOwner } from '../errors';

/** How a construct watches what it runs: its alarms, where they go, and its widgets on the stack's dashboard. */
export interface MonitoringOptions {
  /**
   * Create the construct's alarms (see docs/monitoring.md).
   *
   * @default - the stack's `StackMonitoring` setting, which is true
   */
  readonly alarms?: boolean;
  /**
   * The topic the alarms notify when they go into ALARM and back to OK.
   *
   * @default - the stack's `StackMonitoring.alarmTopic`: the topic given to it, else one it creates, encrypted with a key of its own
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Add the construct's graphs to the stack's dashboard.
   *
   * @default - the stack's `StackMonitoring` setting, which is true
   */
  readonly dashboard?: boolean;
}

/** Properties of a `StackMonitoring`: the defaults of every construct of the stack, and the dashboard's name. */
export interface StackMonitoringProps extends MonitoringOptions {
  /**
   * Name of the stack's dashboard.
   *
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;
}

/** The id of the `StackMonitoring` the stack's constructs create. */
const ID = 'StackMonitoring';

/** The stack's `StackMonitoring`, a child of the stack, if it has one. */
function stackMonitoringOf(stack: Stack): StackMonitoring | undefined {
  return stack.node.children.find((child): child is StackMonitoring => child instanceof StackMonitoring);
}

/**
 * The monitoring of one stack: one dashboard that every construct of the
 * stack adds its graphs to, and the topic their alarms notify unless a
 * construct names its own. `DockerHost`, `DockerSwarm`, `AppRouter` and the
 * lookup functions create it on first use with the defaults (alarms on,
 * dashboard on, a topic of its own); create it first, as a child of the
 * stack before them, to change those defaults for every construct of the
 * stack.
 *
 * @example
 * const monitoring = new StackMonitoring(stack, 'StackMonitoring', { alarmTopic: oncall });
 * new DockerHost(stack, 'Host', { ...placement, containers });
 */
export class StackMonitoring extends Construct {
  /** The stack's `StackMonitoring`, created with the defaults on first use. */
  public static of(scope: IConstruct): StackMonitoring {
    const stack = Stack.of(scope);
    return stackMonitoringOf(stack) ?? new StackMonitoring(stack, ID);
  }

  /** Whether the constructs of the stack create alarms unless their own `monitoring` says otherwise. */
  public readonly alarms: boolean;
  /** Whether the constructs of the stack add graphs to the dashboard unless their own `monitoring` says otherwise. */
  public readonly dashboards: boolean;
  private readonly props: StackMonitoringProps;
  private topic?: sns.ITopic;
  private board?: cloudwatch.Dashboard;

  constructor(scope: Stack, id: string, props: StackMonitoringProps = {}) {
    const existing = stackMonitoringOf(scope);
    if (existing !== undefined) {
      throw new PropError(
        propOwner('StackMonitoring', existing),
        'scope',
        `the stack ${scope.node.path} has a StackMonitoring already (its constructs create one with the defaults on first use); create yours before the stack's constructs, or give each construct its own monitoring prop`,
      );
    }
    super(scope, id);
    this.props = props;
    this.alarms = props.alarms ?? true;
    this.dashboards = props.dashboard ?? true;
  }

  /**
   * The topic the stack's alarms notify: the one given, else one created on
   * first use, encrypted with a KMS key of its own that CloudWatch may use
   * (CloudWatch cannot publish to a topic under the AWS managed key), that
   * only CloudWatch alarms of this account may publish to, over TLS only.
   * Subscribe to it, such as `alarmTopic.addSubscription(new EmailSubscription(...))`.
   */
  public get alarmTopic(): sns.ITopic {
    this.topic ??= this.props.alarmTopic ?? this.createTopic();
    return this.topic;
  }

  /** The stack's dashboard, created with the first graph; undefined while it has none. */
  public get dashboard(): cloudwatch.Dashboard | undefined {
    return this.board;
  }

  /** Adds a row to the dashboard: a title, then the graphs. */
  public addSection(title: string, widgets: cloudwatch.IWidget[]): void {
    this.board ??= new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: this.props.dashboardName });
    this.board.addWidgets(new cloudwatch.TextWidget({ markdown: `## ${title}`, width: 24, height: 1 }));
    this.board.addWidgets(...widgets);
  }

  private createTopic(): sns.ITopic {
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the alarm topic of this stack; CloudWatch may use it to publish alarms',
      enableKeyRotation: true,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Alarms of the Docker hosts, swarms, routers and lookups', masterKey: key, enforceSSL: true });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    return topic;
  }
}
