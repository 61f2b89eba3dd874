import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import { isCidr, PortProtocol, type ContainerDefinition } from '../containers';
import { PropError } from '../errors';

/**
 * A VPC's default quotas: inbound (and outbound) rules per security group,
 * counted for IPv4 and IPv6 apart (a rule naming a security group counts
 * for both), and security groups per network interface.
 */
export const SECURITY_GROUP_QUOTAS = { rulesPerGroup: 60, groupsPerInterface: 5 } as const;

/** The traffic a node's security groups allow. */
export interface NodeSecurityGroupOptions {
  readonly vpc: ec2.IVpc;
  readonly description: string;
  /** The containers (or services) whose published ports are opened, each to the ranges and groups allowed for it. */
  readonly containers: readonly ContainerDefinition[];
  /** The prop that holds them, as errors name it. */
  readonly containersProp: 'containers' | 'services';
  /**
   * Narrows outbound traffic to HTTPS to these ranges.
   *
   * @default - all outbound traffic is allowed
   */
  readonly egressCidrs?: readonly string[];
  /**
   * Ports open between the nodes that carry the groups, with what they are for.
   *
   * @default - none
   */
  readonly betweenNodes?: ReadonlyArray<readonly [ec2.Port, string]>;
}

/** An inbound rule; `nodes` is the first group itself. */
interface IngressRule {
  readonly peer: ec2.IPeer | 'nodes';
  readonly port: ec2.Port;
  readonly description: string;
  readonly ipv4: number;
  readonly ipv6: number;
}

/**
 * The security groups of a construct's nodes: each published port open only
 * to the CIDR ranges and security groups allowed for it, `betweenNodes` open
 * between the nodes, and all outbound traffic or HTTPS to `egressCidrs`
 * alone. The first, `SecurityGroup`, takes the rules up to the quota of
 * rules per group; the rules past it go to `SecurityGroup2` and on, which
 * allow no outbound traffic of their own, up to the groups one network
 * interface takes. Throws a `PropError` for an egress range that is not a
 * CIDR range, and for more rules than those quotas allow.
 */
export function nodeSecurityGroups(scope: Construct, owner: string, options: NodeSecurityGroupOptions): ec2.SecurityGroup[] {
  const egress = (options.egressCidrs ?? []).map((cidr) => {
    if (!Token.isUnresolved(cidr) && !isCidr(cidr)) throw new PropError(owner, 'egressCidrs', `must hold CIDR ranges such as 10.0.0.0/16, got "${cidr}"`);
    return cidr;
  });
  checkEgressQuota(owner, egress);
  const batches = packRules(owner, options.containersProp, ingressRules(options));
  return batches.map((rules, i) => {
    const group = new ec2.SecurityGroup(scope, i === 0 ? 'SecurityGroup' : `SecurityGroup${i + 1}`, {
      vpc: options.vpc,
      description: i === 0 ? options.description : `${options.description} (more inbound rules, past the quota of the first group)`,
      allowAllOutbound: i === 0 && options.egressCidrs === undefined,
    });
    if (i === 0) for (const cidr of egress) group.addEgressRule(peer(cidr), ec2.Port.tcp(443), `HTTPS to ${cidr}`);
    for (const rule of rules) group.addIngressRule(rule.peer === 'nodes' ? group : rule.peer, rule.port, rule.description);
    return group;
  });
}

function ingressRules(options: NodeSecurityGroupOptions): IngressRule[] {
  const rules: IngressRule[] = (options.betweenNodes ?? []).map(([port, what]) => ({ peer: 'nodes', port, description: `${what} between nodes`, ipv4: 1, ipv6: 1 }));
  for (const container of options.containers) {
    for (const port of container.ports ?? []) {
      const protocol = port.protocol ?? PortProtocol.TCP;
      const published = protocol === PortProtocol.UDP ? ec2.Port.udp(port.hostPort) : ec2.Port.tcp(port.hostPort);
      for (const cidr of port.allowFrom) {
        const ipv6 = isIpv6(cidr) ? 1 : 0;
        rules.push({ peer: peer(cidr), port: published, description: `${container.name} ${port.hostPort}/${protocol} from ${cidr}`, ipv4: 1 - ipv6, ipv6 });
      }
      for (const source of port.allowFromSecurityGroups ?? []) {
        rules.push({ peer: ec2.Peer.securityGroupId(source), port: published, description: `${container.name} ${port.hostPort}/${protocol} from a security group`, ipv4: 1, ipv6: 1 });
      }
    }
  }
  return rules;
}

/** The rules in order, a new group each time the next rule would pass the quota of one; throws past the groups one interface takes. */
function packRules(owner: string, prop: string, rules: readonly IngressRule[]): IngressRule[][] {
  const { rulesPerGroup, groupsPerInterface } = SECURITY_GROUP_QUOTAS;
  const batches: IngressRule[][] = [[]];
  let counts = { ipv4: 0, ipv6: 0 };
  for (const rule of rules) {
    if (counts.ipv4 + rule.ipv4 > rulesPerGroup || counts.ipv6 + rule.ipv6 > rulesPerGroup) {
      batches.push([]);
      counts = { ipv4: 0, ipv6: 0 };
    }
    batches[batches.length - 1].push(rule);
    counts = { ipv4: counts.ipv4 + rule.ipv4, ipv6: counts.ipv6 + rule.ipv6 };
  }
  if (batches.length > groupsPerInterface) {
    const ipv4 = rules.reduce((sum, rule) => sum + rule.ipv4, 0);
    const ipv6 = rules.reduce((sum, rule) => sum + rule.ipv6, 0);
    throw new PropError(
      owner,
      prop,
      `the published ports need ${ipv4} IPv4 and ${ipv6} IPv6 inbound rules (one per port and allowed range or security group), more than ` +
        `${groupsPerInterface} security groups of ${rulesPerGroup} rules each hold, the default quotas of a VPC ` +
        `(${rulesPerGroup} inbound rules per IP version per security group, ${groupsPerInterface} security groups per network interface); ` +
        'allow wider ranges or a security group instead of many ranges, or publish fewer ports',
    );
  }
  return batches;
}

/** Refuses more egress ranges of one IP version than one security group holds. */
function checkEgressQuota(owner: string, egress: readonly string[]): void {
  const ipv6 = egress.filter(isIpv6).length;
  const most = Math.max(ipv6, egress.length - ipv6);
  if (most > SECURITY_GROUP_QUOTAS.rulesPerGroup) {
    throw new PropError(
      owner,
      'egressCidrs',
      `needs ${most} outbound rules of one IP version, more than the ${SECURITY_GROUP_QUOTAS.rulesPerGroup} a security group holds ` +
        `(the default quota of a VPC: ${SECURITY_GROUP_QUOTAS.rulesPerGroup} outbound rules per IP version per security group); give wider ranges`,
    );
  }
}

function isIpv6(cidr: string): boolean {
  return !Token.isUnresolved(cidr) && cidr.includes(':');
}

/** A CIDR range as a peer: IPv6 when it holds a `:`, else IPv4 (also a deploy-time value). */
function peer(cidr: string): ec2.IPeer {
  return isIpv6(cidr) ? ec2.Peer.ipv6(cidr) : ec2.Peer.ipv4(cidr);
}
