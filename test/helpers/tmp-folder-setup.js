// @ts-check
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

/**
 * Gives each run of the tests a temporary folder of its own as TMPDIR, which
 * tmp-folder-teardown.js removes: every App's cdk.out (with a copy of each
 * asset) and the folders the tests make for the host programs go there.
 * Without it, each run left some 700 folders and 480 MB in the system's
 * temporary folder, and mutation testing, which runs the tests thousands of
 * times, filled the disk.
 */
module.exports = function setUpTmpFolder() {
  const folder = mkdtempSync(path.join(tmpdir(), 'jest-run-'));
  Reflect.set(globalThis, Symbol.for('docker-host-dependencies.test-tmp'), { folder, previous: process.env.TMPDIR });
  process.env.TMPDIR = folder;
};
