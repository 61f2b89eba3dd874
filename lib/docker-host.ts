import { Aws, Duration, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ImageDependency } from './dependencies';
import { renderDockerHostScript, type ScriptContainer } from './docker-host-script';

const RESTART_POLICIES = ['always', 'unless-stopped', 'on-failure'] as const;

/** What Docker does when a container exits (`docker run --restart`). */
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

/** A container port published on the host. */
export interface PortMapping {
  /** Port on the host; the security group opens it to `allowFrom` only. */
  readonly hostPort: number;
  /**
   * Port inside the container.
   *
   * @default - the same as `hostPort`
   */
  readonly containerPort?: number;
  /**
   * `tcp` or `udp`.
   *
   * @default 'tcp'
   */
  readonly protocol?: 'tcp' | 'udp';
  /** IPv4 or IPv6 CIDR ranges that may connect to `hostPort`, such as `10.0.1.0/24`. */
  readonly allowFrom: readonly string[];
}

/** One container the host runs. */
export interface ContainerDefinition {
  /** Container name: a letter or digit, then letters, digits, `_`, `.` or `-`. */
  readonly name: string;
  /** Image to run, such as `memcached:1.6-alpine`. */
  readonly image: string;
  /**
   * Command and arguments after the image.
   *
   * @default - the image's own command
   */
  readonly command?: readonly string[];
  /**
   * Ports to publish.
   *
   * @default - none
   */
  readonly ports?: readonly PortMapping[];
  /**
   * Memory limit in MiB (`docker run --memory`).
   *
   * @default - no limit
   */
  readonly memoryMiB?: number;
  /**
   * What Docker does when the container exits, also after the host reboots.
   *
   * @default 'always'
   */
  readonly restart?: RestartPolicy;
  /**
   * Env-file content: `KEY=value` lines, such as `StackDependency.environment`
   * (another stack's outputs).
   *
   * @default - no lines besides `environment`
   */
  readonly environmentFile?: string;
  /**
   * More variables, written after `environmentFile`, so they win over
   * variables of the same name there. Values may be deploy-time values but
   * must not contain line breaks.
   *
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
}

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
  readonly containers: readonly ContainerDefinition[];
  /**
   * How long CloudFormation waits for the host to report that its containers started.
   *
   * @default Duration.minutes(15)
   */
  readonly signalTimeout?: Duration;
  /**
   * Directory on the host for the env-files, `<name>.env` each, mode 0600.
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
   * The instance's `Name` tag.
   *
   * @default - the construct path
   */
  readonly instanceName?: string;
}

const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]*$/;

/**
 * An EC2 instance that runs Docker containers: Amazon Linux 2023, IMDSv2
 * only, an encrypted root volume, Session Manager instead of SSH, a security
 * group that opens each published port only to the ranges allowed for it,
 * and a creation policy, so the stack fails when the containers do not start.
 * Changing a container replaces the host.
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
  public readonly instance: ec2.Instance;
  public readonly securityGroup: ec2.SecurityGroup;
  /** The user data script; deploy-time values in it are tokens. */
  public readonly userDataScript: string;

  constructor(scope: Construct, id: string, props: DockerHostProps) {
    super(scope, id);
    validateContainers(this, props.containers);
    const { containers } = props;
    const volumeSize = props.volumeSize ?? 20;
    if (!Number.isInteger(volumeSize) || volumeSize < 8 || volumeSize > 16384) {
      throw new Error(`DockerHost ${this.node.path}: volumeSize must be a whole number of GiB from 8 to 16384, got ${volumeSize}`);
    }
    const envFileDirectory = props.envFileDirectory ?? '/etc/docker-host';
    if (!ABSOLUTE_PATH.test(envFileDirectory)) {
      throw new Error(`DockerHost ${this.node.path}: envFileDirectory must be an absolute path of letters, digits, ".", "_", "-" and "/", got "${envFileDirectory}"`);
    }
    const instanceType = props.instanceType ?? new ec2.InstanceType('t4g.small');

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Docker host: each published port open only to the ranges allowed for it',
      allowAllOutbound: true,
    });
    for (const container of containers) {
      for (const port of container.ports ?? []) {
        for (const cidr of port.allowFrom) {
          this.securityGroup.addIngressRule(
            peer(cidr),
            port.protocol === 'udp' ? ec2.Port.udp(port.hostPort) : ec2.Port.tcp(port.hostPort),
            `${container.name} ${port.hostPort}/${port.protocol ?? 'tcp'} from ${cidr}`,
          );
        }
      }
    }

    this.userDataScript = Lazy.string({
      produce: () =>
        renderDockerHostScript({
          envFileDirectory,
          stackName: Aws.STACK_NAME,
          resource: this.instance.instance.logicalId,
          region: Aws.REGION,
          containers: containers.map(toScriptContainer),
        }),
    });

    this.instance = new ec2.Instance(this, 'Instance', {
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      instanceType,
      machineImage: props.machineImage ?? amazonLinux(this, instanceType),
      securityGroup: this.securityGroup,
      userData: ec2.UserData.custom(this.userDataScript),
      userDataCausesReplacement: true,
      ssmSessionPermissions: true,
      httpTokens: ec2.HttpTokens.REQUIRED,
      httpPutResponseHopLimit: 2,
      blockDevices: [
        {
          deviceName: props.rootDeviceName ?? '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(volumeSize, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
        },
      ],
      resourceSignalTimeout: props.signalTimeout ?? Duration.minutes(15),
      detailedMonitoring: true,
      disableApiTermination: props.terminationProtection ?? false,
      instanceName: props.instanceName,
    });
    this.instance.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['cloudformation:SignalResource'], resources: [Stack.of(this).stackId] }),
    );

    Validations.of(this.instance).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'AmazonSSMManagedInstanceCore is the AWS-maintained minimum for Session Manager, which replaces SSH on the host.',
    });
    if (!props.terminationProtection) {
      Validations.of(this.instance).acknowledge({
        id: 'AwsSolutions-EC29',
        reason:
          'Termination protection is off (terminationProtection) because changing a container replaces the host, which a protected instance would block.',
      });
    }
  }

  /** The host's private IP address. */
  public get privateIp(): string {
    return this.instance.instancePrivateIp;
  }
}

