import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { contract } from '../../contracts/route53-dependency/contract';
import { PropError } from '../errors';
import { childOwner, Dependency, type DependencyProps } from './dependency';

/** Properties of a `Route53Dependency`. */
export interface Route53DependencyProps extends DependencyProps {
  /** Name of the hosted zone, such as `example.com`; a trailing dot and any case are fine. */
  readonly domainName: string;
  /**
   * `true` for the private zone of that name, `false` for the public one. Needed
   * when both a public and a private zone carry the name.
   *
   * @default - whichever kind of zone carries the name, or private when `vpcId` is given
   */
  readonly privateZone?: boolean;
  /**
   * The private zone of that name associated with this VPC, such as `vpc.vpcId` of a `VpcDependency`.
   *
   * @default - any zone of that name
   */
  readonly vpcId?: string;
}

/**
 * Looks up a Route 53 hosted zone by name at deploy time.
 *
 * @example
 * const zone = new Route53Dependency(this, 'Zone', { domainName: 'example.com' });
 * new route53.ARecord(this, 'Www', { zone: zone.toHostedZone(), recordName: 'www', target });
 */
export class Route53Dependency extends Dependency {
  private hostedZone?: route53.IHostedZone;

  constructor(scope: Construct, id: string, props: Route53DependencyProps) {
    if (props.vpcId !== undefined && props.privateZone === false) {
      throw new PropError(
        childOwner(contract.id, scope, id),
        'vpcId',
        'applies only to private zones; leave out privateZone or set it to true',
      );
    }
    super(
      scope,
      id,
      contract.resourceType,
      { DomainName: props.domainName, PrivateZone: props.privateZone, VpcId: props.vpcId },
      props,
    );
  }

  /** The zone id without `/hostedzone/`, such as `Z0123456789ABCDEFGHIJ`. */
  public get hostedZoneId(): string {
    return this.attribute('Id');
  }

  /** The zone name without the trailing dot, such as `example.com`. */
  public get zoneName(): string {
    return this.attribute('Name');
  }

  /** How many record sets the zone holds. */
  public get resourceRecordSetCount(): string {
    return this.attribute('ResourceRecordSetCount');
  }

  /** `true` or `false`. */
  public get privateZone(): string {
    return this.attribute('PrivateZone');
  }

  /** The zone's comment, possibly empty. */
  public get comment(): string {
    return this.attribute('Comment');
  }

  /** The name servers of a public zone, comma-separated. */
  public get nameServers(): string {
    return this.attribute('NameServers');
  }

  /** The zone as an `IHostedZone`, for `route53.ARecord` and other record constructs. */
  public toHostedZone(): route53.IHostedZone {
    this.hostedZone ??= route53.HostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
      hostedZoneId: this.hostedZoneId,
      zoneName: this.zoneName,
    });
    return this.hostedZone;
  }
}
