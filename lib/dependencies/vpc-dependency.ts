import { Fn, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { contract } from '../../contracts/vpc-dependency/contract';
import { PropError } from '../errors';
import { childOwner, Dependency, requireIndex, requireText, type DependencyProps } from './dependency';

/** Properties of a `VpcDependency`. */
export interface VpcDependencyProps extends DependencyProps {
  /** Value of the VPC's `Name` tag, `default` for the account's default VPC, or a `vpc-` id. */
  readonly vpcName: string;
  /**
   * Only the default subnet of each availability zone.
   *
   * @default false
   */
  readonly onlyDefaultSubnets?: boolean;
}

/** Options for `VpcDependency.toVpc`. */
export interface ToVpcOptions {
  /**
   * How many of the VPC's subnets to use, in the lookup's order (by
   * availability zone, then id). The VPC must have at least this many
   * subnets when the stack deploys, or the deployment fails.
   */
  readonly subnetCount: number;
}

/** Where an instance goes: a VPC and one of its subnets. */
export interface VpcPlacement {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** The subnet the instance goes into. */
  readonly vpcSubnets: ec2.SubnetSelection;
}

/**
 * Looks up a VPC and its subnets by the VPC's `Name` tag at deploy time.
 *
 * @example
 * const network = new VpcDependency(this, 'Vpc', { vpcName: 'main' });
 * new ec2.Instance(this, 'Host', { vpc: network.toVpc({ subnetCount: 2 }), instanceType, machineImage });
 */
export class VpcDependency extends Dependency {
  private imported?: Map<number, ec2.IVpc>;

  constructor(scope: Construct, id: string, props: VpcDependencyProps) {
    requireText(childOwner(contract.id, scope, id), 'vpcName', props.vpcName);
    super(
      scope,
      id,
      contract.resourceType,
      { VpcName: props.vpcName, OnlyDefaultSubnets: props.onlyDefaultSubnets },
      props,
    );
  }

  /** The VPC id, such as `vpc-0abc1234`. */
  public get vpcId(): string {
    return this.attribute('VpcId');
  }

  /** The VPC's state, such as `available`. */
  public get state(): string {
    return this.attribute('State');
  }

  /** The VPC's primary IPv4 CIDR block. */
  public get cidrBlock(): string {
    return this.attribute('CidrBlock');
  }

  /** The id of the VPC's DHCP options set. */
  public get dhcpOptionsId(): string {
    return this.attribute('DhcpOptionsId');
  }

  /** `default` or `dedicated`. */
  public get instanceTenancy(): string {
    return this.attribute('InstanceTenancy');
  }

  /** `true` for the account's default VPC. */
  public get isDefault(): string {
    return this.attribute('IsDefault');
  }

  /** The subnet ids, comma-separated, sorted by availability zone, then id. */
  public get subnetIds(): string {
    return this.attribute('SubnetIds');
  }

  /** The availability zone of each subnet, comma-separated, in the order of `subnetIds`. */
  public get availabilityZones(): string {
    return this.attribute('AvailabilityZones');
  }

  /** How many subnets were found. */
  public get subnetCount(): string {
    return this.attribute('SubnetCount');
  }

  /** The id of the subnet at `index` in `subnetIds`. */
  public subnetId(index: number): string {
    return this.attribute(`SubnetId${this.subnetIndex('subnetId', index)}`);
  }

  /**
   * The VPC as an `IVpc` with its first `subnetCount` subnets, for
   * `ec2.Instance`, `ec2.SecurityGroup` and other constructs that take a VPC.
   */
  public toVpc(options: ToVpcOptions): ec2.IVpc {
    const count = options.subnetCount;
    if (!Number.isInteger(count) || count < 1) {
      throw new PropError(this.owner, 'toVpc.subnetCount', `must be a whole number from 1, got ${count}`);
    }
    this.imported ??= new Map();
    let vpc = this.imported.get(count);
    if (!vpc) {
      vpc = ec2.Vpc.fromVpcAttributes(this, count === 1 ? 'Vpc' : `Vpc${count}Subnets`, {
        vpcId: this.vpcId,
        vpcCidrBlock: this.cidrBlock,
        availabilityZones: Fn.split(',', this.availabilityZones, count),
        privateSubnetIds: Fn.split(',', this.subnetIds, count),
      });
      Validations.of(vpc).acknowledge({
        id: 'Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId',
        reason: 'The lookup does not answer route tables, so constructs that need them cannot use this VPC.',
      });
      this.imported.set(count, vpc);
    }
    return vpc;
  }

  /**
   * `vpc` and `vpcSubnets` that put an instance into the subnet at `index` in
   * `subnetIds`, to spread into the props of `ec2.Instance` or `DockerHost`.
   */
  public placement(index = 0): VpcPlacement {
    const vpc = this.toVpc({ subnetCount: this.subnetIndex('placement', index) + 1 });
    return { vpc, vpcSubnets: { subnets: [vpc.privateSubnets[index]] } };
  }

  /** `index` of `method`'s argument, checked. */
  private subnetIndex(method: string, index: number): number {
    return requireIndex(this.owner, `${method}.index`, 'a subnet index', index);
  }
}
