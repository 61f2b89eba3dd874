import { createHash } from 'node:crypto';
import { Aws, CfnWaitCondition, CfnWaitConditionHandle, Duration, Fn, Lazy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ContainerLogging, PortProtocol, PullPolicy, RestartPolicy, secretEnvironmentContent, validateContainers, type ContainerDefinition } from '../containers';
import { PropError, propOwner } from '../errors';
import { APPLY_SOURCE, ENV_FILE_SOURCE, HOST_METRICS_SOURCE, NODE_METRICS_SOURCE } from '../host-programs';
import { monitorHost } from '../monitoring/host-monitoring';
import type { MonitoringOptions } from '../monitoring/stack-monitoring';
import {
  ChangePush,
  cfnHupFiles,
  ENV_FILE_MODULE,
  healthCheckSettings,
  initFile,
  metadataHopLimit,
  metricsStatement,
  metricsTimerFiles,
  metricsTimerService,
  nodeImage,
  type MetricsTimerOptions,
  nodeInstanceProps,
  nodeSecurityGroups,
  nodeSettings,
  refreshSeconds,
  refreshTimer,
  SESSION_MANAGER_ACTIONS,
} from '../nodes';
import { ROUTER_DEFAULTS } from '../router/app-router';
import { APPLY_PROGRAM, renderDockerHostScript } from './docker-host-script';

/** The host's metric publisher and the timer that runs it every minute. */
const METRICS_TIMER: MetricsTimerOptions = {
  unit: 'docker-host-metrics',
  program: '/usr/local/sbin/docker-host-metrics',
  source: HOST_METRICS_SOURCE,
  module: NODE_METRICS_SOURCE,
  description: 'Docker host: publishes the state of its containers to CloudWatch (namespace DockerNodes)',
};

