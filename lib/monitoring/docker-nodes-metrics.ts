/**
 * The namespace of the metrics the hosts' and swarm managers' programs
 * publish every minute: per container of a host `ContainerRunning` and
 * `ContainerRestarts` (dimensions `Stack`, `Host`, `Container`), per swarm
 * service `RunningTasks` and `DesiredTasks` (`Stack`, `Service`), per swarm
 * `NodesDown` (`Stack`, `Swarm`).
 */
export const DOCKER_NODES_NAMESPACE = 'DockerNodes';
