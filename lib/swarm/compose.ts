import { createHash } from 'node:crypto';
import { Duration, Fn, Token } from 'aws-cdk-lib';
import { hasEnvironment, PullPolicy, RestartPolicy, type ContainerDefinition } from '../containers';
import { PropError } from '../errors';
import { healthCheckSettings, type HealthCheckSettings } from '../nodes';
import { ENV_DIRECTORY, secretVariable, SWARM_DIRECTORY, type ServiceReload } from './node-script';

/** Which task a swarm starts first when it replaces one (compose `update_config.order`). */
export enum UpdateOrder {
  /** Start the new task before stopping the old one, so a service of one replica keeps answering. */
  START_FIRST = 'start-first',
  /** Stop the old task first, freeing its resources (and a host-mode port) for the new one. */
  STOP_FIRST = 'stop-first',
}

/** What a swarm does when a new task fails during an update (compose `update_config.failure_action`). */
export enum UpdateFailureAction {
  /** Go back to the service's previous version. */
  ROLLBACK = 'rollback',
  /** Pause the update, leaving the tasks as they are. */
  PAUSE = 'pause',
  /** Go on replacing the other tasks. */
  CONTINUE = 'continue',
}

/** Where a service's published ports answer (compose `ports[].mode`). */
export enum PublishMode {
  /** On every node, through the routing mesh, which needs IPVS in the kernel. */
  INGRESS = 'ingress',
  /** Only on the nodes that run a task, without the routing mesh. */
  HOST = 'host',
}

/** How a service answers its name inside the swarm (compose `deploy.endpoint_mode`). */
export enum EndpointMode {
  /** One virtual address that balances over the tasks, which needs IPVS in the kernel. */
  VIP = 'vip',
  /** The tasks' own addresses, by DNS round robin. */
  DNSRR = 'dnsrr',
}

/** How a swarm replaces a service's tasks when the service changes (compose `deploy.update_config`). */
export interface UpdatePolicy {
  /**
   * Tasks replaced at a time.
   *
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Wait between batches.
   *
   * @default Duration.seconds(10)
   */
  readonly delay?: Duration;
  /**
   * Which task comes first when one is replaced.
   *
   * @default UpdateOrder.START_FIRST
   */
  readonly order?: UpdateOrder;
  /**
   * What the swarm does when a new task fails: go back to the previous
   * version, pause the update, or continue.
   *
   * @default UpdateFailureAction.ROLLBACK
   */
  readonly failureAction?: UpdateFailureAction;
  /**
   * How long a new task must run (and be healthy) to count as updated.
   *
   * @default Duration.seconds(10)
   */
  readonly monitor?: Duration;
}

/**
 * A swarm secret, read from an SSM SecureString parameter by the leading
 * manager and mounted at `/run/secrets/<name>`. The swarm holds it as
 * `<name>-v<the parameter's version>`, so a new version of the parameter
 * becomes a new swarm secret, which rolls the services that use it.
 */
export interface ServiceSecret {
  /** The secret's file name under `/run/secrets`: letters, digits, `_`, `.` and `-`, at most 52 characters (Docker's 64 less the version). */
  readonly name: string;
  /** The name of the SSM SecureString parameter that holds the value, such as `/myapp/db-password`. */
  readonly parameterName: string;
}

/** A service of the swarm: the container `DockerHost` runs, plus how many, where, and how it updates. */
export interface SwarmServiceDefinition extends ContainerDefinition {
  /**
   * Tasks the swarm keeps running. Not with `globalMode`.
   *
   * @default 1
   */
  readonly replicas?: number;
  /**
   * One task on every node that the constraints allow, instead of `replicas`.
   *
   * @default false
   */
  readonly globalMode?: boolean;
  /**
   * How the swarm replaces the service's tasks when the service changes.
   *
   * @default - one task at a time, 10 s apart, start-first, roll back on failure
   */
  readonly updatePolicy?: UpdatePolicy;
  /**
   * Placement constraints, such as `node.role == worker` or `engine.labels.public == yes`.
   *
   * @default - any node
   */
  readonly constraints?: string[];
  /**
   * Where the service's ports answer: on every node through the routing
   * mesh, or only on the nodes that run a task.
   *
   * @default - the swarm's `publishMode`
   */
  readonly publishMode?: PublishMode;
  /**
   * How the service answers its name: its tasks' addresses, or one virtual address.
   *
   * @default - the swarm's `endpointMode`
   */
  readonly endpointMode?: EndpointMode;
  /**
   * Swarm secrets for the service.
   *
   * @default - none
   */
  readonly secrets?: ServiceSecret[];
}

