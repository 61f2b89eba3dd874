export * from './compose';
export * from './docker-swarm';
