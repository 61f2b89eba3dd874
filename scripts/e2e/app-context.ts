import type { TenantExpectation } from './docker/checks';
import { NAMES } from './fixture';

/** The environment block the example app is synthesized with: names the fake account holds. */
export const ENVIRONMENT_NAME = 'e2e';

/** Tenants of the memcached service; each must get its own container and port. */
export const TENANTS: readonly (TenantExpectation & { readonly allowFrom: readonly string[] })[] = [
  { name: 'alpha', port: 11211, memoryMiB: 64, allowFrom: ['10.20.0.0/24'] },
  { name: 'beta', port: 11212, memoryMiB: 32, allowFrom: ['10.20.1.0/24'] },
];

/** Variables the app container gets besides the datastores' outputs. */
export const APP_ENVIRONMENT: Readonly<Record<string, string>> = { APP_ENV: 'e2e', GREETING_LANG: 'de' };

/** The stacks of the example app for this environment, as `bin/app.ts` names them. */
export const SERVICE_STACK = `MemcachedService-${ENVIRONMENT_NAME}`;
export const APP_STACK = `MemcachedApp-${ENVIRONMENT_NAME}`;

/**
 * The context `cdk synth` gets: the e2e environment, both images pointed at
 * the locally built one, and the CLI's telemetry off.
 */
export function appContext(image: string): Record<string, unknown> {
  return {
    env: ENVIRONMENT_NAME,
    'cli-telemetry': false,
    images: { memcachedImage: image, appImage: image },
    environments: {
      [ENVIRONMENT_NAME]: {
        vpcName: NAMES.vpcName,
        hostedZoneName: NAMES.privateZoneName,
        privateZone: true,
        instanceType: 't3.small',
        datastoresStackName: NAMES.datastoresStack,
        tenants: TENANTS,
        app: { port: 8080, containerPort: 11211, allowFrom: ['10.20.0.0/16'], memoryMiB: 48, environment: APP_ENVIRONMENT },
      },
    },
  };
}
