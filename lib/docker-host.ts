import { Aws, Duration, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ImageDependency } from './dependencies';
import { environmentFileContent, isCidr, PortProtocol, RestartPolicy, validateContainers, type ContainerDefinition } from './containers';
import { renderDockerHostScript, type ScriptContainer } from './docker-host-script';

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
}

const ABSOLUTE_PATH = /^\/[A-Za-z0-9._/-]*$/;

/**
 * What the SSM agent needs for Session Manager and no more: unlike
 * AmazonSSMManagedInstanceCore, no `ssm:GetParameter(s)` on every parameter,
 * no documents, no associations.
 */
const SESSION_MANAGER_ACTIONS = [
  'ssm:UpdateInstanceInformation',
  'ssmmessages:CreateControlChannel',
  'ssmmessages:CreateDataChannel',
  'ssmmessages:OpenControlChannel',
  'ssmmessages:OpenDataChannel',
];

/**
 * An EC2 instance that runs Docker containers: Amazon Linux 2023, IMDSv2
 * only (hop limit 1 unless a container needs the instance role), an encrypted root volume, Session Manager instead of SSH, a security
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
    validateContainers(`DockerHost ${this.node.path}`, props.containers);
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
      allowAllOutbound: props.egressCidrs === undefined,
    });
    for (const cidr of props.egressCidrs ?? []) {
      if (!Token.isUnresolved(cidr) && !isCidr(cidr)) {
        throw new Error(`DockerHost ${this.node.path}: egressCidrs must hold CIDR ranges such as 10.0.0.0/16, got "${cidr}"`);
      }
      this.securityGroup.addEgressRule(peer(cidr), ec2.Port.tcp(443), `HTTPS to ${cidr}`);
    }
    for (const container of containers) {
      for (const port of container.ports ?? []) {
        for (const cidr of port.allowFrom) {
          this.securityGroup.addIngressRule(
            peer(cidr),
            port.protocol === PortProtocol.UDP ? ec2.Port.udp(port.hostPort) : ec2.Port.tcp(port.hostPort),
            `${container.name} ${port.hostPort}/${port.protocol ?? PortProtocol.TCP} from ${cidr}`,
          );
        }
        for (const group of port.allowFromSecurityGroups ?? []) {
          this.securityGroup.addIngressRule(
            ec2.Peer.securityGroupId(group),
            port.protocol === PortProtocol.UDP ? ec2.Port.udp(port.hostPort) : ec2.Port.tcp(port.hostPort),
            `${container.name} ${port.hostPort}/${port.protocol ?? PortProtocol.TCP} from a security group`,
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
      httpTokens: ec2.HttpTokens.REQUIRED,
      httpPutResponseHopLimit: containers.some((container) => container.needsInstanceRole) ? 2 : 1,
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

    this.instance.addToRolePolicy(
      new iam.PolicyStatement({ actions: SESSION_MANAGER_ACTIONS, resources: ['*'] }),
    );
    Validations.of(this.instance).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Session Manager, which replaces SSH on the host: ssm:UpdateInstanceInformation and the ssmmessages channel actions support no resource-level permissions. No parameter, document or association is readable.',
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
  return {
    name: container.name,
    image: container.image,
    command: container.command ?? [],
    restart: container.restart ?? RestartPolicy.ALWAYS,
    memoryMiB: container.memoryMiB,
    ports: (container.ports ?? []).map((port) => ({
      hostPort: port.hostPort,
      containerPort: port.containerPort ?? port.hostPort,
      protocol: port.protocol ?? PortProtocol.TCP,
    })),
    envFile: environmentFileContent(container),
    network: container.network,
    files: container.files ?? [],
  };
}
