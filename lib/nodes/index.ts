export * from './cfn-hup';
export * from './change-push';
export * from './env-file';
export * from './health-check';
export * from './instance';
export * from './metrics';
export * from './security-group';
export { SESSION_MANAGER_ACTIONS } from './session-manager';
export * from './refresh-timer';