/** Swarm-wide defaults the compose file applies. */
export interface ComposeDefaults {
  readonly publishMode: PublishMode;
  readonly endpointMode: EndpointMode;
}

/** A file the managers write with cfn-init: path and content. */
export interface ServiceFile {
  readonly path: string;
  readonly content: string;
}

/** Where the nodes write the services' `files`, a folder per service, as cfn-init writes them. */
export const FILES_DIRECTORY = `${SWARM_DIRECTORY}/files`;

/** The `files` of the services, each under its service's folder on the nodes. */
export function serviceFiles(services: readonly SwarmServiceDefinition[]): ServiceFile[] {
  return services.flatMap((service) => (service.files ?? []).map((file) => ({ path: `${FILES_DIRECTORY}/${service.name}${file.path}`, content: file.content })));
}

/** A service's name in the swarm: `docker stack deploy` calls it `<stack>_<service>`. */
export function swarmServiceName(stackNamespace: string, serviceName: string): string {
  return `${stackNamespace}_${serviceName}`;
}

/**
 * The name Docker's DNS answers on the service's networks with the
 * addresses of its running tasks, `tasks.<stack>_<service>`: no virtual
 * address, so no IPVS, is needed.
 */
export function serviceDnsName(stackNamespace: string, serviceName: string): string {
  return `tasks.${swarmServiceName(stackNamespace, serviceName)}`;
}

/** What each node runs in its own tasks of a service with `reload` after the service's files change. */
export function serviceReloads(services: readonly SwarmServiceDefinition[], stackNamespace: string): ServiceReload[] {
  return services.flatMap((service) =>
    service.reload === undefined ? [] : [{ service: swarmServiceName(stackNamespace, service.name), folder: `${FILES_DIRECTORY}/${service.name}`, command: [...service.reload] }],
  );
}

/** The longest secret name: Docker allows 64 characters, and the swarm adds `-v` and the parameter's version, up to 10 digits. */
const MAX_SECRET_NAME = 52;

/** Label of a service whose image the managers' refresh pulls, so a tag that moved rolls the service. */
const PULL_LABEL = 'docker-swarm.pull';

/**
 * The compose file's top-level secrets: each external, its name the
 * variable the deploy helper sets, `${SWARM_SECRET_…:-<name>}`, which
 * `docker stack deploy` fills in. The default, the name itself, is the
 * swarm secret a manager whose deploy helper predates versions created.
 */
function composeSecrets(services: readonly SwarmServiceDefinition[]): Record<string, unknown> | undefined {
  const names = [...new Set(services.flatMap((service) => (service.secrets ?? []).map((secret) => secret.name)))];
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((name) => [name, { external: true, name: `\${${secretVariable(name)}:-${name}}` }]));
}

/** Label of the tasks of a service whose files have no reload command: the files' digest. */
const FILES_LABEL = 'docker-swarm.files-sha256';

function filesDigest(service: SwarmServiceDefinition): string {
  const hash = createHash('sha256');
  for (const file of service.files ?? []) hash.update(`${file.path}\0${file.content}\0`);
  return hash.digest('hex');
}

/** The folders of a service's files, each mounted read-only from the node, so a rewritten file is seen at once. */
function fileMounts(service: SwarmServiceDefinition): Array<Record<string, unknown>> {
  const folders = [...new Set((service.files ?? []).map((file) => file.path.slice(0, file.path.lastIndexOf('/'))))];
  return folders.map((folder) => ({ type: 'bind', source: `${FILES_DIRECTORY}/${service.name}${folder}`, target: folder, read_only: true }));
}

/** The env-file of a service on the managers, written by the env-file writer; `docker stack deploy` reads it into the service. */
export function envFilePath(service: SwarmServiceDefinition): string {
  return `${ENV_DIRECTORY}/${service.name}.env`;
}

