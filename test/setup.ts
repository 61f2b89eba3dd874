import 'aws-sdk-client-mock-jest';

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
