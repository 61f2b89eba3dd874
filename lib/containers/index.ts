export * from './container-definition';
export { hasEnvironment, isCidr, secretEnvironmentContent, validateContainers } from './validation';
