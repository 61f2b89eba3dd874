/**
 * The construct library: what a CDK app imports from `docker-host-dependencies`.
 * Constructs, their props and the enums those take, named one by one: the
 * helpers they are built from stay inside the package.
 */
export {
  CertificateDependency,
  CertificateKind,
  Dependency,
  DependencyFunction,
  ElasticacheDependency,
  ImageDependency,
  Route53Dependency,
  StackDependency,
  VpcDependency,
} from './dependencies';
export type {
  CertificateDependencyProps,
  DependencyFunctionOptions,
  DependencyFunctionProps,
  DependencyProps,
  ElasticacheDependencyProps,
  ImageDependencyProps,
  Route53DependencyProps,
  StackDependencyProps,
  ToVpcOptions,
  VpcDependencyProps,
  VpcPlacement,
} from './dependencies';
export { ContainerLogging, PortProtocol, PullPolicy, RestartPolicy } from './containers';
export type {
  ContainerDefinition,
  ContainerFile,
  ContainerRoute,
  HealthCheck,
  JsonFileLoggingOptions,
  PortMapping,
  VolumeMount,
} from './containers';
export { DockerHost, type DockerHostProps } from './host';
export { DockerSwarm, EndpointMode, PublishMode, UpdateFailureAction, UpdateOrder } from './swarm';
export type { DockerSwarmProps, ServiceSecret, SwarmServiceDefinition, UpdatePolicy, WorkerGroupProps } from './swarm';
export { AppRouter, type AppRouterProps, type RouterContainerOptions, type RoutesOptions } from './router/app-router';
export type { RouteTarget } from './router/nginx-config';
export { CustomResourcesStack, type CustomResourcesStackProps } from './custom-resources-stack';
export { StackMonitoring, type MonitoringOptions, type StackMonitoringProps } from './monitoring';