/** Properties of a `DockerHost`. */
export interface DockerHostProps {
  /** The VPC, such as `VpcDependency.toVpc()`. */
  readonly vpc: ec2.IVpc;
  /**
   * Where in the VPC the host goes; the first subnet selected.
   *
   * @default - the VPC's default selection
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Instance type; its architecture picks the default image's.
   *
   * @default t4g.small
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The image; it must run `dnf` and `systemctl`, as Amazon Linux 2023 does.
   *
   * @default - the newest Amazon Linux 2023 AMI owned by Amazon for the instance type's architecture, looked up at deploy time
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * Size of the encrypted gp3 root volume in GiB.
   *
   * @default 20
   */
  readonly volumeSize?: number;
  /**
   * Device name of the root volume.
   *
   * @default '/dev/xvda' - Amazon Linux's
   */
  readonly rootDeviceName?: string;
  /** The containers, started in this order. */
  readonly containers: ContainerDefinition[];
  /**
   * How long CloudFormation waits for the host to report that its containers
   * started, on creation and on every update.
   *
   * @default Duration.minutes(15)
   */
  readonly signalTimeout?: Duration;
  /**
   * Directory on the host for the env-files, `<name>.env` each, mode 0600;
   * the host makes it root's alone (mode 0700). A folder of its own: an
   * absolute, normalized path (no `.` or `..` segment), neither `/` nor a
   * system folder such as `/etc`, `/var`, `/tmp` or `/var/lib`, nor inside
   * `/dev`, `/proc` or `/sys`. A folder below `/etc` or `/var`, such as
   * `/var/lib/docker-host`, is fine.
   *
   * @default '/etc/docker-host'
   */
  readonly envFileDirectory?: string;
  /**
   * Termination protection; with it on, deleting or replacing the host fails
   * until it is turned off again.
   *
   * @default false
   */
  readonly terminationProtection?: boolean;
  /**
   * How long every container must run, without a restart and healthy where
   * it has a health check, before the host reports success to
   * CloudFormation, on creation and on every update.
   *
   * @default Duration.seconds(30)
   */
  readonly startupGracePeriod?: Duration;
  /**
   * How long the host waits, after the grace period, for health checks that
   * still say `starting`.
   *
   * @default Duration.minutes(5)
   */
  readonly healthCheckWait?: Duration;
  /**
   * How long the router keeps an app's resolved addresses: the `resolverValid`
   * of the `AppRouter` whose container runs on this host. A container on a
   * network that publishes no host port and mounts no volume (an app the
   * router reaches by its name) is replaced start-first: its new container
   * runs beside the old one until it has run for `startupGracePeriod` and is
   * healthy, then the host waits this long and one second more, so that the
   * router has the new address, before it stops the old one.
   *
   * @default Duration.seconds(5) - the router's default
   */
  readonly routerResolverValid?: Duration;
  /**
   * How long the host's log group keeps container logs (the default
   * `awslogs` logging).
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Private ECR repositories the containers' images come from: the host may
   * pull from these and no others, through Docker's ECR credential helper.
   *
   * @default - no private ECR repository
   */
  readonly ecrRepositories?: ecr.IRepository[];
  /**
   * Narrows the host's outbound traffic to HTTPS (TCP 443) to these CIDR
   * ranges. Everything the host fetches must then be inside them: the
   * package repositories (Amazon Linux's are on S3), the image registries and
   * the AWS endpoints it calls (CloudFormation, Systems Manager), for example
   * the ranges of VPC endpoints and a proxy. DNS through the VPC's resolver
   * and the time service are not filtered by security groups.
   *
   * @default - all outbound traffic is allowed
   */
  readonly egressCidrs?: string[];
  /**
   * The instance's `Name` tag.
   *
   * @default - the construct path
   */
  readonly instanceName?: string;
  /**
   * How often the host reads every container's secret again and pulls the
   * images of containers with `pull: PullPolicy.ALWAYS`, recreating exactly
   * the containers whose secret or image changed (a systemd timer running the
   * apply program with `--refresh`; its log is the journal,
   * `journalctl -u docker-host-refresh`). A rotated secret reaches its
   * container within this time; CloudFormation is not told, so a container
   * that fails on the new value rolls nothing back. Whole seconds from 10, or
   * `Duration.seconds(0)` to turn the refresh off, so that secrets and images
   * change only with a stack update.
   *
   * @default Duration.minutes(1)
   */
  readonly refreshInterval?: Duration;
  /**
   * The host's alarms (status checks with EC2 recovery, CPU, memory, root
   * volume, each container not running or restarting; see docs/monitoring.md)
   * and its graphs on the stack's dashboard. Memory and disk come from the
   * CloudWatch agent, which the host installs unless both are off.
   *
   * @default - alarms and graphs, notifying the stack's `StackMonitoring.alarmTopic`
   */
  readonly monitoring?: MonitoringOptions;
}

/** The host's env-file folder unless its props say otherwise. */
const DEFAULT_ENV_FILE_DIRECTORY = '/etc/docker-host';

/** An absolute, normalized path: segments of letters, digits, `.`, `_` and `-`, no empty segment and no trailing `/`. */
const NORMALIZED_PATH = /^(\/[A-Za-z0-9._-]+)+$/;

/**
 * Folders of the operating system that the env-file folder must not be: the
 * host makes that folder root's alone (mode 0700), which would lock every
 * other user and service out of these.
 */
const SYSTEM_FOLDERS: ReadonlySet<string> = new Set([
  '/',
  '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/media', '/mnt', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var',
  '/usr/bin', '/usr/include', '/usr/lib', '/usr/lib64', '/usr/libexec', '/usr/local', '/usr/sbin', '/usr/share', '/usr/src',
  '/var/cache', '/var/db', '/var/empty', '/var/lib', '/var/local', '/var/lock', '/var/log', '/var/mail', '/var/opt', '/var/run', '/var/spool', '/var/tmp',
]);

/** The kernel's file systems, in which no folder can hold the env-files. */
const KERNEL_FOLDERS = ['/dev', '/proc', '/sys'];

/**
 * Throws a `PropError` unless `directory` can be the host's env-file folder: an absolute,
 * normalized path without `.` or `..` segments, neither `/` nor a system
 * folder, nor inside the kernel's file systems.
 */
