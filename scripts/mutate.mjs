// @ts-check
/**
 * `npm run mutate [folder ...]`: Stryker (stryker.config.mjs) over the code
 * the hosts and the swarm run on, one folder of lib/ at a time, then the
 * score of each folder and of all of them.
 *
 * Stryker writes its incremental file only when a run ends, so one run over
 * every folder that is stopped after an hour keeps nothing. Here each folder
 * has its own incremental file (reports/stryker-incremental-<folder>.json)
 * and report (reports/mutation/<folder>.html): a stopped run keeps the
 * folders it finished, and a rerun tests only the mutants of code or tests
 * that changed since. Folders named on the command line run alone.
 */
import { Stryker } from '@stryker-mutator/core';

const FOLDERS = ['containers', 'router', 'nodes', 'swarm', 'host'];
/** The score CONTRIBUTING.md asks of this code. */
const AIM = 80;

const asked = process.argv.slice(2);
const unknown = asked.filter((folder) => !FOLDERS.includes(folder));
if (unknown.length > 0) {
  console.error(`mutate: no folder ${unknown.join(', ')}; give some of ${FOLDERS.join(', ')}, or none for all`);
  process.exit(2);
}

/** @typedef {{ killed: number, timeout: number, survived: number, noCoverage: number, ignored: number, errors: number, seconds: number }} Counts */

/** @param {import('@stryker-mutator/api/core').MutantResult[]} mutants @param {number} seconds @returns {Counts} */
function count(mutants, seconds) {
  const of = (...statuses) => mutants.filter((mutant) => statuses.includes(mutant.status)).length;
  return {
    killed: of('Killed'),
    timeout: of('Timeout'),
    survived: of('Survived'),
    noCoverage: of('NoCoverage'),
    ignored: of('Ignored'),
    errors: of('CompileError', 'RuntimeError'),
    seconds,
  };
}

/** Stryker's mutation score: detected of detected and undetected; ignored mutants and errors are neither. */
function score(/** @type {Counts} */ counts) {
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage;
  return valid === 0 ? 100 : (100 * detected) / valid;
}

/** @type {[string, Counts][]} */
const rows = [];
for (const folder of asked.length > 0 ? asked : FOLDERS) {
  const started = Date.now();
  const mutants = await new Stryker({
    mutate: [`lib/${folder}/**/*.ts`, '!lib/**/index.ts'],
    incrementalFile: `reports/stryker-incremental-${folder}.json`,
    htmlReporter: { fileName: `reports/mutation/${folder}.html` },
  }).runMutationTest();
  rows.push([folder, count(mutants, Math.round((Date.now() - started) / 1000))]);
}
if (rows.length > 1) {
  rows.push(['all', rows.reduce((sum, [, counts]) => {
    for (const key of /** @type {(keyof Counts)[]} */ (Object.keys(sum))) sum[key] += counts[key];
    return sum;
  }, count([], 0))]);
}

const header = ['folder', 'score', 'killed', 'timeout', 'survived', 'no cover', 'ignored', 'errors', 'time'];
const table = [header, ...rows.map(([folder, counts]) => [
  folder,
  `${score(counts).toFixed(2)} %`,
  ...[counts.killed, counts.timeout, counts.survived, counts.noCoverage, counts.ignored, counts.errors].map(String),
  `${Math.floor(counts.seconds / 60)} min ${counts.seconds % 60} s`,
])];
const widths = header.map((_, column) => Math.max(...table.map((row) => row[column].length)));
console.log('');
for (const row of table) console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
const [, total] = rows[rows.length - 1];
console.log(`\nmutation score ${score(total).toFixed(2)} %, ${score(total) >= AIM ? 'at or above' : 'below'} the ${AIM} % aimed at; the survivors are in reports/mutation/<folder>.html`);
