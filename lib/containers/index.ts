export * from './container-definition';
export { environmentFileContent, isCidr, secretEnvironmentFileContent, validateContainers } from './validation';
