export * from './stack-monitoring';
