// @ts-check
/**
 * Stryker's jest runner, told which test files to load for a mutant.
 *
 * The jest runner runs a mutant's covering tests by name, in every test file
 * jest finds related to the mutated file (`--findRelatedTests`). Almost every
 * suite here imports the constructs, so each mutant loaded all of them, about
 * 8 s of module loading on an idle core before the first covering test ran.
 * This runner is Stryker's own with one change: the dry run, which runs every
 * test, records the file of each test in the sandbox, and a mutant's run
 * loads only the files of its covering tests. A mutant whose covering tests
 * are not all recorded runs as Stryker's runner would run it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { commonTokens, declareFactoryPlugin, PluginKind, tokens } from '@stryker-mutator/api/plugin';
import { strykerPlugins as jestPlugins } from '@stryker-mutator/jest-runner';

/** Where the dry run leaves test name -> files, in the sandbox every test process shares as its working folder. */
const TEST_FILES = '.stryker-test-files.json';

const jestRunner = jestPlugins.find((plugin) => plugin.kind === PluginKind.TestRunner && plugin.name === 'jest');
if (!jestRunner || !('factory' in jestRunner)) {
  throw new Error('@stryker-mutator/jest-runner no longer declares its "jest" test runner as a factory: update scripts/stryker-jest-by-file.mjs');
}

/** A path as a pattern jest matches exactly (jest reads the files it is given as patterns). */
const exactly = (file) => file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @param {import('@stryker-mutator/api/plugin').Injector} injector */
function jestByFile(injector) {
  const runner = jestRunner.factory(injector);
  const adapter = runner.jestTestAdapter;
  if (typeof adapter?.run !== 'function' || typeof runner.mutantRun !== 'function') {
    throw new Error('@stryker-mutator/jest-runner changed its runner\'s jestTestAdapter or mutantRun: update scripts/stryker-jest-by-file.mjs');
  }
  /** @type {Record<string, string[]> | undefined} */
  let filesOfTest;
  /** @type {string[] | undefined} */
  let coveringTests;

  const filesToLoad = () => {
    if (!coveringTests) return undefined;
    filesOfTest ??= JSON.parse(readFileSync(TEST_FILES, 'utf8'));
    const files = new Set();
    for (const test of coveringTests) {
      const found = filesOfTest?.[test];
      if (!found) return undefined;
      found.forEach((file) => files.add(file));
    }
    return [...files].map(exactly);
  };

  runner.jestTestAdapter = {
    async run(settings) {
      // Only the dry run asks for the tests' locations.
      if (settings.testLocationInResults) {
        const result = await adapter.run(settings);
        /** @type {Record<string, string[]>} */
        const recorded = {};
        for (const suite of result.results.testResults) {
          for (const test of suite.testResults) (recorded[test.fullName] ??= []).push(suite.testFilePath);
        }
        writeFileSync(TEST_FILES, JSON.stringify(recorded));
        filesOfTest = recorded;
        return result;
      }
      const testFiles = filesToLoad();
      return adapter.run(testFiles ? { ...settings, testFiles } : settings);
    },
  };
  const mutantRun = runner.mutantRun.bind(runner);
  runner.mutantRun = (options) => {
    coveringTests = options.testFilter;
    return mutantRun(options);
  };
  return runner;
}
jestByFile.inject = tokens(commonTokens.injector);

export const strykerPlugins = [declareFactoryPlugin(PluginKind.TestRunner, 'jest-by-file', jestByFile)];
