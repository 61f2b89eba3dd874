export * from './docker-host';
