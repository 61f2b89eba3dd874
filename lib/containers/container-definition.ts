import { Duration } from 'aws-cdk-lib';

/** What Docker does when a container exits (`docker run --restart`). */
export enum RestartPolicy {
  /** Restart whatever the exit status, also after the host reboots. */
  ALWAYS = 'always',
  /** Restart unless the container was stopped on purpose. */
  UNLESS_STOPPED = 'unless-stopped',
  /** Restart only after a non-zero exit status. */
  ON_FAILURE = 'on-failure',
}

/** When the host fetches a container's image from its registry. */
export enum PullPolicy {
  /**
   * Only when the host does not have the image yet: a new image under the same
   * tag is not fetched until the container's definition changes.
   */
  MISSING = 'missing',
  /**
   * On every apply and every refresh (`docker pull`): the container is
   * recreated when the tag names another image than the one it runs.
   */
  ALWAYS = 'always',
}

/** The transport protocol of a published port. */
export enum PortProtocol {
  /** TCP. */
  TCP = 'tcp',
  /** UDP. */
  UDP = 'udp',
}

/** A command the engine runs inside the container to tell whether it is healthy (`docker run --health-*`, compose `healthcheck`). */
export interface HealthCheck {
  /** The command and its arguments, run without a shell, such as `['memcached-tool', '127.0.0.1', 'stats']`; exit 0 means healthy. */
  readonly command: string[];
  /**
   * Time between two checks, whole seconds of at least 1.
   *
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * Time after which one check counts as failed, whole seconds of at least 1.
   *
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
  /**
   * Failed checks in a row that make the container unhealthy.
   *
   * @default 3
   */
  readonly retries?: number;
  /**
   * Time after start during which failed checks do not count, in whole seconds.
   *
   * @default Duration.seconds(0)
   */
  readonly startPeriod?: Duration;
}

/** A named Docker volume or a folder of the host, mounted into the container (`docker run --volume`). */
export interface VolumeMount {
  /** A named volume (letters, digits, `_`, `.`, `-`), created on first use, or an absolute path on the host (a bind mount). */
  readonly source: string;
  /** Absolute path inside the container. */
  readonly containerPath: string;
  /**
   * Mount it read-only.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/** Options of Docker's `json-file` log driver. */
export interface JsonFileLoggingOptions {
  /**
   * Size at which a log file is rotated, such as `10m`.
   *
   * @default '10m'
   */
  readonly maxSize?: string;
  /**
   * Number of rotated files kept.
   *
   * @default 3
   */
  readonly maxFiles?: number;
}

/** Where a container's output goes (`docker run --log-driver`). */
export class ContainerLogging {
  /** Docker's `awslogs` driver, to the host's log group, one stream per container. */
  public static awsLogs(): ContainerLogging {
    return new ContainerLogging('awslogs', {});
  }

  /** Docker's `json-file` driver on the host's disk, rotated so it cannot fill the disk. */
  public static jsonFile(options: JsonFileLoggingOptions = {}): ContainerLogging {
    return new ContainerLogging('json-file', {
      'max-size': options.maxSize ?? '10m',
      'max-file': String(options.maxFiles ?? 3),
    });
  }

  private constructor(
    /** The `--log-driver`. */
    public readonly driver: string,
    /** The `--log-opt` values the driver is given. */
    public readonly options: Record<string, string>,
  ) {}
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
  /** Image to run, such as `memcached:1.6-alpine`, or pinned to a digest, `memcached@sha256:<digest>`. */
  readonly image: string;
  /**
   * When the image is fetched: only when missing, or on every apply and
   * refresh, so that a tag that moves to a new image (such as `app:stable`)
   * recreates the container (on a `DockerSwarm`, rolls the service) within
   * the refresh interval.
   *
   * @default PullPolicy.MISSING
   */
  readonly pull?: PullPolicy;
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
   * must not contain line breaks or NUL: one known at synth time fails the
   * synth, one in a deploy-time value fails the deploy (on a `DockerHost`,
   * FAILURE naming the container and the variable, before any container
   * starts).
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
  /**
   * Variables whose values are secret, such as the attributes of a lookup
   * with `noEcho`. They go to a Secrets Manager secret of the container,
   * never to user data or metadata; the host reads that secret with its own
   * role at boot, after each stack update and on every refresh
   * (`refreshInterval`), recreating the container when they changed, and
   * writes them, after `environmentFile` and `environment`, to a second
   * env-file of mode 0600. Values must not
   * contain line breaks or NUL: one known at synth time fails the synth, a
   * deploy-time value with one fails the deploy, naming the container and
   * the variable, never the value.
   *
   * @default - none
   */
  readonly secretEnvironment?: Record<string, string>;
  /**
   * Secret env-file content: `KEY=value` lines, such as the `environment` of
   * a `StackDependency` with `noEcho`; kept like `secretEnvironment`.
   *
   * @default - none
   */
  readonly secretEnvironmentFile?: string;
  /**
   * A health check; the host reports success to CloudFormation only when
   * the check says healthy.
   *
   * @default - the image's own health check, if any
   */
  readonly healthCheck?: HealthCheck;
  /**
   * CPU limit in cores, such as 0.5 (`docker run --cpus`).
   *
   * @default - no limit
   */
  readonly cpus?: number;
  /**
   * User (and group) the command runs as, a name or id such as `1000:1000` (`docker run --user`).
   *
   * @default - the image's user
   */
  readonly user?: string;
  /**
   * Mount the container's root filesystem read-only (`docker run --read-only`).
   *
   * @default false
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Named volumes and bind mounts.
   *
   * @default - none
   */
  readonly volumes?: VolumeMount[];
  /**
   * Where the container's output goes.
   *
   * @default ContainerLogging.awsLogs() - the host's log group
   */
  readonly logging?: ContainerLogging;
}
