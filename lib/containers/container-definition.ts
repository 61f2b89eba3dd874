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
  /**
   * IPv4 or IPv6 CIDR ranges that may connect to `hostPort`, such as
   * `10.0.1.0/24`; may be empty when `allowFromSecurityGroups` is not.
   */
  readonly allowFrom: string[];
  /**
   * Security groups whose members may connect to `hostPort`, such as a load
   * balancer's (`AppRouter.loadBalancerSecurityGroup.securityGroupId`).
   *
   * @default - only `allowFrom`
   */
  readonly allowFromSecurityGroups?: string[];
}

/** A file the host writes and the container reads, in a folder mounted read-only. */
export interface ContainerFile {
  /** Absolute path inside the container, such as `/etc/nginx/conf.d/apps.conf`; its folder is the mount. */
  readonly path: string;
  /** What the file holds; known at synth time. */
  readonly content: string;
}

/** How the router finds an app: the name it answers on and the port it listens on. */
export interface ContainerRoute {
  /** DNS label: the app answers on `<hostName>.<the router's domain>`, such as `counter`. */
  readonly hostName: string;
  /** Port the app listens on inside its container; it is not published on the host. */
  readonly port: number;
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
  /**
   * User-defined Docker network to join, created once per host; containers
   * on it reach each other by container name through Docker's DNS.
   *
   * @default - Docker's default bridge
   */
  readonly network?: string;
  /**
   * Files for the container, written on the host and mounted read-only,
   * their folder as a whole, so that a rewritten file is seen at once.
   * Containers get no other mounts: no host folder, no Docker socket.
   *
   * @default - none
   */
  readonly files?: ContainerFile[];
  /**
   * Command run in the running container after its `files` change, such as
   * `['nginx', '-s', 'reload']`, instead of recreating it.
   *
   * @default - the container is recreated when its files change
   */
  readonly reload?: string[];
  /**
   * The router sends `<hostName>.<domain>` to this container; needs `network`,
   * which the router joins too.
   *
   * @default - the router does not know the container
   */
  readonly route?: ContainerRoute;
}
