#!/usr/bin/env node
/**
 * `npm run test:consumer`: proves the construct library installs and works as
 * another team would use it. Packs it (`npm pack`, which builds it), installs
 * the tarball (which must hold the jsii assembly .jsii, API.md and LICENSE)
 * into a new CDK app in a temporary folder outside the repository,
 * offline (from the tarball and the npm cache), type-checks that app's
 * TypeScript against the installed declarations (every module they import
 * must be in the package), synthesizes a stack with a DockerHost and a
 * VpcDependency, and runs the package's terminal command with `npx`,
 * offline: `--help` must print its usage and exit 0. Exits 1 saying what
 * went wrong.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { name } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const APP = `import { App, Stack } from 'aws-cdk-lib';
import { DockerHost, PortProtocol, RestartPolicy, VpcDependency } from '${name}';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer');
const vpc = new VpcDependency(stack, 'Vpc', { vpcName: 'main' });
new DockerHost(stack, 'Host', {
  ...vpc.placement(),
  containers: [{
    name: 'web',
    image: 'public.ecr.aws/nginx/nginx:1.27-alpine',
    ports: [{ hostPort: 8080, containerPort: 80, protocol: PortProtocol.TCP, allowFrom: ['10.0.0.0/16'] }],
    memoryMiB: 256,
    restart: RestartPolicy.ALWAYS,
  }],
});
app.synth();
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'node16',
    moduleResolution: 'node16',
    strict: true,
    skipLibCheck: true,
    types: [],
  },
  files: ['app.ts'],
};

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The version of a package installed in the repository, so the app installs the same from the npm cache. */
function installedVersion(pkg) {
  return JSON.parse(readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')).version;
}

/**
 * The app's package-lock.json: the library from its tarball, and aws-cdk-lib,
 * constructs and every package they need as the repository's own lockfile
 * pins them, whose tarballs `npm ci` put in the npm cache. With it the app
 * installs with `npm ci --offline`, asking the registry nothing.
 */
function appLockfile(appPackage, packed) {
  const { packages } = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const { peerDependencies, engines, license, bin } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const locked = {
    '': { name: appPackage.name, version: appPackage.version, dependencies: appPackage.dependencies },
    // With its bin, as npm records it, so that npm ci links the terminal command into node_modules/.bin.
    [`node_modules/${name}`]: { version: packed.version, resolved: `file:../${packed.filename}`, integrity: packed.integrity, license, engines, bin, peerDependencies },
  };
  const wanted = Object.keys(peerDependencies);
  while (wanted.length > 0) {
    const top = `node_modules/${wanted.pop()}`;
    if (locked[top] || !packages[top]) continue;
    for (const [at, entry] of Object.entries(packages)) {
      if (at !== top && !at.startsWith(`${top}/node_modules/`)) continue;
      const { dev, devOptional, peer, ...kept } = entry;
      locked[at] = kept;
      if (!entry.inBundle) wanted.push(...Object.keys(entry.dependencies ?? {}));
    }
  }
  return { name: appPackage.name, version: appPackage.version, lockfileVersion: 3, requires: true, packages: locked };
}

/** The relative modules the shipped declarations import that the package does not ship, as `file: module`. */
function unshippedDeclarations(shipped) {
  const missing = [];
  for (const file of shipped.filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const [, specifier] of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]*)['"]/g)) {
      const target = path.posix.join(path.posix.dirname(file), specifier);
      if (!shipped.includes(`${target}.d.ts`) && !shipped.includes(`${target}/index.d.ts`)) missing.push(`${file}: ${specifier}`);
    }
  }
  return missing;
}

function fail(message) {
  console.error(`test:consumer: ${message}`);
  process.exit(1);
}

const work = mkdtempSync(path.join(tmpdir(), 'consumer-'));
try {
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], root));
  const shipped = packed[0].files.map((file) => file.path);
  // The compiled library and a handler bundle; the jsii assembly, the API reference and the license.
  for (const wanted of ['dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/lambdas/vpc-dependency/index.js', 'dist/cli/index.js', '.jsii', 'API.md', 'LICENSE']) {
    if (!shipped.includes(wanted)) fail(`the package lacks ${wanted}`);
  }
  const unshipped = unshippedDeclarations(shipped);
  if (unshipped.length > 0) fail(`declarations import modules the package does not ship: ${unshipped.join(', ')}`);

  const appDir = path.join(work, 'app');
  mkdirSync(appDir);
  const appPackage = {
    name: 'consumer-app',
    version: '0.0.0',
    private: true,
    dependencies: {
      [name]: `file:../${packed[0].filename}`,
      'aws-cdk-lib': installedVersion('aws-cdk-lib'),
      constructs: installedVersion('constructs'),
    },
  };
  writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(appPackage));
  writeFileSync(path.join(appDir, 'package-lock.json'), JSON.stringify(appLockfile(appPackage, packed[0])));
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], appDir);

  writeFileSync(path.join(appDir, 'app.ts'), APP);
  writeFileSync(path.join(appDir, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  run(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', appDir], appDir);
  run(process.execPath, ['app.js'], appDir);

  const template = JSON.parse(readFileSync(path.join(appDir, 'cdk.out', 'Consumer.template.json'), 'utf8'));
  const types = Object.values(template.Resources).map((resource) => resource.Type);
  for (const wanted of ['AWS::EC2::Instance', 'Custom::VpcDependency', 'Custom::ImageDependency', 'AWS::Lambda::Function']) {
    if (!types.includes(wanted)) fail(`the synthesized stack has no ${wanted}`);
  }
  const assets = readdirSync(path.join(appDir, 'cdk.out')).filter((entry) => entry.startsWith('asset.'));
  if (!assets.some((asset) => existsSync(path.join(appDir, 'cdk.out', asset, 'index.js')))) {
    fail('no handler bundle reached the cloud assembly');
  }
  // The terminal command, as a user runs it in the app: npx finds the package's bin, and asks no registry.
  const help = spawnSync('npx', ['--offline', name, '--help'], { cwd: appDir, encoding: 'utf8', env: { ...process.env, npm_config_offline: 'true' } });
  if (help.status !== 0 || !help.stdout.startsWith(`Usage: ${name} <command>`)) {
    fail(`\`npx ${name} --help\` in the app exited ${help.status}, printing:\n${help.stdout}${help.stderr}`);
  }
  console.log(
    `test:consumer: ${packed[0].filename} (${shipped.length} files, ${packed[0].size} bytes) installed from the tarball and the npm cache; ` +
      `a stack with a DockerHost and a VpcDependency synthesized with ${types.length} resources and ${assets.length} handler assets; ` +
      `\`npx ${name} --help\` printed its usage`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
