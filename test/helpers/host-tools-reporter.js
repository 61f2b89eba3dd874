/**
 * Ends a jest run in which tests were skipped for want of a host program
 * (`itRunning` in host-tools.ts marks their titles ` [needs <tools>]`) with
 * one notice: the programs, how many tests, and how to run them.
 */
class HostToolsReporter {
  onRunComplete(_contexts, results) {
    const tools = new Set();
    let skipped = 0;
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        const needs = test.status === 'pending' && / \[needs (.+)\]$/.exec(test.title);
        if (!needs) continue;
        skipped += 1;
        for (const tool of needs[1].split(' and ')) tools.add(tool);
      }
    }
    if (skipped === 0) return;
    const missing = [...tools].sort().join(' and ');
    process.stderr.write(
      `\nSkipped ${skipped} tests that run ${missing}, which ${tools.size === 1 ? 'is' : 'are'} not in /usr/bin or /bin. ` +
        `To run them, install ${missing} (Debian: apt-get install ${[...tools].sort().join(' ')}) and run npm test again; ` +
        '.ci/run sets TEST_HOST_TOOLS=required, which fails these tests instead of skipping them.\n',
    );
  }
}

module.exports = HostToolsReporter;
