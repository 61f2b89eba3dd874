import { isIP } from 'node:net';
import type { Node } from 'constructs';
import { PublishMode } from 'docker-host-dependencies';

/** One memcached tenant: its own container, port, memory and callers. */
export interface Tenant {
  /** DNS label: the tenant's record is `<name>.<hostedZoneName>`. */
  readonly name: string;
  /** Port on the host. */
  readonly port: number;
  /** Memory for items (`memcached -m`), in MiB. */
  readonly memoryMiB: number;
  /** CIDR ranges that may connect. */
  readonly allowFrom: readonly string[];
}

/** The app container that finds its datastores through an env-file. */
export interface AppContainerConfig {
  /** Port on the host. */
  readonly port: number;
  /** Port inside the container. */
  readonly containerPort: number;
  /** CIDR ranges that may connect. */
  readonly allowFrom: readonly string[];
  /**
   * Memory limit in MiB.
   *
   * @default - no limit
   */
  readonly memoryMiB?: number;
  /** Variables besides the datastores' outputs. */
  readonly environment: Readonly<Record<string, string>>;
}

/** The swarm the tenants run on instead of one Docker host. */
export interface SwarmConfig {
  /** Managers, 1 or 3; 3 unless given. */
  readonly managers: number;
  /** Workers: the Auto Scaling group's least, desired and most instances; 1, 2 and `desired` unless given. */
  readonly minWorkers: number;
  readonly desiredWorkers: number;
  readonly maxWorkers: number;
  /** `ingress` (the routing mesh, needs IPVS) or `host` (the nodes running a task); `ingress` unless given. */
  readonly publishMode: PublishMode;
}

/** Where an app's counter lives: its address reaches the app through its environment. */
export type PaasDatastore = 'redis' | 'postgres';

/** One app on the wildcard domain: one entry of `paas.apps`. */
export interface PaasAppConfig {
  /** DNS label: the app answers on `<hostName>.<paas.domainName>`; also its container's name. */
  readonly hostName: string;
  readonly image: string;
  /** Port the app listens on inside its container. */
  readonly port: number;
  /**
   * Command and arguments after the image.
   *
   * @default - the image's own command
   */
  readonly command?: readonly string[];
  /**
   * `redis`: `REDIS_HOST` and `REDIS_PORT` of the cache `paas.redisCacheId`;
   * `postgres`: the outputs of the stack `paas.postgresStackName` as its env-file.
   *
   * @default - none
   */
  readonly datastore?: PaasDatastore;
  /**
   * Memory limit in MiB.
   *
   * @default - no limit
   */
  readonly memoryMiB?: number;
}

/** Apps on a wildcard domain behind one router: the `paas` block of an environment. */
export interface PaasConfig {
  /** Public zone that gets the wildcard record. */
  readonly zoneName: string;
  /** The apps' domain inside the zone, such as `apps.example.com`. */
  readonly domainName: string;
  /** Domain of the ACM certificate of the TLS listener, `*.<domainName>` unless given. */
  readonly certificateDomain: string;
  /** Image of the router, an nginx. */
  readonly routerImage: string;
  /**
   * ElastiCache cluster or replication group of the apps whose datastore is `redis`.
   *
   * @default - no app may use `redis`
   */
  readonly redisCacheId?: string;
  /**
   * Stack whose outputs the apps whose datastore is `postgres` get.
   *
   * @default - no app may use `postgres`
   */
  readonly postgresStackName?: string;
  readonly apps: readonly PaasAppConfig[];
}

