import 'aws-sdk-client-mock-jest';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Keeps test output readable: the handlers log one JSON line per event start
 * and answer. Tests that check logs read the spies (`jest.mocked(console.log)`).
 */
beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'info').mockImplementation(() => undefined);
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

// The tests run on Node 20 on purpose (the bundles must load there); the
// SDK's notice that future versions need Node 22 is noise in their output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Every App in the tests gets the feature flags of the project's cdk.json, as
// `cdk synth` gives them to the app, so templates are tested as they deploy.
const { context } = JSON.parse(readFileSync(path.join(__dirname, '..', 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
process.env.CDK_CONTEXT_JSON = JSON.stringify(
  Object.fromEntries(Object.entries(context).filter(([key]) => key.startsWith('@aws-cdk'))),
);
