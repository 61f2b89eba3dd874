import * as api from 'docker-host-dependencies';

/**
 * What a user's app gets from `docker-host-dependencies` at run time: the
 * constructs, the logging choice of a container and the enums the props take.
 * Props and other interfaces are types only. A name missing here that the
 * package exports is a helper exported by accident, or a promise to users
 * that belongs in this list and in the docs.
 */
const EXPORTS = [
  'AppRouter',
  'CertificateDependency',
  'CertificateKind',
  'ContainerLogging',
  'CustomResourcesStack',
  'Dependency',
  'DependencyFunction',
  'DockerHost',
  'DockerSwarm',
  'ElasticacheDependency',
  'EndpointMode',
  'ImageDependency',
  'PortProtocol',
  'PublishMode',
  'PullPolicy',
  'RestartPolicy',
  'Route53Dependency',
  'StackDependency',
  'StackMonitoring',
  'UpdateFailureAction',
  'UpdateOrder',
  'VpcDependency',
];

it('exports the constructs, their enums and ContainerLogging, and no example stack, config reader or helper', () => {
  // GIVEN what the package's entry point exports at run time
  const exported = Object.keys(api).sort();
  // THEN
  expect(exported).toEqual(EXPORTS);
});
