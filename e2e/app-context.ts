import type { TenantExpectation } from './docker/checks';
import { NAMES } from './fixture';
import { LOCAL_IMAGE } from './docker/image';

/** The environment block the example app is synthesized with: names the fake account holds. */
const ENVIRONMENT_NAME = 'e2e';

/** Tenants of the memcached service; each must get its own container and port. */
export const TENANTS: readonly (TenantExpectation & { readonly allowFrom: readonly string[] })[] = [
  { name: 'alpha', port: 11211, memoryMiB: 64, allowFrom: ['10.20.0.0/24'] },
  { name: 'beta', port: 11212, memoryMiB: 32, allowFrom: ['10.20.1.0/24'] },
];

/** The tenants after an update: alpha gets more memory, gamma is added, beta stays as it was. */
export const UPDATED_TENANTS: readonly (TenantExpectation & { readonly allowFrom: readonly string[] })[] = [
  { ...TENANTS[0], memoryMiB: 96 },
  TENANTS[1],
  { name: 'gamma', port: 11213, memoryMiB: 16, allowFrom: ['10.20.2.0/24'] },
];

/** Variables the app container gets besides the datastores' outputs. */
export const APP_ENVIRONMENT: Readonly<Record<string, string>> = { APP_ENV: 'e2e', GREETING_LANG: 'de' };

/** The stacks of the example app for this environment, as `bin/app.ts` names them. */
export const SERVICE_STACK = `MemcachedService-${ENVIRONMENT_NAME}`;
export const APP_STACK = `MemcachedApp-${ENVIRONMENT_NAME}`;

/**
 * The plain templates of `templates/`, deployed after the CustomResources
 * stack as their users would, with parameters naming what the fake account
 * holds.
 */
export const TEMPLATES: ReadonlyArray<{ readonly file: string; readonly stackName: string; readonly parameters: Readonly<Record<string, string>> }> = [
  {
    file: 'lookups.yaml',
    stackName: 'e2e-lookups',
    parameters: {
      DomainName: NAMES.zoneName,
      PrivateDomainName: NAMES.privateZoneName,
      VpcName: NAMES.vpcName,
      CacheId: NAMES.cacheClusterId,
      DatastoresStackName: NAMES.datastoresStack,
      CertificateDomainName: NAMES.certificateDomain,
    },
  },
  {
    file: 'docker-host.yaml',
    stackName: 'e2e-docker-host',
    parameters: { VpcName: NAMES.vpcName, DatastoresStackName: NAMES.datastoresStack, AppImage: LOCAL_IMAGE },
  },
  { file: 'legacy-route53.yaml', stackName: 'e2e-legacy-route53', parameters: { DomainName: NAMES.zoneName } },
];

/**
 * The context `cdk synth` gets: the e2e environment with these tenants, both
 * images pointed at the locally built one, the functions of the
 * CustomResources stack under their original names (for legacy-route53.yaml),
 * and the CLI's telemetry off.
 */
export function appContext(image: string, tenants: typeof TENANTS = TENANTS): Record<string, unknown> {
  return {
    env: ENVIRONMENT_NAME,
    legacyFunctionNames: true,
    'cli-telemetry': false,
    images: { memcachedImage: image, appImage: image },
    environments: {
      [ENVIRONMENT_NAME]: {
        vpcName: NAMES.vpcName,
        hostedZoneName: NAMES.privateZoneName,
        privateZone: true,
        instanceType: 't3.small',
        containerLogging: 'json-file',
        startupGracePeriodSeconds: 5,
        datastoresStackName: NAMES.datastoresStack,
        tenants,
        app: { port: 8080, containerPort: 11211, allowFrom: ['10.20.0.0/16'], memoryMiB: 48, environment: APP_ENVIRONMENT },
      },
    },
  };
}