/** What the env-file of a service is made of on the managers: `environmentFile`, then each variable of `environment`. */
export interface ServiceEnvironment {
  readonly environmentFile?: string;
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * The env-files' parts of the services that have variables, by service name,
 * as the managers' env-file writer reads them; `undefined` when none has any.
 */
export function serviceEnvironments(services: readonly SwarmServiceDefinition[]): Record<string, ServiceEnvironment> | undefined {
  const withVariables = services.filter(hasEnvironment);
  if (withVariables.length === 0) return undefined;
  return Object.fromEntries(withVariables.map((service) => [service.name, { environmentFile: service.environmentFile, environment: service.environment }]));
}

/**
 * The compose file (version 3.8) of the services, as `docker stack deploy`
 * reads it: each service's image, command, ports, env-file, limits,
 * placement, update and rollback policy, restart policy, health check,
 * secrets, overlay network, the folders of its files, volumes, user,
 * read-only root file system and logging. Values known only at deploy time
 * stay tokens. Every `$` of every string value is written `$$`, so that
 * `docker stack deploy` reads each value as it is instead of interpolating
 * the manager's environment into it.
 */
export function renderCompose(services: readonly SwarmServiceDefinition[], defaults: ComposeDefaults): Record<string, unknown> {
  const composeServices: Record<string, unknown> = {};
  const networks: Record<string, unknown> = {};
  const namedVolumes: Record<string, unknown> = {};
  for (const service of services) {
    if (service.network !== undefined) networks[service.network] = { driver: 'overlay' };
    const mounts = fileMounts(service);
    for (const volume of service.volumes ?? []) {
      const named = !volume.source.startsWith('/');
      if (named) namedVolumes[volume.source] = {};
      mounts.push(omitUndefined({ type: named ? 'volume' : 'bind', source: volume.source, target: volume.containerPath, read_only: volume.readOnly || undefined }));
    }
    const update = service.updatePolicy ?? {};
    const updateConfig = {
      parallelism: update.parallelism ?? 1,
      delay: seconds(update.delay ?? Duration.seconds(10)),
      order: update.order ?? UpdateOrder.START_FIRST,
      failure_action: update.failureAction ?? UpdateFailureAction.ROLLBACK,
      monitor: seconds(update.monitor ?? Duration.seconds(10)),
    };
    const limits: Record<string, string> = {};
    if (service.memoryMiB !== undefined) limits.memory = `${service.memoryMiB}M`;
    if (service.cpus !== undefined) limits.cpus = String(service.cpus);
    const publishMode = service.publishMode ?? defaults.publishMode;
    composeServices[service.name] = omitUndefined({
      image: service.image,
      command: service.command && service.command.length > 0 ? [...service.command] : undefined,
      env_file: hasEnvironment(service) ? [envFilePath(service)] : undefined,
      ports:
        service.ports && service.ports.length > 0
          ? service.ports.map((port) => ({
              target: port.containerPort ?? port.hostPort,
              published: port.hostPort,
              protocol: port.protocol ?? 'tcp',
              mode: publishMode,
            }))
          : undefined,
      healthcheck: service.healthCheck && composeHealthCheck(healthCheckSettings(service.healthCheck)),
      secrets: service.secrets && service.secrets.length > 0 ? service.secrets.map((secret) => secret.name) : undefined,
      networks: service.network === undefined ? undefined : [service.network],
      volumes: mounts.length > 0 ? mounts : undefined,
      user: service.user,
      read_only: service.readOnlyRootFilesystem || undefined,
      logging: service.logging ? { driver: service.logging.driver, options: { ...service.logging.options } } : undefined,
      // Without a reload command, changed files change the tasks' spec, so the swarm replaces them.
      labels: mounts.length > 0 && service.reload === undefined ? { [FILES_LABEL]: filesDigest(service) } : undefined,
      deploy: omitUndefined({
        mode: service.globalMode ? 'global' : 'replicated',
        replicas: service.globalMode ? undefined : (service.replicas ?? 1),
        endpoint_mode: service.endpointMode ?? defaults.endpointMode,
        labels: service.pull === PullPolicy.ALWAYS ? { [PULL_LABEL]: PullPolicy.ALWAYS } : undefined,
        placement: service.constraints && service.constraints.length > 0 ? { constraints: [...service.constraints] } : undefined,
        resources: Object.keys(limits).length > 0 ? { limits } : undefined,
        restart_policy: { condition: service.restart === RestartPolicy.ON_FAILURE ? 'on-failure' : 'any' },
        update_config: updateConfig,
        rollback_config: { parallelism: updateConfig.parallelism, order: updateConfig.order },
      }),
    });
  }
  const escaped = escapeInterpolation(omitUndefined({
    version: '3.8',
    services: composeServices,
    networks: Object.keys(networks).length > 0 ? networks : undefined,
    volumes: Object.keys(namedVolumes).length > 0 ? namedVolumes : undefined,
  })) as Record<string, unknown>;
  // The secrets' names are the one interpolation the file asks for, of variables the deploy helper sets.
  return omitUndefined({ ...escaped, secrets: composeSecrets(services) });
}

/**
 * `value` with every `$` of its strings written `$$`, which compose reads as
 * one `$`: otherwise `$NAME` and `${NAME}` anywhere in the file are replaced
 * by the manager's environment, and `${NAME:?}` aborts the deploy. A
 * deploy-time string gets its `$` doubled by CloudFormation. Keys stay as
 * they are: compose interpolates values only.
 */
function escapeInterpolation(value: unknown): unknown {
  if (typeof value === 'string') return Token.isUnresolved(value) ? Fn.join('$$', Fn.split('$', value)) : value.split('$').join('$$');
  if (Array.isArray(value)) return value.map(escapeInterpolation);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeInterpolation(item)]));
  return value;
}