function checkEnvFileDirectory(owner: string, directory: string): void {
  const example = 'such as /etc/docker-host or /var/lib/docker-host';
  if (SYSTEM_FOLDERS.has(directory)) {
    throw new PropError(owner, 'envFileDirectory', `"${directory}" is a system folder, which the host would make root's alone (mode 0700); give a folder of its own, ${example}`);
  }
  if (!NORMALIZED_PATH.test(directory) || directory.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new PropError(
      owner,
      'envFileDirectory',
      'must be an absolute path of letters, digits, ".", "_", "-" and "/", normalized ' +
        `(no "." or ".." segment, no "//", no "/" at the end), ${example}, got "${directory}"`,
    );
  }
  const kernel = KERNEL_FOLDERS.find((folder) => directory.startsWith(`${folder}/`));
  if (kernel !== undefined) {
    throw new PropError(owner, 'envFileDirectory', `"${directory}" is inside ${kernel}, a file system of the kernel; give a folder of its own, ${example}`);
  }
}

/**
 * An EC2 instance that runs Docker containers: Amazon Linux 2023, IMDSv2
 * only (hop limit 1 unless a container needs the instance role), an
 * encrypted root volume, Session Manager instead of SSH, a security group
 * that opens each published port only to the ranges allowed for it, and a
 * creation policy, so the stack fails when the containers do not start.
 * The containers are `AWS::CloudFormation::Init` metadata that `cfn-hup`
 * applies in place: changing a container recreates only that container.
 *
 * @example
 * new DockerHost(this, 'Host', {
 *   ...network.placement(),
 *   containers: [{
 *     name: 'cache',
 *     image: 'memcached:1.6-alpine',
 *     command: ['memcached', '-m', '64'],
 *     memoryMiB: 96,
 *     ports: [{ hostPort: 11211, allowFrom: ['10.0.0.0/16'] }],
 *   }],
 * });
 */
export class DockerHost extends Construct {
  /** The EC2 instance that runs the containers. */
  public readonly instance: ec2.Instance;
  /** The security group of the host, with the egress rules and the first inbound rules. */
  public readonly securityGroup: ec2.SecurityGroup;
  /**
   * Every security group of the host: `securityGroup`, and more when the
   * published ports need more inbound rules than one group holds (60 per IP
   * version by default), up to the 5 a network interface takes.
   */
  public readonly securityGroups: ec2.SecurityGroup[];
  /** The log group of the containers that log with `awslogs` (the default), one stream per container. */
  public readonly logGroup: logs.LogGroup;
  /** The user data script; it names no container, so changing one never changes it. */
  public readonly userDataScript: string;

