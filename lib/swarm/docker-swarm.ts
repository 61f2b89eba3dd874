import { createHash } from 'node:crypto';
import { ArnFormat, Aws, CfnResource, CfnWaitCondition, CfnWaitConditionHandle, Duration, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { validateContainers } from '../containers';
import { PropError, propOwner } from '../errors';
import { ENV_FILE_SOURCE, NODE_METRICS_SOURCE, SWARM_ENV_SOURCE, SWARM_GATE_SOURCE, SWARM_METRICS_SOURCE } from '../host-programs';
import type { MonitoringOptions } from '../monitoring/stack-monitoring';
import { monitorSwarm } from '../monitoring/swarm-monitoring';
import {
  ChangePush,
  cfnHupFiles,
  ENV_FILE_MODULE,
  initFile,
  metadataHopLimit,
  metricsStatement,
  metricsTimerFiles,
  metricsTimerService,
  nodeImage,
  nodeLaunchTemplateProps,
  nodeSecurityGroups,
  nodeSettings,
  refreshSeconds,
  refreshTimer,
  SESSION_MANAGER_ACTIONS,
  type MetricsTimerOptions,
  type NodeSettings,
} from '../nodes';
import {
  EndpointMode,
  PublishMode,
  renderCompose,
  serviceDnsName,
  serviceEnvironments,
  serviceFiles,
  serviceReloads,
  validateService,
  type ServiceEnvironment,
  type ServiceFile,
  type SwarmServiceDefinition,
} from './compose';
import {
  COMPOSE_FILE,
  DEPLOY_COMMAND,
  DEPLOY_FILE,
  DRAIN_COMMAND,
  ENV_COMMAND,
  ENV_DIRECTORY,
  ENV_PROGRAM,
  ENV_SOURCE,
  GATE_PROGRAM,
  RELOAD_COMMAND,
  renderDeployScript,
  renderNodeScript,
  type ServiceReload,
} from './node-script';

/** The workers: an Auto Scaling group whose nodes carry the same engine labels. */
export interface WorkerGroupProps {
  /**
   * Fewest workers the group keeps.
   *
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * Most workers the group may run.
   *
   * @default - `desiredCapacity`
   */
  readonly maxCapacity?: number;
  /**
   * Workers the group starts with.
   *
   * @default 2
   */
  readonly desiredCapacity?: number;
  /**
   * Engine labels of the workers, for constraints such as `engine.labels.public == yes`.
   *
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Instance type of the workers.
   *
   * @default - the swarm's `instanceType`
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Scale the workers between `minCapacity` and `maxCapacity` to keep their
   * average CPU use at `targetCpuUtilization` (target tracking). A leaving
   * worker is drained first; see docs/operations.md.
   *
   * @default true - when `maxCapacity` is above `minCapacity`
   */
  readonly cpuScaling?: boolean;
  /**
   * The workers' average CPU use, in percent, that scaling keeps them at.
   *
   * @default 70
   */
  readonly targetCpuUtilization?: number;
}

/** Properties of a `DockerSwarm`. */
export interface DockerSwarmProps {
  /** The VPC with the subnets to spread the nodes over, such as `VpcDependency.toVpc({ subnetCount: 3 })`. */
  readonly vpc: ec2.IVpc;
  /**
   * Managers: 1, or 3 to keep a quorum when one fails.
   *
   * @default 3
   */
  readonly managers?: number;
  /**
   * The workers' group: how many, their engine labels and instance type.
   *
   * @default - 1 to 2 workers, 2 desired, without labels
   */
  readonly workers?: WorkerGroupProps;
  /** The services, deployed with `docker stack deploy` by the leading manager. */
  readonly services: SwarmServiceDefinition[];
  /**
   * The `docker stack deploy` stack name; services are called `<name>_<service>`.
   *
   * @default 'app'
   */
  readonly stackName?: string;
  /**
   * How services publish ports unless they say otherwise: through the
   * routing mesh on every node, or on the nodes that run a task. The routing
   * mesh needs IPVS in the kernel.
   *
   * @default PublishMode.INGRESS
   */
  readonly publishMode?: PublishMode;
  /**
   * How services answer their names unless they say otherwise: one virtual
   * address (needs IPVS) or DNS round robin.
   *
   * @default EndpointMode.VIP
   */
  readonly endpointMode?: EndpointMode;
  /**
   * Instance type of every node.
   *
   * @default t4g.small
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Image of every node.
   *
   * @default - the newest Amazon Linux 2023 AMI owned by Amazon for the instance type's architecture, looked up at deploy time
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Size of each node's encrypted gp3 root volume in GiB.
   *
   * @default 20
   */
  readonly volumeSize?: number;
  /**
   * How long CloudFormation waits for the nodes to report that they joined,
   * and after a change of the services for the leading manager to report
   * that every changed service converged (the leader gives up 2 minutes, or
   * a quarter of it when shorter, before, and reports FAILURE).
   *
   * @default Duration.minutes(15)
   */
  readonly signalTimeout?: Duration;
  /**
   * How long a leaving worker may take to drain before its instance ends anyway.
   *
   * @default Duration.minutes(10)
   */
  readonly drainTimeout?: Duration;
  /**
   * How often the managers run the deploy helper with `--refresh` (a
   * systemd timer; only the leader acts, and its log is the journal,
   * `journalctl -u docker-swarm-refresh`): a secret's parameter overwritten
   * with a new value becomes a new swarm secret, `<name>-v<version>`, and
   * the services that use it roll to it; a service with
   * `pull: PullPolicy.ALWAYS` rolls to the image its tag names now. Whole
   * seconds from 10, or `Duration.seconds(0)` to turn the refresh off, so
   * that secrets and images change only with a stack update.
   *
   * @default Duration.minutes(1)
   */
  readonly refreshInterval?: Duration;
  /**
   * The swarm's alarms (nodes not Ready, each service's running tasks below
   * desired; see docs/monitoring.md) and its graphs on the stack's dashboard.
   *
   * @default - alarms and graphs, notifying the stack's `StackMonitoring.alarmTopic`
   */
  readonly monitoring?: MonitoringOptions;
}

/** The managers' metric publisher and the timer that runs it every minute; it publishes on the leading manager only. */
const METRICS_TIMER: MetricsTimerOptions = {
  unit: 'docker-swarm-metrics',
  program: '/usr/local/sbin/docker-swarm-metrics',
  source: SWARM_METRICS_SOURCE,
  module: NODE_METRICS_SOURCE,
  description: 'Docker swarm manager: publishes the state of the services and nodes to CloudWatch (namespace DockerNodes) when it leads',
};

/** The file under `/etc/cfn/hooks.d` of cfn-hup's hook on every node. */
const HOOK_FILE = 'docker-swarm.conf';
/**
 * What a change pushed to the managers runs: the action of their cfn-hup
 * hook, as cfn-hup runs it, read from the hook's file, since each manager's
 * names its own group.
 */
const RUN_HOOK_ACTION = `sh -c "$(sed -n 's/^action=//p' /etc/cfn/hooks.d/${HOOK_FILE})"`;

/** The settings of the managers' metric publisher, which cfn-init writes from the metadata. */
const METRICS_SETTINGS = '/etc/docker-swarm/metrics.json';

/** A file of a group's cfn-init metadata; an object is written as JSON. */
interface MetadataFile {
  readonly path: string;
  readonly content: unknown;
  /** @default '000600' */
  readonly mode?: string;
}

const LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const STACK_NAME = /^[a-z0-9][a-z0-9_-]*$/;
/** Ports the swarm's own traffic uses: cluster management, node gossip, overlay networks. */
const SWARM_PORTS: ReadonlyArray<readonly [ec2.Port, string]> = [
  [ec2.Port.tcp(2377), 'swarm cluster management'],
  [ec2.Port.tcp(7946), 'swarm node gossip'],
  [ec2.Port.udp(7946), 'swarm node gossip'],
  [ec2.Port.udp(4789), 'swarm overlay network (VXLAN)'],
];

/**
 * A Docker Swarm cluster on EC2: managers (1 or 3, each in an Auto Scaling
 * group of one, spread over the VPC's subnets) and an Auto Scaling group of
 * workers, every node hardened like `DockerHost` (Amazon Linux 2023, IMDSv2,
 * encrypted EBS, Session Manager, no SSH). The nodes form the swarm on their
 * own, with the join tokens in SSM Parameter Store under a path of the stack;
 * the leading manager deploys the services from one compose file at boot and
 * again after each stack update (cfn-hup); a worker leaving by scale-in is
 * drained first. A service's `network` is an overlay network of the stack;
 * its `files` are written by cfn-init on every node and their folders
 * mounted read-only into its tasks; after a stack update changes them, each
 * node runs the service's `reload` command in its own tasks (or, without
 * one, the swarm replaces the tasks).
 *
 * @example
 * new DockerSwarm(this, 'Swarm', {
 *   vpc: network.toVpc({ subnetCount: 3 }),
 *   workers: { desiredCapacity: 2, labels: { public: 'no' } },
 *   services: [{
 *     name: 'cache',
 *     image: 'memcached:1.6-alpine',
 *     replicas: 2,
 *     memoryMiB: 96,
 *     constraints: ['node.role == worker'],
 *     ports: [{ hostPort: 11211, allowFrom: ['10.0.0.0/16'] }],
 *   }],
 * });
 */
export class DockerSwarm extends Construct {
  /** The security group of every node: the swarm's ports between nodes, published ports to the ranges allowed for them. */
  public readonly securityGroup: ec2.SecurityGroup;
  /**
   * Every security group of the nodes: `securityGroup`, and more when the
   * published ports need more inbound rules than one group holds (60 per IP
   * version by default), up to the 5 a network interface takes.
   */
  public readonly securityGroups: ec2.SecurityGroup[];
  /** One group of one instance per manager. */
  public readonly managerGroups: autoscaling.AutoScalingGroup[];
  /** The workers' Auto Scaling group. */
  public readonly workerGroup: autoscaling.AutoScalingGroup;
  /**
   * The role of every manager: Session Manager, reads and writes the parameters under `parameterPath` only,
   * reads the services' secrets' parameters, completes the workers' lifecycle actions, and asks Auto Scaling
   * whether an unreachable manager's instance is still in service before removing that manager from the swarm.
   */
  public readonly managerRole: iam.Role;
  /** The role of every worker: Session Manager, reads the worker token and the managers' addresses only. */
  public readonly workerRole: iam.Role;
  /** Where the join tokens and the managers' addresses are, such as `/docker-swarm/MyStack/Swarm`. */
  public readonly parameterPath: string;
  /** The compose file the leading manager deploys; deploy-time values are tokens. */
  public readonly compose: Record<string, unknown>;
  private readonly stackNamespace: string;
  private readonly serviceNames: readonly string[];

  constructor(scope: Construct, id: string, props: DockerSwarmProps) {
    super(scope, id);
    const owner = propOwner('DockerSwarm', this);
    const managers = props.managers ?? 3;
    if (managers !== 1 && managers !== 3) {
      throw new PropError(owner, 'managers', `must be 1 or 3 (an odd number keeps a quorum; 3 survives the loss of one), got ${managers}`);
    }
    validateContainers(owner, props.services, 'services');
    props.services.forEach((service, i) => validateService(owner, i, service));
    const stackNamespace = props.stackName ?? 'app';
    if (!STACK_NAME.test(stackNamespace)) {
      throw new PropError(owner, 'stackName', `must be lower-case letters, digits, "_" and "-", starting with a letter or digit, got "${stackNamespace}"`);
    }
    this.stackNamespace = stackNamespace;
    this.serviceNames = props.services.map((service) => service.name);
    const workers = workerSettings(owner, props.workers ?? {});
    const node = nodeSettings(owner, props);
    const drainTimeout = props.drainTimeout ?? Duration.minutes(10);
    const refresh = refreshTimer({
      name: 'docker-swarm-refresh',
      description: 'Docker swarm: deploys rotated secrets and moved image tags to the services',
      command: `${DEPLOY_COMMAND} --refresh`,
      after: 'docker.service',
      intervalSeconds: refreshSeconds(owner, props.refreshInterval),
    });
    this.parameterPath = `/docker-swarm/${Aws.STACK_NAME}/${this.node.id}`;

    this.securityGroups = nodeSecurityGroups(this, owner, {
      vpc: props.vpc,
      description: 'Docker swarm nodes: swarm ports between nodes only, published ports to the ranges allowed for them',
      containers: props.services,
      containersProp: 'services',
      betweenNodes: SWARM_PORTS,
    });
    this.securityGroup = this.securityGroups[0];
    const services = servicePlan(props.services, stackNamespace);
    const groups: NodeGroups = { props, node, machineImage: nodeImage(this, node), services, stackNamespace, drainSeconds: drainTimeout.toSeconds() };
    this.managerRole = this.nodeRole('ManagerRole', 'manager');
    this.workerRole = this.nodeRole('WorkerRole', 'worker');
    this.grantParameters(services);

    const subnets = props.vpc.privateSubnets.length > 0 ? props.vpc.privateSubnets : props.vpc.publicSubnets;
    this.managerGroups = Array.from({ length: managers }, (_, i) =>
      this.nodeGroup(`Manager${i + 1}`, 'manager', groups, { subnets: { subnets: [subnets[i % subnets.length]] }, min: 1, max: 1, desired: 1, labels: [], instanceType: node.instanceType }),
    );
    this.workerGroup = this.nodeGroup('Workers', 'worker', groups, { subnets: { subnets }, ...workers, instanceType: workers.instanceType ?? node.instanceType });

    this.compose = renderCompose(props.services, { publishMode: props.publishMode ?? PublishMode.INGRESS, endpointMode: props.endpointMode ?? EndpointMode.VIP });
    const managerFiles: MetadataFile[] = [
      { path: COMPOSE_FILE, content: this.compose },
      ...this.gateDeploys(services, props.signalTimeout ?? Duration.minutes(15)),
      ...(services.environments
        ? [
            { path: ENV_SOURCE, content: services.environments },
            { path: ENV_PROGRAM, content: SWARM_ENV_SOURCE, mode: '000700' },
            { path: ENV_FILE_MODULE, content: ENV_FILE_SOURCE },
          ]
        : []),
      ...services.files,
      ...refresh.files.map(([path, file]) => ({ path, content: file.content, mode: file.mode })),
      { path: METRICS_SETTINGS, content: { stackName: Aws.STACK_NAME, region: Aws.REGION, swarm: stackNamespace } },
      ...Object.entries(metricsTimerFiles(METRICS_TIMER)).map(([file, init]) => ({ path: file, content: init.content, mode: init.mode })),
    ];
    const reload = services.reloads.length > 0 ? [RELOAD_COMMAND] : [];
    const deploy = [...(services.environments ? [ENV_COMMAND] : []), DEPLOY_COMMAND];
    for (const managerGroup of this.managerGroups) {
      this.addServiceMetadata(managerGroup, managerFiles, [...deploy, ...reload], refresh.commands, metricsTimerService(METRICS_TIMER));
    }
    if (services.workerMetadata) this.addServiceMetadata(this.workerGroup, services.files, reload);
    this.drainOnScaleIn(drainTimeout);
    this.scaleOnCpu(workers);
    monitorSwarm(
      this,
      { stackNamespace, serviceNames: this.serviceNames, path: this.node.path, groups: [...this.managerGroups, this.workerGroup] },
      props.monitoring,
    );
  }

  /** Target tracking on the workers' average CPU use, between their fewest and most. */
  private scaleOnCpu(workers: WorkerSettings): void {
    if (workers.targetCpuUtilization === undefined) return;
    this.workerGroup.scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: workers.targetCpuUtilization });
  }

  /**
   * The deploy helper, the gate program and the deploy file as the managers'
   * files, and a wait condition named after the digest of what the leader
   * deploys (the compose file, the env-files' parts, the services' files, the
   * secrets, the deploy helper and gate program, the timeout), which the
   * gate program signals once the services converged: a change of any of
   * them makes a new one, so every such update waits for the swarm.
   */
  private gateDeploys(services: ServicePlan, signalTimeout: Duration): MetadataFile[] {
    const stack = Stack.of(this);
    const timeout = signalTimeout.toSeconds();
    const deployScript = `${renderDeployScript({ region: Aws.REGION, stackNamespace: this.stackNamespace, secrets: services.secrets })}\n`;
    const deployId = createHash('sha256')
      .update(JSON.stringify(stack.resolve({ compose: this.compose, environments: services.environments ?? null, files: services.files, secrets: services.secrets, deployScript, timeout })))
      .update(SWARM_GATE_SOURCE)
      .digest('hex')
      .slice(0, 12);
    const handle = new CfnWaitConditionHandle(this, `Deployed${deployId}Handle`);
    const deployed = new CfnWaitCondition(this, `Deployed${deployId}`, { handle: handle.ref, timeout: String(timeout), count: 1 });
    for (const managerGroup of this.managerGroups) deployed.node.addDependency(managerGroup);
    new ChangePush(this, 'ChangePush', {
      waitCondition: deployed,
      changeId: deployId,
      target: { autoScalingGroupNames: this.managerGroups.map((group) => group.autoScalingGroupName) },
      command: RUN_HOOK_ACTION,
      nodes: `the managers of Docker swarm ${this.node.path}`,
    });
    return [
      { path: DEPLOY_COMMAND, content: deployScript, mode: '000700' },
      { path: GATE_PROGRAM, content: SWARM_GATE_SOURCE, mode: '000700' },
      { path: DEPLOY_FILE, content: { waitHandle: handle.ref, deployId, waitSeconds: timeout - Math.min(120, Math.floor(timeout / 4)), envDirectory: ENV_DIRECTORY } },
    ];
  }

  /**
   * The name on which Docker's DNS answers, on the service's networks, with
   * the addresses of the service's running tasks: `tasks.<stackName>_<service>`,
   * such as an `AppRouter` route's `upstream`.
   */
  public serviceDnsName(serviceName: string): string {
    if (!this.serviceNames.includes(serviceName)) {
      throw new PropError(propOwner('DockerSwarm', this), 'serviceDnsName.serviceName', `no service is named "${serviceName}"; the services are ${this.serviceNames.map((name) => `"${name}"`).join(', ')}`);
    }
    return serviceDnsName(this.stackNamespace, serviceName);
  }

  /**
   * What each role may read and write in Parameter Store and CloudFormation:
   * the workers the worker token and the managers' addresses (and the
   * stack's metadata when services have files), the managers the swarm's
   * parameter path, the stack's metadata and the services' secrets.
   */
  private grantParameters(services: ServicePlan): void {
    const stack = Stack.of(this);
    const parameterArn = (name: string) =>
      stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `docker-swarm/${Aws.STACK_NAME}/${this.node.id}/${name}` });
    const describeStack = () => new iam.PolicyStatement({ actions: ['cloudformation:DescribeStackResource'], resources: [stack.stackId] });
    this.workerRole.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameterArn('worker-token'), parameterArn('manager-addresses')] }));
    this.managerRole.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter', 'ssm:PutParameter'], resources: [parameterArn('*')] }));
    this.managerRole.addToPolicy(describeStack());
    this.managerRole.addToPolicy(metricsStatement());
    if (services.workerMetadata) this.workerRole.addToPolicy(describeStack());
    if (services.secrets.length > 0) {
      this.managerRole.addToPolicy(
        new iam.PolicyStatement({
          actions: ['ssm:GetParameter'],
          resources: services.secrets.map((secret) => stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: secret.parameterName.replace(/^\//, '') })),
        }),
      );
    }
    Validations.of(this.managerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(stack, 'ssm')}:parameter/docker-swarm/<AWS::StackName>/${this.node.id}/*]`,
      reason: 'The managers write the join tokens, the managers\' addresses and the init marker under the swarm\'s own parameter path only.',
    });
  }

  /**
   * An Auto Scaling group of nodes of one role, from a launch template of
   * the node layer with the role's user data, which signals CloudFormation
   * once the node has joined.
   */
  private nodeGroup(groupId: string, role: 'manager' | 'worker', groups: NodeGroups, options: GroupOptions): autoscaling.AutoScalingGroup {
    const { props, services } = groups;
    const launchTemplate = (): ec2.LaunchTemplate => {
      const template = new ec2.LaunchTemplate(this, `${groupId}LaunchTemplate`, {
        ...nodeLaunchTemplateProps(groups.node, groups.machineImage, options.instanceType, metadataHopLimit(false)),
        securityGroup: this.securityGroup,
        role: role === 'manager' ? this.managerRole : this.workerRole,
        userData: ec2.UserData.custom(
          Lazy.string({
            produce: () =>
              renderNodeScript({
                role,
                stackName: Aws.STACK_NAME,
                resource: (asg.node.defaultChild as CfnResource).logicalId,
                region: Aws.REGION,
                parameterPath: this.parameterPath,
                labels: options.labels,
                stackNamespace: groups.stackNamespace,
                secrets: services.secrets,
                envFiles: services.environments !== undefined,
                workerMetadata: services.workerMetadata,
                reloads: services.reloads,
                drainSeconds: groups.drainSeconds,
              }),
          }),
        ),
      });
      for (const group of this.securityGroups.slice(1)) template.addSecurityGroup(group);
      return template;
    };
    const asg: autoscaling.AutoScalingGroup = new autoscaling.AutoScalingGroup(this, groupId, {
      vpc: props.vpc,
      vpcSubnets: options.subnets,
      launchTemplate: launchTemplate(),
      minCapacity: options.min,
      maxCapacity: options.max,
      desiredCapacity: options.min === options.max ? undefined : options.desired,
      signals: autoscaling.Signals.waitForMinCapacity({ timeout: props.signalTimeout ?? Duration.minutes(15) }),
    });
    if (options.min !== options.max) {
      Validations.of(asg).acknowledge({
        id: '@aws-cdk/aws-autoscaling:desiredCapacitySet',
        reason: 'The desired number of workers is part of the configuration: a deploy sets the group back to it.',
      });
    }
    Validations.of(asg).acknowledge({
      id: 'AwsSolutions-AS3',
      reason: `The ${role}s report to CloudFormation and to the swarm; scaling notifications would add a topic nobody reads.`,
    });
    return asg;
  }

  /**
   * A node role with Session Manager's own actions (no managed policy, so no
   * parameter or document of the account is readable); the Auto Scaling group
   * adds the stack's signal, each role what its nodes call. The managers also
   * ask Auto Scaling whether a manager's instance is still in service before
   * they remove that manager from the swarm.
   */
  private nodeRole(id: string, kind: 'manager' | 'worker'): iam.Role {
    const role = new iam.Role(this, id, {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `Docker swarm ${kind}s: Session Manager, the swarm's join parameters, the stack's signal`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: [...SESSION_MANAGER_ACTIONS], resources: ['*'] }));
    if (kind === 'manager') role.addToPolicy(new iam.PolicyStatement({ actions: ['autoscaling:DescribeAutoScalingInstances'], resources: ['*'] }));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: [
        'Session Manager, which replaces SSH on the nodes, and Run Command, which runs the drain helper on the managers: the ssmmessages channel actions name no resource, and ssm:UpdateInstanceInformation is called by instances whose ids Auto Scaling picks. No parameter, document or association is readable through it.',
        ...(kind === 'manager'
          ? [
              'autoscaling:DescribeAutoScalingInstances, read-only, has no resource-level permissions: a booting manager asks whether an unreachable manager\'s instance is still in service before it removes that manager from the swarm.',
              'cloudwatch:PutMetricData, with which the leading manager publishes the state of the services and nodes, supports no resource; its condition holds it to the DockerNodes namespace.',
            ]
          : []),
      ].join(' '),
    });
    return role;
  }

  /**
   * Files as cfn-init metadata of a group, and the cfn-hup hook that writes
   * them again and runs `commands` after each stack update (the managers
   * redeploy, every node reloads the tasks whose files changed), so a
   * service change replaces no node; `initCommands` are what cfn-init runs
   * once it wrote the files (on the managers, enabling the refresh timer),
   * `services` the systemd units cfn-init keeps enabled and running (the
   * managers' metric timer).
   */
  private addServiceMetadata(
    group: autoscaling.AutoScalingGroup,
    files: readonly MetadataFile[],
    commands: readonly string[],
    initCommands: Readonly<Record<string, unknown>> = {},
    services?: Record<string, unknown>,
  ): void {
    const cfnGroup = group.node.defaultChild as autoscaling.CfnAutoScalingGroup;
    const cfnInit = `/opt/aws/bin/cfn-init -v --stack ${Aws.STACK_NAME} --resource ${cfnGroup.logicalId} --region ${Aws.REGION}`;
    cfnGroup.addOverride('Metadata.AWS::CloudFormation::Init', {
      config: {
        files: Object.fromEntries([
          ...files.map((file) => [file.path, initFile(file.content, file.mode)] as const),
          ...cfnHupFiles({
            hook: 'docker-swarm-services',
            hookFile: HOOK_FILE,
            resource: cfnGroup.logicalId,
            action: [cfnInit, ...commands].join(' && '),
            description: 'cfn-hup: applies stack updates to the swarm services',
            after: 'docker.service',
            configMode: '000600',
            unitMode: '000600',
          }),
        ]),
        ...(Object.keys(initCommands).length > 0 ? { commands: initCommands } : {}),
        ...(services ? { services } : {}),
      },
    });
  }

  /**
   * A lifecycle hook holds a leaving worker; EventBridge runs the drain
   * helper on the managers through Run Command, and the leader drains the
   * node, removes it and lets the instance end.
   */
  private drainOnScaleIn(timeout: Duration): void {
    const stack = Stack.of(this);
    const hook = this.workerGroup.addLifecycleHook('Drain', {
      lifecycleTransition: autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
      heartbeatTimeout: timeout,
      defaultResult: autoscaling.DefaultResult.CONTINUE,
    });
    const managerNames = this.managerGroups.map((managerGroup) => managerGroup.autoScalingGroupName);
    const document = stack.formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: 'AWS-RunShellScript' });
    const runCommandRole = new iam.Role(this, 'DrainRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Docker swarm: runs the drain helper on the managers when a worker leaves',
    });
    runCommandRole.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:SendCommand'], resources: [document] }));
    runCommandRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ssm:SendCommand'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'instance', resourceName: '*' })],
        conditions: { StringEquals: { 'aws:ResourceTag/aws:autoscaling:groupName': managerNames } },
      }),
    );
    Validations.of(runCommandRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(stack, 'ec2')}:instance/*]`,
      reason: 'Manager instances are replaced and their ids are not known in advance; the condition limits SendCommand to instances tagged with the managers\' groups.',
    });
    this.managerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['autoscaling:CompleteLifecycleAction'],
        resources: [
          stack.formatArn({
            service: 'autoscaling',
            resource: 'autoScalingGroup',
            resourceName: `*:autoScalingGroupName/${this.workerGroup.autoScalingGroupName}`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    Validations.of(this.managerRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn(stack, 'autoscaling')}:autoScalingGroup:*:autoScalingGroupName/<${stack.getLogicalId(this.workerGroup.node.defaultChild as CfnResource)}>]`,
      reason: 'An Auto Scaling group\'s ARN holds an id AWS generates (autoScalingGroup:<id>:autoScalingGroupName/<name>); the name pins it to the workers\' group.',
    });
    new events.CfnRule(this, 'DrainRule', {
      description: 'Docker swarm: drain a worker before its instance ends',
      eventPattern: {
        source: ['aws.autoscaling'],
        'detail-type': ['EC2 Instance-terminate Lifecycle Action'],
        detail: { AutoScalingGroupName: [this.workerGroup.autoScalingGroupName], LifecycleHookName: [hook.lifecycleHookName] },
      },
      targets: [
        {
          id: 'DrainOnManagers',
          arn: document,
          roleArn: runCommandRole.roleArn,
          runCommandParameters: { runCommandTargets: [{ key: 'tag:aws:autoscaling:groupName', values: managerNames }] },
          inputTransformer: {
            inputPathsMap: { instance: '$.detail.EC2InstanceId', group: '$.detail.AutoScalingGroupName', hook: '$.detail.LifecycleHookName' },
            inputTemplate: `{"commands": ["${DRAIN_COMMAND} <instance> <group> <hook>"]}`,
          },
        },
      ],
    });
  }
}

/** The start of an ARN of the stack's partition, account and region as cdk-nag writes it: `<AWS::Region>` unless the stack has a region of its own, and so on. */
function nagArn(stack: Stack, service: string): string {
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:${partition}:${service}:${region}:${account}`;
}

/** The workers' group sizes and engine labels, checked. */
interface WorkerSettings {
  readonly min: number;
  readonly max: number;
  readonly desired: number;
  readonly labels: readonly string[];
  readonly instanceType?: ec2.InstanceType;
  /** The CPU use scaling keeps the workers at; undefined without scaling. */
  readonly targetCpuUtilization?: number;
}

/** The workers' average CPU use that scaling keeps them at unless their props say otherwise. */
const TARGET_CPU_UTILIZATION = 70;

/** The CPU use scaling keeps the workers at, or undefined when they do not scale on CPU. */
function cpuTarget(owner: string, workers: WorkerGroupProps, min: number, max: number): number | undefined {
  const target = workers.targetCpuUtilization;
  if (target !== undefined && !(Number.isFinite(target) && target > 0 && target <= 100)) {
    throw new PropError(owner, 'workers.targetCpuUtilization', `must be a percentage above 0 and at most 100, such as 70, got ${target}`);
  }
  if (workers.cpuScaling === false) {
    if (target !== undefined) throw new PropError(owner, 'workers.targetCpuUtilization', 'has no effect with cpuScaling false; drop one of them');
    return undefined;
  }
  if (min === max) {
    if (workers.cpuScaling === true || target !== undefined) {
      throw new PropError(owner, 'workers.cpuScaling', `the workers cannot scale with minCapacity equal to maxCapacity (${min}); raise maxCapacity or leave cpuScaling and targetCpuUtilization out`);
    }
    return undefined;
  }
  return target ?? TARGET_CPU_UTILIZATION;
}

function workerSettings(owner: string, workers: WorkerGroupProps): WorkerSettings {
  const desired = workers.desiredCapacity ?? 2;
  const min = workers.minCapacity ?? 1;
  const max = workers.maxCapacity ?? desired;
  const wrong = ([
    ['minCapacity', Number.isInteger(min) && min >= 0],
    ['desiredCapacity', Number.isInteger(desired) && desired >= min],
    ['maxCapacity', Number.isInteger(max) && max >= desired],
  ] as const).find(([, fine]) => !fine);
  if (wrong !== undefined) {
    throw new PropError(owner, `workers.${wrong[0]}`, `must be whole numbers with 0 <= minCapacity <= desiredCapacity <= maxCapacity, got ${min}, ${desired}, ${max}`);
  }
  const labels = Object.entries(workers.labels ?? {}).map(([key, value]) => {
    if (!LABEL.test(key) || !LABEL.test(value) || key === 'instance-id') {
      throw new PropError(owner, 'workers.labels', `${key}=${value}: keys and values must be letters, digits, ".", "_" and "-" (and instance-id is the swarm's own)`);
    }
    return `${key}=${value}`;
  });
  return { min, max, desired, labels, instanceType: workers.instanceType, targetCpuUtilization: cpuTarget(owner, workers, min, max) };
}