/** One block of `environments` in `cdk.json`, with defaults filled in. */
export interface EnvironmentConfig {
  /** The key of the block, such as `dev`. */
  readonly name: string;
  /**
   * Account to deploy to.
   *
   * @default - none: the stack deploys to the account the CLI deploys with
   */
  readonly account?: string;
  /**
   * Region to deploy to.
   *
   * @default - none: the stack deploys to the region the CLI deploys to
   */
  readonly region?: string;
  /** `Name` tag of the VPC, or `default`. */
  readonly vpcName: string;
  /** Which of the VPC's subnets, in the lookup's order (by zone, then id), the hosts go into. */
  readonly subnetIndex: number;
  /** Zone that gets a record per tenant. */
  readonly hostedZoneName: string;
  /** Whether that zone is a private zone of the VPC. */
  readonly privateZone: boolean;
  /** Instance type of the Docker hosts, `t4g.small` unless given. */
  readonly instanceType: string;
  /** Root volume size of the Docker hosts in GiB, 20 unless given. */
  readonly volumeSize: number;
  /** Termination protection of the Docker hosts, off unless given. */
  readonly terminationProtection: boolean;
  /**
   * Where the containers' output goes: `awslogs` (the host's log group) or
   * `json-file` (rotated files on the host), `awslogs` unless given.
   */
  readonly containerLogging: 'awslogs' | 'json-file';
  /** Seconds every container must run before a host reports success, 30 unless given. */
  readonly startupGracePeriodSeconds: number;
  /** Image of the tenants' memcached containers. */
  readonly memcachedImage: string;
  /** Image of the app container. */
  readonly appImage: string;
  /**
   * The stack whose outputs the app container gets.
   *
   * @default - the memcached service stack
   */
  readonly datastoresStackName?: string;
  readonly tenants: readonly Tenant[];
  /**
   * The app container.
   *
   * @default - no app stack
   */
  readonly app?: AppContainerConfig;
  /**
   * Runs the tenants on a Docker swarm instead of one host.
   *
   * @default - one Docker host
   */
  readonly swarm?: SwarmConfig;
  /**
   * Apps on a wildcard domain behind a router.
   *
   * @default - no apps stack
   */
  readonly paas?: PaasConfig;
}

export interface AppConfig {
  readonly environment: EnvironmentConfig;
  /** Whether the CustomResources stack names its functions like the Sony Mobile originals. */
  readonly legacyFunctionNames: boolean;
}

const DEFAULT_IMAGES = {
  memcachedImage: 'memcached:1.6-alpine',
  appImage: 'public.ecr.aws/nginx/nginx:1.27-alpine',
} as const;

/** The router's image unless `paas.routerImage` names another nginx. */
const DEFAULT_ROUTER_IMAGE = 'public.ecr.aws/nginx/nginx:1.27-alpine';

type Json = Record<string, unknown>;

/**
 * Reads the app's settings from context (`cdk.json` or `-c key=value`, where
 * `environments` and `images` may be JSON text):
 * `env` picks a block of `environments`; `images` gives default images that
 * an environment's own `images`, then `-c memcachedImage=...` and
 * `-c appImage=...`, override. Throws a message naming the context key when
 * a value is missing or of the wrong shape.
 */
