export * from './cfn-hup';
export * from './health-check';
export * from './instance';
export * from './security-group';
export { SESSION_MANAGER_ACTIONS } from './session-manager';