/** What the nodes need of the services: secrets, files, reloads, env-files, and whether the workers get metadata. */
interface ServicePlan {
  readonly secrets: ReadonlyArray<{ readonly name: string; readonly parameterName: string }>;
  readonly files: ServiceFile[];
  readonly reloads: ServiceReload[];
  readonly environments?: Record<string, ServiceEnvironment>;
  /** Any node may run a task with files, so the workers get them from the stack metadata too. */
  readonly workerMetadata: boolean;
}

function servicePlan(services: readonly SwarmServiceDefinition[], stackNamespace: string): ServicePlan {
  const files = serviceFiles(services);
  return {
    secrets: services.flatMap((service) => service.secrets ?? []),
    files,
    reloads: serviceReloads(services, stackNamespace),
    environments: serviceEnvironments(services),
    workerMetadata: files.length > 0,
  };
}

/** What every group of the swarm is built from. */
interface NodeGroups {
  readonly props: DockerSwarmProps;
  readonly node: NodeSettings;
  readonly machineImage: ec2.IMachineImage;
  readonly services: ServicePlan;
  readonly stackNamespace: string;
  readonly drainSeconds: number;
}

/** Where one group's nodes go, how many, their labels and instance type. */
interface GroupOptions {
  readonly subnets: ec2.SubnetSelection;
  readonly min: number;
  readonly max: number;
  readonly desired: number;
  readonly labels: readonly string[];
  readonly instanceType: ec2.InstanceType;
}