  constructor(scope: Construct, id: string, props: DockerHostProps) {
    super(scope, id);
    const owner = propOwner('DockerHost', this);
    validateContainers(owner, props.containers);
    const { containers } = props;
    const node = nodeSettings(owner, props);
    const envFileDirectory = props.envFileDirectory ?? DEFAULT_ENV_FILE_DIRECTORY;
    checkEnvFileDirectory(owner, envFileDirectory);
    const ecrRepositories = props.ecrRepositories ?? [];
    const signalTimeout = props.signalTimeout ?? Duration.minutes(15);
    const refresh = refreshSeconds(owner, props.refreshInterval);

    this.securityGroups = nodeSecurityGroups(this, owner, {
      vpc: props.vpc,
      description: 'Docker host: each published port open only to the ranges allowed for it',
      containers,
      containersProp: 'containers',
      egressCidrs: props.egressCidrs,
    });
    this.securityGroup = this.securityGroups[0];
    this.userDataScript = Lazy.string({
      produce: () =>
        renderDockerHostScript({
          stackName: Aws.STACK_NAME,
          resource: this.instance.instance.logicalId,
          region: Aws.REGION,
          packages: hostPackages(containers, ecrRepositories),
        }),
    });
    const machineImage = nodeImage(this, node);
    this.instance = new ec2.Instance(this, 'Instance', {
      ...nodeInstanceProps(node, machineImage, metadataHopLimit(containers.some((container) => container.needsInstanceRole))),
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroup: this.securityGroup,
      userData: ec2.UserData.custom(this.userDataScript),
      userDataCausesReplacement: false,
      resourceSignalTimeout: signalTimeout,
      disableApiTermination: props.terminationProtection ?? false,
      instanceName: props.instanceName,
    });
    for (const group of this.securityGroups.slice(1)) this.instance.addSecurityGroup(group);
    this.instance.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['cloudformation:DescribeStackResource', 'cloudformation:SignalResource'], resources: [Stack.of(this).stackId] }),
    );
    this.instance.addToRolePolicy(new iam.PolicyStatement({ actions: [...SESSION_MANAGER_ACTIONS], resources: ['*'] }));
    this.instance.addToRolePolicy(metricsStatement());
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH });
    if (containers.some((container) => (container.logging ?? ContainerLogging.awsLogs()).driver === 'awslogs')) {
      this.instance.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
      );
    }
    for (const repository of ecrRepositories) repository.grantPull(this.instance.role);

    const resolverValidSeconds = routerResolverValidSeconds(owner, props.routerResolverValid);
    this.applyContainers(props, { envFileDirectory, signalTimeout, refreshSeconds: refresh, resolverValidSeconds, secrets: this.containerSecrets(containers) });
    monitorHost(this, { instance: this.instance, containers, path: this.node.path }, props.monitoring);
    this.acknowledgeFindings(props.terminationProtection ?? false);
  }

  /** The host's private IP address. */
  public get privateIp(): string {
    return this.instance.instancePrivateIp;
  }

  /** A secret per container with secret variables, which the instance may read, by container name. */
  private containerSecrets(containers: readonly ContainerDefinition[]): Map<string, secretsmanager.CfnSecret> {
    const secrets = new Map<string, secretsmanager.CfnSecret>();
    for (const container of containers.filter((each) => secretEnvironmentContent(each) !== undefined)) {
      const secret = new secretsmanager.CfnSecret(this, `Secret${container.name.replace(/[^A-Za-z0-9]/g, '')}`, {
        description: `Secret variables of container ${container.name} on Docker host ${this.node.path}`,
        secretString: secretEnvironmentContent(container),
      });
      this.instance.addToRolePolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.ref] }));
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'The value is copied from a lookup or a construct prop on every deploy; rotate it where it comes from.',
      });
      secrets.set(container.name, secret);
    }
    return secrets;
  }

  /**
   * The containers as the instance's metadata, which cfn-init writes at boot
   * and cfn-hup after each update, and a wait condition named after their
   * digest and the text of the apply program and its env-file rules, which
   * the apply program signals once they run: a change of any container, or
   * of either program text, makes a new one, so every update waits for the
   * host again.
   */
  private applyContainers(props: DockerHostProps, options: ApplyOptions): void {
    const resource = Lazy.string({ produce: () => this.instance.instance.logicalId });
    const hostFile = {
      stackName: Aws.STACK_NAME,
      region: Aws.REGION,
      resource,
      envFileDirectory: options.envFileDirectory,
      startupGracePeriodSeconds: (props.startupGracePeriod ?? Duration.seconds(30)).toSeconds(),
      healthWaitSeconds: (props.healthCheckWait ?? Duration.minutes(5)).toSeconds(),
      resolverValidSeconds: options.resolverValidSeconds,
      containers: props.containers.map((container) =>
        toHostContainer(container, { logGroup: this.logGroup.logGroupName, region: Aws.REGION, secretArn: options.secrets.get(container.name)?.ref }),
      ),
    };
    const applyId = createHash('sha256')
      .update(JSON.stringify(Stack.of(this).resolve(hostFile)))
      .update(APPLY_SOURCE)
      .update(ENV_FILE_SOURCE)
      .digest('hex')
      .slice(0, 12);
    const handle = new CfnWaitConditionHandle(this, `Applied${applyId}Handle`);
    const applied = new CfnWaitCondition(this, `Applied${applyId}`, { handle: handle.ref, timeout: String(options.signalTimeout.toSeconds()), count: 1 });
    applied.node.addDependency(this.instance);
    new ChangePush(this, 'ChangePush', {
      waitCondition: applied,
      changeId: applyId,
      target: { instanceId: this.instance.instanceId },
      command: `${APPLY_PROGRAM} --update`,
      nodes: `Docker host ${this.node.path}`,
    });
    this.instance.instance.addMetadata(
      'AWS::CloudFormation::Init',
      initMetadata({
        hostFile: { ...hostFile, waitHandle: handle.ref, applyId },
        resource,
        refreshSeconds: options.refreshSeconds,
        registries: (props.ecrRepositories ?? []).map((repository) => Fn.select(0, Fn.split('/', repository.repositoryUri))),
      }),
    );
  }

  private acknowledgeFindings(terminationProtection: boolean): void {
    Validations.of(this.instance).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Session Manager, which replaces SSH on the host: ssm:UpdateInstanceInformation and the ssmmessages channel actions support no resource-level permissions. No parameter, document or association is readable. ECR GetAuthorizationToken (only with ecrRepositories) has no resource either, nor has CloudWatch PutMetricData, with which the host publishes its containers\' state and the CloudWatch agent its memory and disk use: conditions hold it to the namespaces of the host\'s own metrics (DockerNodes, CWAgent).',
    });
    if (!terminationProtection) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-EC29',
        reason:
          'Termination protection is off (terminationProtection): a new AMI, instance type or volume replaces the host, which a protected instance would block.',
      });
    }
  }
}

