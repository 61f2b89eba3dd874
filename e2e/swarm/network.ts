import { run, type RunResult } from '../exec';

/** A node's place in the network: its namespace, subnet and address. */
export interface NodeLink {
  readonly netns: string;
  readonly subnet: number;
  readonly address: string;
}

const VPC_PREFIX = '10.88';

/**
 * Subnets of one VPC, played by namespaces: a router namespace of the run's
 * own holds one bridge per subnet (`10.88.<n>.1/24`) and routes between
 * them, as a VPC's router does; each node's namespace gets a veth pair into
 * its subnet's bridge and a route to `10.88.0.0/16` only, so nothing in it
 * can reach past the VPC. Nothing in the machine's root namespace changes.
 */
export class VpcNetwork {
  private created = false;
  /** Each subnet's bridge, made once however many nodes attach to it at the same time. */
  private readonly bridges = new Map<number, Promise<void>>();

  constructor(readonly netns: string) {}

  async create(): Promise<void> {
    await run('ip', ['netns', 'add', this.netns]);
    this.created = true;
    await this.ip(['link', 'set', 'lo', 'up']);
    await run('nsenter', [`--net=/run/netns/${this.netns}`, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
  }

  /** Wires node `index` into subnet `subnet` and gives it `10.88.<subnet>.<10 + index>`. */
  async attach(nodeNetns: string, index: number, subnet: number): Promise<NodeLink> {
    if (!this.bridges.has(subnet)) this.bridges.set(subnet, this.addBridge(subnet));
    await this.bridges.get(subnet);
    const address = `${VPC_PREFIX}.${subnet}.${10 + index}`;
    const port = `node${index}`;
    await this.ip(['link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', nodeNetns]);
    await this.ip(['link', 'set', port, 'master', `subnet${subnet}`, 'up']);
    await run('ip', ['-n', nodeNetns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
    await run('ip', ['-n', nodeNetns, 'link', 'set', 'eth0', 'up']);
    await run('ip', ['-n', nodeNetns, 'route', 'add', `${VPC_PREFIX}.0.0/16`, 'via', `${VPC_PREFIX}.${subnet}.1`]);
    return { netns: nodeNetns, subnet, address };
  }

  private async addBridge(subnet: number): Promise<void> {
    await this.ip(['link', 'add', `subnet${subnet}`, 'type', 'bridge']);
    await this.ip(['addr', 'add', `${VPC_PREFIX}.${subnet}.1/24`, 'dev', `subnet${subnet}`]);
    await this.ip(['link', 'set', `subnet${subnet}`, 'up']);
  }

  /** Deletes the router namespace; its bridges and the veth pairs go with it. */
  async destroy(): Promise<string[]> {
    if (!this.created) return [];
    try {
      await run('ip', ['netns', 'delete', this.netns]);
      this.created = false;
      return [];
    } catch (error) {
      return [`deleting network namespace ${this.netns}: ${error instanceof Error ? error.message : String(error)}`];
    }
  }

  /** Runs a command in the router namespace, as a client elsewhere in the VPC. */
  run(command: readonly string[]): Promise<RunResult> {
    return run('nsenter', [`--net=/run/netns/${this.netns}`, ...command], { timeoutMs: 600_000 });
  }

  private ip(args: readonly string[]) {
    return run('ip', ['-n', this.netns, ...args]);
  }
}