export function readConfig(node: Node): AppConfig {
  const envName = text(node.tryGetContext('env') ?? 'dev', 'env');
  const environments = object(fromJson(node.tryGetContext('environments') ?? {}, 'environments'), 'environments');
  const block = environments[envName];
  if (block === undefined) {
    const known = Object.keys(environments);
    throw new Error(
      `context env is "${envName}", but environments has ${known.length > 0 ? `only ${known.join(', ')}` : 'no blocks'}; ` +
        'add that block to cdk.json or pick another with -c env=NAME',
    );
  }
  const env = object(block, `environments.${envName}`);
  const at = (key: string) => `environments.${envName}.${key}`;

  const images = {
    ...DEFAULT_IMAGES,
    ...imageSet(fromJson(node.tryGetContext('images'), 'images'), 'images'),
    ...imageSet(env.images, at('images')),
    ...imageSet(
      { memcachedImage: node.tryGetContext('memcachedImage'), appImage: node.tryGetContext('appImage') },
      'context',
    ),
  };

  const tenantList = list(required(env.tenants, at('tenants')), at('tenants'));
  if (tenantList.length === 0) throw new Error(`context ${at('tenants')} must list at least one tenant`);
  const tenants = tenantList.map((tenant, i) => readTenant(tenant, at(`tenants[${i}]`)));
  unique(tenants.map((t) => t.name), at('tenants'), 'name');
  unique(tenants.map((t) => String(t.port)), at('tenants'), 'port');

  const app = env.app === undefined ? undefined : readApp(env.app, at('app'));
  if (app && tenants.some((t) => t.port === app.port)) {
    throw new Error(`context ${at('app.port')} ${app.port} is already the port of a tenant`);
  }

  return {
    legacyFunctionNames: boolean(node.tryGetContext('legacyFunctionNames') ?? false, 'legacyFunctionNames'),
    environment: {
      name: envName,
      account: optional(env.account, at('account'), (v, k) => matching(v, k, /^\d{12}$/, 'a 12-digit account id')),
      region: optional(env.region, at('region'), (v, k) => matching(v, k, /^[a-z]{2}(-[a-z]+)+-\d+$/, 'a region such as eu-west-1')),
      vpcName: text(required(env.vpcName, at('vpcName')), at('vpcName')),
      subnetIndex: optional(env.subnetIndex, at('subnetIndex'), (v, k) => whole(v, k, 0, 199)) ?? 0,
      hostedZoneName: matching(
        required(env.hostedZoneName, at('hostedZoneName')),
        at('hostedZoneName'),
        /^[a-z0-9-]+(\.[a-z0-9-]+)+$/,
        'a zone name such as cache.example.internal',
      ),
      privateZone: optional(env.privateZone, at('privateZone'), boolean) ?? true,
      instanceType: optional(env.instanceType, at('instanceType'), (v, k) => matching(v, k, /^[a-z0-9-]+\.[a-z0-9]+$/, 'an instance type such as t4g.small')) ?? 't4g.small',
      volumeSize: optional(env.volumeSize, at('volumeSize'), (v, k) => whole(v, k, 8, 16384)) ?? 20,
      terminationProtection: optional(env.terminationProtection, at('terminationProtection'), boolean) ?? false,
      containerLogging:
        optional(env.containerLogging, at('containerLogging'), (v, k) => matching(v, k, /^(awslogs|json-file)$/, 'awslogs or json-file') as 'awslogs' | 'json-file') ??
        'awslogs',
      startupGracePeriodSeconds: optional(env.startupGracePeriodSeconds, at('startupGracePeriodSeconds'), (v, k) => whole(v, k, 0, 3600)) ?? 30,
      memcachedImage: images.memcachedImage,
      appImage: images.appImage,
      datastoresStackName: optional(env.datastoresStackName, at('datastoresStackName'), (v, k) =>
        matching(v, k, /^[A-Za-z][A-Za-z0-9-]*$/, 'a stack name'),
      ),
      tenants,
      app,
      swarm: optional(env.swarm, at('swarm'), readSwarm),
      paas: env.paas === undefined ? undefined : readPaas(env.paas, at('paas')),
    },
  };
}

function readSwarm(value: unknown, key: string): SwarmConfig {
  const swarm = object(value, key);
  const managers = optional(swarm.managers, `${key}.managers`, (v, k) => whole(v, k, 1, 3)) ?? 3;
  if (managers === 2) throw new Error(`context ${key}.managers must be 1 or 3 (an odd number keeps a quorum), got 2`);
  const minWorkers = optional(swarm.minWorkers, `${key}.minWorkers`, (v, k) => whole(v, k, 0, 100)) ?? 1;
  const desiredWorkers = optional(swarm.desiredWorkers, `${key}.desiredWorkers`, (v, k) => whole(v, k, minWorkers, 100)) ?? Math.max(2, minWorkers);
  const maxWorkers = optional(swarm.maxWorkers, `${key}.maxWorkers`, (v, k) => whole(v, k, desiredWorkers, 100)) ?? desiredWorkers;
  const publishMode = optional(swarm.publishMode, `${key}.publishMode`, (v, k) => matching(v, k, /^(ingress|host)$/, 'ingress or host')) ?? PublishMode.INGRESS;
  return { managers, minWorkers, desiredWorkers, maxWorkers, publishMode: publishMode as PublishMode };
}

