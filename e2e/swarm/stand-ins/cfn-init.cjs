'use strict';
/**
 * Stands in for cfn-init on a swarm node of the end-to-end run: writes the
 * `files` of the resource's `AWS::CloudFormation::Init` metadata, which the
 * run resolved as CloudFormation would into $E2E_CFN_METADATA, with their
 * modes. Records the call in $E2E_CALL_LOG.
 */
const fs = require('node:fs');
const path = require('node:path');

fs.appendFileSync(process.env.E2E_CALL_LOG, `${JSON.stringify({ command: 'cfn-init', args: process.argv.slice(2) })}\n`);
const metadata = JSON.parse(fs.readFileSync(process.env.E2E_CFN_METADATA, 'utf8'));
const config = metadata['AWS::CloudFormation::Init']?.config ?? {};
for (const [file, spec] of Object.entries(config.files ?? {})) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const content = typeof spec.content === 'string' ? spec.content : JSON.stringify(spec.content, null, 2);
  fs.writeFileSync(file, content, { mode: parseInt(spec.mode ?? '000644', 8) });
  fs.chmodSync(file, parseInt(spec.mode ?? '000644', 8));
}
