// @ts-check
const { rmSync } = require('node:fs');

/** Removes the run's temporary folder that tmp-folder-setup.js made, and gives TMPDIR back. */
module.exports = function tearDownTmpFolder() {
  const { folder, previous } = Reflect.get(globalThis, Symbol.for('docker-host-dependencies.test-tmp'));
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  rmSync(folder, { recursive: true, force: true });
};
