// @ts-check
/**
 * The tests' environment for Stryker's mutant runs: jest's node environment
 * with the bail that jest offers no way to ask for when run from code. Once a
 * test fails while a mutant is active, the mutant is killed, so the rest of
 * its run is skipped: the file's other tests and hooks, and the files after
 * it in the same run. Without a mutant (the dry run, `npm test`) it changes
 * nothing.
 */
const { TestEnvironment } = require('jest-environment-node');

/** The mutant a test has killed, kept beyond one test file: jest loads the environment once per process. */
const KILLED = Symbol.for('docker-host-dependencies.stryker.killed');
/** A test name pattern no test matches. */
const NONE = /(?!)/;

class BailEnvironment extends TestEnvironment {
  /**
   * @param {import('jest-circus').Event} event
   * @param {import('jest-circus').State} state
   */
  handleTestEvent(event, state) {
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant === undefined) return;
    if (event.name === 'test_done' && event.test.errors.length > 0) Reflect.set(globalThis, KILLED, mutant);
    if (Reflect.get(globalThis, KILLED) === mutant) state.testNamePattern = NONE;
  }
}

module.exports = BailEnvironment;
