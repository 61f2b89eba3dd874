/** What Docker does when a container exits (`docker run --restart`). */
export enum RestartPolicy {
  /** Restart whatever the exit status, also after the host reboots. */
  ALWAYS = 'always',
  /** Restart unless the container was stopped on purpose. */
  UNLESS_STOPPED = 'unless-stopped',
  /** Restart only after a non-zero exit status. */
  ON_FAILURE = 'on-failure',
}

/** The transport protocol of a published port. */
export enum PortProtocol {
  TCP = 'tcp',
  UDP = 'udp',
}

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
   * @default PortProtocol.TCP
   */
  readonly protocol?: PortProtocol;
  /** IPv4 or IPv6 CIDR ranges that may connect to `hostPort`, such as `10.0.1.0/24`. */
  readonly allowFrom: string[];
}

/** One container a host runs. */
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
  readonly command?: string[];
  /**
   * Ports to publish.
   *
   * @default - none
   */
  readonly ports?: PortMapping[];
  /**
   * Memory limit in MiB (`docker run --memory`).
   *
   * @default - no limit
   */
  readonly memoryMiB?: number;
  /**
   * What Docker does when the container exits, also after the host reboots.
   *
   * @default RestartPolicy.ALWAYS
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
  readonly environment?: Record<string, string>;
  /**
   * The container calls AWS with the host's role, through the instance
   * metadata service. One such container raises the host's IMDSv2 hop limit
   * from 1 to 2, so every container on the host can reach the role.
   *
   * @default false - the metadata service answers the host only
   */
  readonly needsInstanceRole?: boolean;
}
