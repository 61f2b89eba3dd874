/**
 * The construct library: what a CDK app imports from `docker-host-dependencies`.
 */
export * from './dependencies';
export * from './containers';
export * from './docker-host';
export * from './swarm';
export { AppRouter, type AppRouterProps, type RouterContainerOptions } from './router/app-router';
export type { RouteTarget } from './router/nginx-config';
export * from './custom-resources-stack';