function readTenant(value: unknown, key: string): Tenant {
  const tenant = object(value, key);
  return {
    name: matching(required(tenant.name, `${key}.name`), `${key}.name`, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a DNS label (lower-case letters, digits, "-")'),
    port: whole(required(tenant.port, `${key}.port`), `${key}.port`, 1024, 65535),
    memoryMiB: whole(required(tenant.memoryMiB, `${key}.memoryMiB`), `${key}.memoryMiB`, 8, 1048576),
    allowFrom: cidrs(required(tenant.allowFrom, `${key}.allowFrom`), `${key}.allowFrom`),
  };
}

function readApp(value: unknown, key: string): AppContainerConfig {
  const app = object(value, key);
  const port = whole(required(app.port, `${key}.port`), `${key}.port`, 1024, 65535);
  const environment = object(app.environment ?? {}, `${key}.environment`);
  return {
    port,
    containerPort: optional(app.containerPort, `${key}.containerPort`, (v, k) => whole(v, k, 1, 65535)) ?? port,
    allowFrom: cidrs(required(app.allowFrom, `${key}.allowFrom`), `${key}.allowFrom`),
    memoryMiB: optional(app.memoryMiB, `${key}.memoryMiB`, (v, k) => whole(v, k, 6, 1048576)),
    environment: Object.fromEntries(Object.entries(environment).map(([name, v]) => [name, text(v, `${key}.environment.${name}`)])),
  };
}

const DNS_NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function readPaas(value: unknown, key: string): PaasConfig {
  const paas = object(value, key);
  const zoneName = matching(required(paas.zoneName, `${key}.zoneName`), `${key}.zoneName`, DNS_NAME, 'a zone name such as example.com');
  const domainName = matching(required(paas.domainName, `${key}.domainName`), `${key}.domainName`, DNS_NAME, 'a domain name such as apps.example.com');
  if (!domainName.endsWith(`.${zoneName}`)) {
    throw new Error(`context ${key}.domainName "${domainName}" must be inside zoneName "${zoneName}", such as apps.${zoneName}`);
  }
  const redisCacheId = optional(paas.redisCacheId, `${key}.redisCacheId`, text);
  const postgresStackName = optional(paas.postgresStackName, `${key}.postgresStackName`, (v, k) => matching(v, k, /^[A-Za-z][A-Za-z0-9-]*$/, 'a stack name'));
  const apps = list(required(paas.apps, `${key}.apps`), `${key}.apps`).map((app, i) => readPaasApp(app, `${key}.apps[${i}]`));
  unique(apps.map((app) => app.hostName), `${key}.apps`, 'hostName', 'apps');
  for (const [i, app] of apps.entries()) {
    if (app.datastore === 'redis' && redisCacheId === undefined) {
      throw new Error(`context ${key}.apps[${i}].datastore is redis, but ${key}.redisCacheId is missing; name the cache the app counts in`);
    }
    if (app.datastore === 'postgres' && postgresStackName === undefined) {
      throw new Error(`context ${key}.apps[${i}].datastore is postgres, but ${key}.postgresStackName is missing; name the stack whose outputs give the database`);
    }
  }
  return {
    zoneName,
    domainName,
    certificateDomain: optional(paas.certificateDomain, `${key}.certificateDomain`, (v, k) => matching(v, k, /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'a domain name such as *.apps.example.com')) ?? `*.${domainName}`,
    routerImage: optional(paas.routerImage, `${key}.routerImage`, (v, k) => matching(v, k, /^\S+$/, 'an image name without spaces')) ?? DEFAULT_ROUTER_IMAGE,
    redisCacheId,
    postgresStackName,
    apps,
  };
}

function readPaasApp(value: unknown, key: string): PaasAppConfig {
  const app = object(value, key);
  const datastore = optional(app.datastore, `${key}.datastore`, text);
  if (datastore !== undefined && datastore !== 'redis' && datastore !== 'postgres') {
    throw new Error(`context ${key}.datastore must be redis or postgres, got "${datastore}"`);
  }
  return {
    hostName: matching(required(app.hostName, `${key}.hostName`), `${key}.hostName`, DNS_LABEL, 'a DNS label (lower-case letters, digits, "-")'),
    image: matching(required(app.image, `${key}.image`), `${key}.image`, /^\S+$/, 'an image name without spaces'),
    port: whole(required(app.port, `${key}.port`), `${key}.port`, 1, 65535),
    command: optional(app.command, `${key}.command`, (v, k) => list(v, k).map((word, i) => text(word, `${k}[${i}]`))),
    datastore,
    memoryMiB: optional(app.memoryMiB, `${key}.memoryMiB`, (v, k) => whole(v, k, 6, 1048576)),
  };
}

function imageSet(value: unknown, key: string): Partial<Record<keyof typeof DEFAULT_IMAGES, string>> {
  if (value === undefined) return {};
  const images = object(value, key);
  const result: Partial<Record<keyof typeof DEFAULT_IMAGES, string>> = {};
  for (const name of Object.keys(DEFAULT_IMAGES) as Array<keyof typeof DEFAULT_IMAGES>) {
    const image = images[name];
    if (image !== undefined) result[name] = matching(image, key === 'context' ? name : `${key}.${name}`, /^\S+$/, 'an image name without spaces');
  }
  return result;
}

/** An object given on the command line arrives as JSON text: `-c environments='{"dev":{...}}'`. */
function fromJson(value: unknown, key: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new Error(`context ${key} must be a JSON object, got ${JSON.stringify(value)}`);
  }
}

