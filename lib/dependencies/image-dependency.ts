import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { contract } from '../../contracts/image-dependency/contract';
import { PropError } from '../errors';
import { childOwner, Dependency, requireText, type DependencyProps } from './dependency';

/** Properties of a `ImageDependency`. */
export interface ImageDependencyProps extends DependencyProps {
  /** AMI name; `*` and `?` are wildcards, such as `al2023-ami-2023.*-kernel-*-arm64`. */
  readonly imageName: string;
  /**
   * Account ids, or `self`, `amazon`, `aws-marketplace`, `aws-backup-vault`, whose images count.
   *
   * @default ['self', 'amazon'] - never an image that any stranger could publish under a matching name
   */
  readonly owners?: string[];
  /**
   * Only images of this architecture, such as `x86_64` or `arm64`.
   *
   * @default - any architecture
   */
  readonly architecture?: string;
}

/**
 * Looks up the newest available AMI whose name matches, at deploy time.
 *
 * @example
 * const image = new ImageDependency(this, 'Image', {
 *   imageName: 'al2023-ami-2023.*-kernel-*-arm64',
 *   owners: ['amazon'],
 * });
 * new ec2.Instance(this, 'Host', { machineImage: image.toMachineImage(), vpc, instanceType });
 */
export class ImageDependency extends Dependency {
  /**
   * The newest Amazon Linux 2023 AMI owned by Amazon for the instance type's
   * architecture, looked up at deploy time: the default image of Docker hosts
   * and swarm nodes.
   */
  public static amazonLinux2023(scope: Construct, id: string, instanceType: ec2.InstanceType): ImageDependency {
    const architecture = instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'x86_64';
    return new ImageDependency(scope, id, {
      imageName: `al2023-ami-2023.*-kernel-*-${architecture}`,
      owners: ['amazon'],
      architecture,
    });
  }

  constructor(scope: Construct, id: string, props: ImageDependencyProps) {
    const owner = childOwner(contract.id, scope, id);
    requireText(owner, 'imageName', props.imageName);
    if (props.owners !== undefined && !Token.isUnresolved(props.owners)) {
      if (props.owners.length === 0) throw new PropError(owner, 'owners', 'must name at least one owner, or be left out');
    }
    super(
      scope,
      id,
      contract.resourceType,
      { ImageName: props.imageName, Owners: props.owners, Architecture: props.architecture },
      props,
    );
  }

  /** The AMI id, such as `ami-0abc1234`. */
  public get imageId(): string {
    return this.attribute('ImageId');
  }

  /** The AMI name. */
  public get imageName(): string {
    return this.attribute('Name');
  }

  /** The AMI's description. */
  public get description(): string {
    return this.attribute('Description');
  }

  /** The AMI's location, `<owner>/<name>`. */
  public get imageLocation(): string {
    return this.attribute('ImageLocation');
  }

  /** Always `available`: other images do not count. */
  public get state(): string {
    return this.attribute('State');
  }

  /** The account id of the owner. */
  public get ownerId(): string {
    return this.attribute('OwnerId');
  }

  /** When the AMI was created, ISO 8601. */
  public get creationDate(): string {
    return this.attribute('CreationDate');
  }

  /** `true` for a public image. */
  public get isPublic(): string {
    return this.attribute('Public');
  }

  /** Such as `x86_64` or `arm64`. */
  public get architecture(): string {
    return this.attribute('Architecture');
  }

  /** Such as `machine`. */
  public get imageType(): string {
    return this.attribute('ImageType');
  }

  /** Such as `simple`, when enhanced networking is on. */
  public get sriovNetSupport(): string {
    return this.attribute('SriovNetSupport');
  }

  /** `ebs` or `instance-store`. */
  public get rootDeviceType(): string {
    return this.attribute('RootDeviceType');
  }

  /** Such as `/dev/xvda`. */
  public get rootDeviceName(): string {
    return this.attribute('RootDeviceName');
  }

  /** `hvm` or `paravirtual`. */
  public get virtualizationType(): string {
    return this.attribute('VirtualizationType');
  }

  /** `xen` or `nitro`. */
  public get hypervisor(): string {
    return this.attribute('Hypervisor');
  }

  /** The AMI's tags as `key=value` pairs, comma-separated. */
  public get tags(): string {
    return this.attribute('Tags');
  }

  /** How many available images matched the name. */
  public get matchCount(): string {
    return this.attribute('MatchCount');
  }

  /**
   * The image as an `IMachineImage` for `ec2.Instance` and launch templates:
   * a Linux image, with empty Linux user data.
   */
  public toMachineImage(): ec2.IMachineImage {
    const imageId = this.imageId;
    return {
      getImage: () => ({ imageId, osType: ec2.OperatingSystemType.LINUX, userData: ec2.UserData.forLinux() }),
    };
  }
}
