// @ts-check
/**
 * The tests' environment under Stryker: jest's node environment with two
 * changes, for the dry run and for the mutants' runs. Outside Stryker (and
 * in `npm test`) it is never used.
 *
 * - The dry run counts what a `beforeAll` reaches as covered by the tests of
 *   its describe block. Stryker's own environment counts a mutant reached
 *   outside a test as static, and so never runs, for that mutant, the tests
 *   that check the stack a `beforeAll` synthesized: the mutant survived
 *   whatever those tests asserted, or was ignored.
 * - A mutant's run stops at its first failing test, which kills the mutant:
 *   the file's other tests and hooks, and the files after it in the same
 *   run, are skipped. Jest offers no bail when run from code.
 */
const { TestEnvironment } = require('jest-environment-node');

/** The mutant a test has killed, kept beyond one test file: jest loads the environment once per process. */
const KILLED = Symbol.for('docker-host-dependencies.stryker.killed');
/** A test name pattern no test matches. */
const NONE = /(?!)/;

/** The names Stryker gives the tests of `block` and of the blocks in it: the describe names and the test's, spaced. */
function testNames(/** @type {import('jest-circus').Circus.DescribeBlock} */ block) {
  /** @type {string[]} */
  const names = [];
  const prefix = (/** @type {import('jest-circus').Circus.DescribeBlock | undefined} */ at) => {
    const parts = [];
    for (let b = at; b?.parent; b = b.parent) parts.unshift(b.name);
    return parts.join(' ');
  };
  const walk = (/** @type {import('jest-circus').Circus.DescribeBlock} */ at) => {
    for (const child of at.children) {
      if (child.type === 'describeBlock') walk(child);
      else names.push(`${prefix(child.parent)} ${child.name}`.trimStart());
    }
  };
  walk(block);
  return names;
}

class StrykerEnvironment extends TestEnvironment {
  /** Static coverage when the running `beforeAll` started. @type {Record<string, number> | undefined} */
  #staticBefore;

  /**
   * @param {import('jest-circus').Circus.Event} event
   * @param {import('jest-circus').Circus.State} state
   */
  handleTestEvent(event, state) {
    const mutant = process.env.__STRYKER_ACTIVE_MUTANT__;
    if (mutant === undefined) {
      this.#moveHookCoverage(event);
      return;
    }
    if (event.name === 'test_done' && event.test.errors.length > 0) Reflect.set(globalThis, KILLED, mutant);
    if (Reflect.get(globalThis, KILLED) === mutant) state.testNamePattern = NONE;
  }

  /** @param {import('jest-circus').Circus.Event} event */
  #moveHookCoverage(event) {
    if (!('hook' in event) || event.hook.type !== 'beforeAll') return;
    /** @type {{ static: Record<string, number>, perTest: Record<string, Record<string, number>> } | undefined} */
    const coverage = this.global[String(this.global.__strykerGlobalNamespace__ ?? '__stryker__')]?.mutantCoverage;
    if (event.name === 'hook_start') {
      this.#staticBefore = { ...coverage?.static };
      return;
    }
    if (event.name !== 'hook_success' && event.name !== 'hook_failure') return;
    const before = this.#staticBefore ?? {};
    this.#staticBefore = undefined;
    if (!coverage) return;
    const tests = testNames(event.hook.parent);
    for (const [id, count] of Object.entries(coverage.static)) {
      const hits = count - (before[id] ?? 0);
      if (hits <= 0 || tests.length === 0) continue;
      for (const test of tests) {
        const covered = (coverage.perTest[test] ??= {});
        covered[id] = (covered[id] ?? 0) + hits;
      }
      if (hits === count) delete coverage.static[id];
      else coverage.static[id] = count - hits;
    }
  }
}

module.exports = StrykerEnvironment;