function required(value: unknown, key: string): unknown {
  if (value === undefined || value === null) throw new Error(`context ${key} is missing`);
  return value;
}

function optional<T>(value: unknown, key: string, read: (value: unknown, key: string) => T): T | undefined {
  return value === undefined || value === null ? undefined : read(value, key);
}

function object(value: unknown, key: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`context ${key} must be an object, got ${JSON.stringify(value)}`);
  }
  return value as Json;
}

function list(value: unknown, key: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`context ${key} must be a list, got ${JSON.stringify(value)}`);
  return value;
}

function text(value: unknown, key: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`context ${key} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

function matching(value: unknown, key: string, pattern: RegExp, what: string): string {
  const string = text(value, key);
  if (!pattern.test(string)) throw new Error(`context ${key} must be ${what}, got "${string}"`);
  return string;
}

/** A whole number, also given as a string (`-c` values are strings). */
function whole(value: unknown, key: string, min: number, max: number): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw new Error(`context ${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** `true` or `false`, also as strings in any case (`-c` values are strings). */
function boolean(value: unknown, key: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new Error(`context ${key} must be true or false, got ${JSON.stringify(value)}`);
}

function cidrs(value: unknown, key: string): string[] {
  const ranges = list(value, key);
  if (ranges.length === 0) throw new Error(`context ${key} must list at least one CIDR range`);
  return ranges.map((range, i) => {
    const string = text(range, `${key}[${i}]`);
    if (!isCidr(string)) throw new Error(`context ${key}[${i}] must be a CIDR range such as 10.0.1.0/24, got "${string}"`);
    return string;
  });
}

function unique(values: readonly string[], key: string, field: string, what = 'tenants'): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new Error(`context ${key}: two ${what} have the ${field} ${value}`);
    seen.add(value);
  }
}

/** An IPv4 or IPv6 address, a slash and a prefix length that fits it, such as 10.0.1.0/24. */
function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  const version = isIP(address);
  return version !== 0 && rest.length === 0 && /^\d{1,3}$/.test(prefix ?? '') && Number(prefix) <= (version === 4 ? 32 : 128);
}
