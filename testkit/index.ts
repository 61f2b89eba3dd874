/**
 * The one test kit: what the jest tests, the end-to-end harness and
 * `npm run lookup` use to play CloudFormation's and Lambda's parts.
 */
export * from './lambda';
export * from './response-server';
