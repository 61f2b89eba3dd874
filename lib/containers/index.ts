export * from './container-definition';
export { environmentFileContent, isCidr, secretEnvironmentContent, validateContainers } from './validation';
