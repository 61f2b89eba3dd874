#!/usr/bin/env node
/**
 * `npm run package:check`, after `npm run package`: checks the Python sources
 * jsii-pacmak wrote into dist/python. The module docker_host_dependencies has
 * a class for every class, interface and enum of the assembly (.jsii), among
 * them DockerHost, DockerSwarm, AppRouter and the six lookups; DockerHost's
 * docstring is its description; and python3, where there is one, compiles the
 * module. Exits 1 saying what is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRegistry } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { jsii } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const moduleFile = path.join(root, jsii.outdir, 'python', 'src', jsii.targets.python.module, '__init__.py');

function fail(message) {
  console.error(`package:check: ${message}`);
  process.exit(1);
}

if (!existsSync(moduleFile)) fail(`${path.relative(root, moduleFile)} is missing; run npm run package first`);
const source = readFileSync(moduleFile, 'utf8');
const assembly = JSON.parse(readFileSync(path.join(root, '.jsii'), 'utf8'));

const wanted = ['DockerHost', 'DockerSwarm', 'AppRouter', ...(await readRegistry()).map((contract) => contract.id)];
const names = new Set([...wanted, ...Object.values(assembly.types).map((type) => type.name)]);
const missing = [...names].filter((name) => !new RegExp(`^class ${name}\\b`, 'm').test(source));
if (missing.length > 0) fail(`the Python module has no class ${missing.join(', ')}`);

const summary = assembly.types['docker-host-dependencies.DockerHost'].docs.summary;
const dockerHost = source.slice(source.search(/^class DockerHost\b/m));
if (!dockerHost.slice(0, dockerHost.indexOf('def __init__')).includes(summary)) fail("DockerHost's docstring is not its description");

const python = ['/usr/bin/python3', '/bin/python3'].find((candidate) => existsSync(candidate));
if (python) execFileSync(python, ['-m', 'py_compile', moduleFile], { stdio: 'inherit' });
console.log(
  `package:check: ${path.relative(root, moduleFile)} has the ${names.size} classes of the assembly and DockerHost's docstring` +
    (python ? `; ${python} compiles it` : '; no python3 to compile it'),
);
