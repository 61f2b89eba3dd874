#!/usr/bin/env node
/**
 * `npm run api:check`, after `npm run jsii`: checks the API reference. Every
 * public type, property, method and enum member of the assembly (.jsii) has a
 * description, and every optional property of a props interface a `@default`;
 * API.md is what `jsii-docgen` writes from the assembly now (`npm run docgen`
 * writes it). Exits 1 saying what is missing or stale.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The public parts of the assembly without a description, or optional props without a `@default`. */
function undocumented(assembly) {
  const missing = [];
  for (const [fqn, type] of Object.entries(assembly.types)) {
    if (!type.docs?.summary) missing.push(`${fqn}: no description`);
    for (const property of type.properties ?? []) {
      if (!property.docs?.summary) missing.push(`${fqn}.${property.name}: no description`);
      if (type.datatype && property.optional && property.docs?.default === undefined) missing.push(`${fqn}.${property.name}: no @default`);
    }
    for (const method of type.methods ?? []) {
      if (!method.docs?.summary) missing.push(`${fqn}.${method.name}(): no description`);
    }
    for (const member of type.members ?? []) {
      if (!member.docs?.summary) missing.push(`${fqn}.${member.name}: no description`);
    }
  }
  return missing;
}

function fail(message) {
  console.error(`api:check: ${message}`);
  process.exit(1);
}

const assembly = JSON.parse(readFileSync(path.join(root, '.jsii'), 'utf8'));
const missing = undocumented(assembly);
if (missing.length > 0) fail(`the API reference would lack docs:\n  ${missing.join('\n  ')}`);

const work = mkdtempSync(path.join(tmpdir(), 'api-'));
try {
  const generated = path.join(work, 'API.md');
  execFileSync(path.join(root, 'node_modules', '.bin', 'jsii-docgen'), ['--output', generated], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (readFileSync(generated, 'utf8') !== readFileSync(path.join(root, 'API.md'), 'utf8')) {
    fail('API.md differs from what jsii-docgen writes from the assembly; run `npm run docgen` and commit API.md');
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`api:check: ${Object.keys(assembly.types).length} types documented; API.md is up to date`);