function amazonLinux(scope: Construct, instanceType: ec2.InstanceType): ec2.IMachineImage {
  const architecture = instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'x86_64';
  return new ImageDependency(scope, 'Image', {
    imageName: `al2023-ami-2023.*-kernel-*-${architecture}`,
    owners: ['amazon'],
    architecture,
  }).toMachineImage();
}

function peer(cidr: string): ec2.IPeer {
  return !Token.isUnresolved(cidr) && cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
}

function toScriptContainer(container: ContainerDefinition): ScriptContainer {
  const variables = Object.entries(container.environment ?? {}).map(([key, value]) => `${key}=${value}`);
  const lines = container.environmentFile === undefined ? variables : [container.environmentFile, ...variables];
  return {
    name: container.name,
    image: container.image,
    command: container.command ?? [],
    restart: container.restart ?? 'always',
    memoryMiB: container.memoryMiB,
    ports: (container.ports ?? []).map((port) => ({
      hostPort: port.hostPort,
      containerPort: port.containerPort ?? port.hostPort,
      protocol: port.protocol ?? 'tcp',
    })),
    envFile: lines.length > 0 ? lines.join('\n') : undefined,
  };
}

function validateContainers(host: Construct, containers: readonly ContainerDefinition[]): void {
  const owner = `DockerHost ${host.node.path}`;
  if (containers.length === 0) throw new Error(`${owner}: containers must list at least one container`);
  const names = new Set<string>();
  const published = new Map<string, string>();
  containers.forEach((container, i) => {
    const at = `${owner}: containers[${i}]`;
    if (!CONTAINER_NAME.test(container.name)) {
      throw new Error(`${at}.name must be a letter or digit, then letters, digits, "_", "." or "-", got "${container.name}"`);
    }
    if (names.has(container.name)) throw new Error(`${at}.name "${container.name}" is already the name of another container`);
    names.add(container.name);
    if (!Token.isUnresolved(container.image) && !/^\S+$/.test(container.image)) {
      throw new Error(`${at}.image must be an image name without spaces, such as memcached:1.6-alpine, got "${container.image}"`);
    }
    if (container.memoryMiB !== undefined && (!Number.isInteger(container.memoryMiB) || container.memoryMiB < 6)) {
      throw new Error(`${at}.memoryMiB must be a whole number of MiB from 6 (Docker's least), got ${container.memoryMiB}`);
    }
    if (container.restart !== undefined && !RESTART_POLICIES.includes(container.restart)) {
      throw new Error(`${at}.restart must be always, unless-stopped or on-failure, got "${container.restart}"`);
    }
    (container.ports ?? []).forEach((port, j) => {
      const portAt = `${at}.ports[${j}]`;
      for (const [name, value] of [['hostPort', port.hostPort], ['containerPort', port.containerPort ?? port.hostPort]] as const) {
        if (!Number.isInteger(value) || value < 1 || value > 65535) {
          throw new Error(`${portAt}.${name} must be a whole number from 1 to 65535, got ${value}`);
        }
      }
      if (port.hostPort === 22) throw new Error(`${portAt}.hostPort 22 is refused: the host has no SSH, and port 22 is not for containers either`);
      const protocol = port.protocol ?? 'tcp';
      if (protocol !== 'tcp' && protocol !== 'udp') throw new Error(`${portAt}.protocol must be tcp or udp, got "${protocol}"`);
      const key = `${port.hostPort}/${protocol}`;
      const holder = published.get(key);
      if (holder) throw new Error(`${portAt}.hostPort ${key} is already published by container ${holder}`);
      published.set(key, container.name);
      if (port.allowFrom.length === 0) throw new Error(`${portAt}.allowFrom must list at least one CIDR range`);
      for (const cidr of port.allowFrom) {
        if (!Token.isUnresolved(cidr) && !isCidr(cidr)) {
          throw new Error(`${portAt}.allowFrom must hold CIDR ranges such as 10.0.1.0/24, got "${cidr}"`);
        }
      }
    });
    if (container.environmentFile !== undefined && !Token.isUnresolved(container.environmentFile)) {
      const bad = container.environmentFile.split('\n').find((line) => line.trim() !== '' && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(line));
      if (bad !== undefined) throw new Error(`${at}.environmentFile must hold KEY=value lines, got "${bad}"`);
    }
    for (const [key, value] of Object.entries(container.environment ?? {})) {
      if (!ENV_NAME.test(key)) throw new Error(`${at}.environment name "${key}" must be letters, digits and "_", not starting with a digit`);
      if (!Token.isUnresolved(value) && /[\r\n]/.test(value)) {
        throw new Error(`${at}.environment ${key} must not contain a line break, which an env-file cannot hold`);
      }
    }
  });
}

function isCidr(value: string): boolean {
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (ipv4) return ipv4.slice(1, 5).every((octet) => Number(octet) <= 255) && Number(ipv4[5]) <= 32;
  const ipv6 = /^[0-9a-fA-F:]+\/(\d{1,3})$/.exec(value);
  return ipv6 !== null && value.includes(':') && Number(ipv6[1]) <= 128;
}
