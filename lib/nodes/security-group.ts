import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { isCidr, PortProtocol, type ContainerDefinition } from '../containers';
import { PropError } from '../errors';

/** The traffic a node's security group allows. */
export interface NodeSecurityGroupOptions {
  readonly vpc: ec2.IVpc;
  readonly description: string;
  /** The containers (or services) whose published ports are opened, each to the ranges and groups allowed for it. */
  readonly containers: readonly ContainerDefinition[];
  /**
   * Narrows outbound traffic to HTTPS to these ranges.
   *
   * @default - all outbound traffic is allowed
   */
  readonly egressCidrs?: readonly string[];
  /**
   * Ports open between the nodes that carry the group, with what they are for.
   *
   * @default - none
   */
  readonly betweenNodes?: ReadonlyArray<readonly [ec2.Port, string]>;
}

/**
 * The security group `SecurityGroup` of a construct's nodes: each published
 * port open only to the CIDR ranges and security groups allowed for it,
 * `betweenNodes` open between the nodes, and all outbound traffic or HTTPS
 * to `egressCidrs` alone. Throws naming `owner` for an egress range that is
 * not a CIDR range.
 */
export function nodeSecurityGroup(scope: Construct, owner: string, options: NodeSecurityGroupOptions): ec2.SecurityGroup {
  const group = new ec2.SecurityGroup(scope, 'SecurityGroup', {
    vpc: options.vpc,
    description: options.description,
    allowAllOutbound: options.egressCidrs === undefined,
  });
  for (const cidr of options.egressCidrs ?? []) {
    if (!Token.isUnresolved(cidr) && !isCidr(cidr)) {
      throw new PropError(owner, 'egressCidrs', `must hold CIDR ranges such as 10.0.0.0/16, got "${cidr}"`);
    }
    group.addEgressRule(peer(cidr), ec2.Port.tcp(443), `HTTPS to ${cidr}`);
  }
  for (const [port, what] of options.betweenNodes ?? []) group.addIngressRule(group, port, `${what} between nodes`);
  for (const container of options.containers) {
    for (const port of container.ports ?? []) {
      const protocol = port.protocol ?? PortProtocol.TCP;
      const published = protocol === PortProtocol.UDP ? ec2.Port.udp(port.hostPort) : ec2.Port.tcp(port.hostPort);
      for (const cidr of port.allowFrom) {
        group.addIngressRule(peer(cidr), published, `${container.name} ${port.hostPort}/${protocol} from ${cidr}`);
      }
      for (const source of port.allowFromSecurityGroups ?? []) {
        group.addIngressRule(ec2.Peer.securityGroupId(source), published, `${container.name} ${port.hostPort}/${protocol} from a security group`);
      }
    }
  }
  return group;
}

/** A CIDR range as a peer: IPv6 when it holds a `:`, else IPv4 (also a deploy-time value). */
function peer(cidr: string): ec2.IPeer {
  return !Token.isUnresolved(cidr) && cidr.includes(':') ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
}
