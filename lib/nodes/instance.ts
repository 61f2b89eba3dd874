import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { ImageDependency } from '../dependencies';
import { PropError } from '../errors';

/** What a construct's props say about its nodes' instances. */
export interface NodeProps {
  /** @default t4g.small */
  readonly instanceType?: ec2.InstanceType;
  /** @default - the newest Amazon Linux 2023 AMI owned by Amazon for the instance type's architecture */
  readonly machineImage?: ec2.IMachineImage;
  /** @default 20 */
  readonly volumeSize?: number;
  /** @default '/dev/xvda' */
  readonly rootDeviceName?: string;
}

/** The defaults of every node: a small Graviton instance, a 20 GiB root volume on Amazon Linux's device. */
export const NODE_DEFAULTS = {
  instanceType: 't4g.small',
  volumeSize: 20,
  rootDeviceName: '/dev/xvda',
} as const;

/** The sizes of a gp3 volume in GiB: the least Amazon Linux boots from, and the most EBS gives. */
const VOLUME_SIZES = { min: 8, max: 16384 } as const;

/** A construct's nodes, their defaults filled in and checked. */
export interface NodeSettings {
  readonly instanceType: ec2.InstanceType;
  readonly machineImage?: ec2.IMachineImage;
  readonly volumeSize: number;
  readonly rootDeviceName: string;
}

/** The nodes' settings from the construct's props; throws a `PropError` when the volume size is out of range. */
export function nodeSettings(owner: string, props: NodeProps): NodeSettings {
  const volumeSize = props.volumeSize ?? NODE_DEFAULTS.volumeSize;
  if (!Number.isInteger(volumeSize) || volumeSize < VOLUME_SIZES.min || volumeSize > VOLUME_SIZES.max) {
    throw new PropError(owner, 'volumeSize', `must be a whole number of GiB from ${VOLUME_SIZES.min} to ${VOLUME_SIZES.max}, got ${volumeSize}`);
  }
  return {
    instanceType: props.instanceType ?? new ec2.InstanceType(NODE_DEFAULTS.instanceType),
    machineImage: props.machineImage,
    volumeSize,
    rootDeviceName: props.rootDeviceName ?? NODE_DEFAULTS.rootDeviceName,
  };
}

/**
 * The nodes' image: the one given, or the newest Amazon Linux 2023 AMI for
 * the instance type's architecture, looked up at deploy time by an
 * `ImageDependency` with the id `Image` in `scope`.
 */
export function nodeImage(scope: Construct, settings: NodeSettings): ec2.IMachineImage {
  return settings.machineImage ?? ImageDependency.amazonLinux2023(scope, 'Image', settings.instanceType).toMachineImage();
}

/** The encrypted gp3 root volume of every node. */
function rootVolume(settings: NodeSettings): ec2.BlockDevice[] {
  return [
    {
      deviceName: settings.rootDeviceName,
      volume: ec2.BlockDeviceVolume.ebs(settings.volumeSize, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }),
    },
  ];
}

/**
 * The hop limit of the instance metadata service: 1 keeps it to the node
 * itself; 2 lets a container on a Docker network reach it, for one that
 * needs the instance role.
 */
export function metadataHopLimit(containersNeedInstanceRole: boolean): number {
  return containersNeedInstanceRole ? 2 : 1;
}

/** An instance's props for a node: type, image, root volume, IMDSv2 only, detailed monitoring. */
export function nodeInstanceProps(settings: NodeSettings, machineImage: ec2.IMachineImage, hopLimit: number) {
  return {
    instanceType: settings.instanceType,
    machineImage,
    httpTokens: ec2.HttpTokens.REQUIRED,
    httpPutResponseHopLimit: hopLimit,
    blockDevices: rootVolume(settings),
    detailedMonitoring: true,
  } satisfies Partial<ec2.InstanceProps>;
}

/** A launch template's props for a node, as `nodeInstanceProps`, with an instance type of its own. */
export function nodeLaunchTemplateProps(settings: NodeSettings, machineImage: ec2.IMachineImage, instanceType: ec2.InstanceType, hopLimit: number) {
  return {
    instanceType,
    machineImage,
    requireImdsv2: true,
    httpPutResponseHopLimit: hopLimit,
    detailedMonitoring: true,
    blockDevices: rootVolume(settings),
  } satisfies Partial<ec2.LaunchTemplateProps>;
}