/**
 * What the host applies its containers with: where the env-files go, how long CloudFormation waits, how long the router
 * keeps an address, the secrets by container.
 */
interface ApplyOptions {
  readonly envFileDirectory: string;
  readonly signalTimeout: Duration;
  /** Seconds between two refreshes; 0 when the refresh is off. */
  readonly refreshSeconds: number;
  readonly resolverValidSeconds: number;
  readonly secrets: ReadonlyMap<string, secretsmanager.CfnSecret>;
}

/**
 * The router's `resolverValid` in whole seconds, which the host waits out
 * before it stops a container replaced start-first; throws a `PropError`
 * unless it is a whole number of seconds from 1, as the router takes it.
 */
function routerResolverValidSeconds(owner: string, resolverValid: Duration | undefined): number {
  const seconds = resolverValid?.toSeconds({ integral: false }) ?? ROUTER_DEFAULTS.resolverValidSeconds;
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new PropError(owner, 'routerResolverValid', `must be a whole number of seconds from 1, the router's resolverValid, got ${seconds}`);
  }
  return seconds;
}

/**
 * How the host replaces a changed container. start-first, the new container
 * beside the old one, for a container on a network that publishes no host
 * port (two containers cannot bind one port) and mounts no volume (two
 * containers would write the same files): an app the router, or another
 * container, reaches by its name. stop-first, the old one removed before
 * the new one starts, for every other.
 */
function updateOrder(container: ContainerDefinition): 'start-first' | 'stop-first' {
  const reachedByName = container.network !== undefined && (container.ports ?? []).length === 0 && (container.volumes ?? []).length === 0;
  return reachedByName ? 'start-first' : 'stop-first';
}

/**
 * Packages the user data installs besides Docker: the AWS CLI to read
 * secrets, the ECR credential helper to pull from private repositories.
 * cfn-init installs the AWS CLI on every host (the metric publisher calls
 * it); the user data keeps installing it for hosts with secrets as it always
 * has, so that their user data, and with it their instances, stay as deployed.
 */
function hostPackages(containers: readonly ContainerDefinition[], ecrRepositories: readonly ecr.IRepository[]): string[] {
  return [
    ...(containers.some((container) => secretEnvironmentContent(container) !== undefined) ? ['awscli-2'] : []),
    ...(ecrRepositories.length > 0 ? ['amazon-ecr-credential-helper'] : []),
  ];
}

/** Where a container's secrets and awslogs output go. */
interface HostContainerContext {
  readonly logGroup: string;
  readonly region: string;
  readonly secretArn?: string;
}