/**
 * Checks what `ContainerDefinition` does not cover: replicas, global, CPU,
 * update policy, constraints and secrets, and refuses what only a
 * `DockerHost` can give (secret environment variables, the instance role,
 * the host's log group). Throws a `PropError` naming `services[i]` and the prop.
 */
export function validateService(owner: string, i: number, service: SwarmServiceDefinition): void {
  const fail = (prop: string, problem: string) => new PropError(owner, `services[${i}].${prop}`, problem);
  for (const [prop, instead] of [
    ['secretEnvironment', 'secrets (files under /run/secrets)'],
    ['secretEnvironmentFile', 'secrets (files under /run/secrets)'],
    ['needsInstanceRole', 'credentials of its own, since the nodes keep the instance metadata service to themselves'],
  ] as const) {
    if (service[prop]) throw fail(prop, `is for DockerHost; a swarm service cannot have it: use ${instead}`);
  }
  if (service.logging?.driver === 'awslogs') {
    throw fail('logging', 'awslogs needs the log group a DockerHost creates; a swarm service takes ContainerLogging.jsonFile() or the engine\'s default');
  }
  if (service.globalMode && service.replicas !== undefined) throw fail('replicas', 'replicas and globalMode exclude each other; drop replicas for one task per node');
  if (service.replicas !== undefined && (!Number.isInteger(service.replicas) || service.replicas < 0)) {
    throw fail('replicas', `must be a whole number from 0, got ${service.replicas}`);
  }
  if (service.cpus !== undefined && !(service.cpus > 0)) throw fail('cpus', `must be a number of cores above 0, such as 0.5, got ${service.cpus}`);
  const parallelism = service.updatePolicy?.parallelism;
  if (parallelism !== undefined && (!Number.isInteger(parallelism) || parallelism < 0)) {
    throw fail('updatePolicy.parallelism', `must be a whole number from 0 (all at once), got ${parallelism}`);
  }
  for (const constraint of service.constraints ?? []) {
    if (!/^\S+\s*(==|!=)\s*\S+$/.test(constraint)) {
      throw fail('constraints', `must be like "node.role == worker" or "engine.labels.public != yes", got "${constraint}"`);
    }
  }
  (service.secrets ?? []).forEach((secret, j) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(secret.name)) throw fail(`secrets[${j}].name`, `must be letters, digits, "_", "." or "-", got "${secret.name}"`);
    if (secret.name.length > MAX_SECRET_NAME) {
      throw fail(
        `secrets[${j}].name`,
        `must be at most ${MAX_SECRET_NAME} characters, so that with "-v" and the parameter's version it stays within Docker's 64, got "${secret.name}" (${secret.name.length}); give a shorter name`,
      );
    }
    if (!Token.isUnresolved(secret.parameterName) && !/^\/?[A-Za-z0-9_.\-/]+$/.test(secret.parameterName)) {
      throw fail(`secrets[${j}].parameterName`, `must be an SSM parameter name such as /myapp/db-password, got "${secret.parameterName}"`);
    }
  });
}

/** A health check as compose writes it. */
function composeHealthCheck(health: HealthCheckSettings): Record<string, unknown> {
  return {
    test: ['CMD', ...health.command],
    interval: `${health.intervalSeconds}s`,
    timeout: `${health.timeoutSeconds}s`,
    retries: health.retries,
    start_period: `${health.startPeriodSeconds}s`,
  };
}

function seconds(duration: Duration): string {
  return `${duration.toSeconds()}s`;
}

function omitUndefined<T extends Record<string, unknown>>(value: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
