export * from './container-definition';
export { environmentFileContent, isCidr, validateContainers } from './validation';