/** A container as the apply program reads it from the host file. */
function toHostContainer(container: ContainerDefinition, context: HostContainerContext): Record<string, unknown> {
  const logging = container.logging ?? ContainerLogging.awsLogs();
  return {
    name: container.name,
    image: container.image,
    // Left out unless ALWAYS, so the definition, and with it the container, of every other container stays as it was.
    pull: container.pull === PullPolicy.ALWAYS ? PullPolicy.ALWAYS : undefined,
    command: container.command ?? [],
    restart: container.restart ?? RestartPolicy.ALWAYS,
    memoryMiB: container.memoryMiB,
    cpus: container.cpus,
    user: container.user,
    readOnlyRootFilesystem: container.readOnlyRootFilesystem,
    ports: (container.ports ?? []).map((port) => ({
      hostPort: port.hostPort,
      containerPort: port.containerPort ?? port.hostPort,
      protocol: port.protocol ?? PortProtocol.TCP,
    })),
    volumes: (container.volumes ?? []).map((volume) => `${volume.source}:${volume.containerPath}${volume.readOnly ? ':ro' : ''}`),
    logging: {
      driver: logging.driver,
      options:
        logging.driver === 'awslogs'
          ? { 'awslogs-group': context.logGroup, 'awslogs-region': context.region, 'awslogs-stream': container.name }
          : logging.options,
    },
    healthCheck: container.healthCheck && healthCheckSettings(container.healthCheck),
    environmentFile: container.environmentFile,
    environment: container.environment,
    secretArn: context.secretArn,
    network: container.network,
    files: container.files ?? [],
    reload: container.reload,
    updateOrder: updateOrder(container),
  };
}

interface InitOptions {
  readonly hostFile: Record<string, unknown>;
  readonly resource: string;
  readonly refreshSeconds: number;
  readonly registries: readonly string[];
}

/**
 * The instance's `AWS::CloudFormation::Init`: every file cfn-init writes,
 * deploy-time values included, is content of the metadata, so no shell reads
 * a byte of it. `cfn-hup` runs the apply program when the metadata changes;
 * the refresh timer runs it with `--refresh` in between. cfn-init also
 * installs the AWS CLI and starts the timer of the metric publisher, at boot
 * and after each update, so a host deployed before the publisher gets both
 * with the update that brings it.
 */
function initMetadata(options: InitOptions): Record<string, unknown> {
  const refresh = refreshTimer({
    name: 'docker-host-refresh',
    description: 'Docker host: applies rotated secrets and moved image tags to the containers',
    command: `${APPLY_PROGRAM} --refresh`,
    after: 'network-online.target docker.service',
    intervalSeconds: options.refreshSeconds,
  });
  const files: Record<string, unknown> = {
    '/etc/docker-host/host.json': initFile(options.hostFile),
    [APPLY_PROGRAM]: initFile(APPLY_SOURCE, '000700'),
    [ENV_FILE_MODULE]: initFile(ENV_FILE_SOURCE),
    ...Object.fromEntries(
      cfnHupFiles({
        hook: 'docker-host',
        hookFile: 'docker-host.conf',
        resource: options.resource,
        action: `${APPLY_PROGRAM} --update`,
        description: 'cfn-hup: applies changes of the CloudFormation metadata',
        after: 'network-online.target docker.service',
        configMode: '000400',
        unitMode: '000644',
      }),
    ),
    ...Object.fromEntries(refresh.files),
    ...metricsTimerFiles(METRICS_TIMER),
  };
  if (options.registries.length > 0) files['/root/.docker/config.json'] = initFile(dockerCredentialConfig(options.registries));
  return { config: { packages: { yum: { 'awscli-2': [] } }, files, services: metricsTimerService(METRICS_TIMER), commands: refresh.commands } };
}

/**
 * Docker's `config.json` naming the ECR credential helper for each registry,
 * as JSON text: a registry is known only at deploy time (it holds the
 * repository's account and region), so it cannot be a key of an object the
 * template holds. An ECR registry name is letters, digits, "." and "-", so
 * it stands in JSON as it is.
 */
function dockerCredentialConfig(registries: readonly string[]): string {
  const entries = registries.flatMap((registry, i) => [i === 0 ? '"' : ',"', registry, '":"ecr-login"']);
  return Fn.join('', ['{"credHelpers":{', ...entries, '}}']);
}
