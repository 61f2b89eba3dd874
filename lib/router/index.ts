export * from './app-router';
export * from './nginx-config';
