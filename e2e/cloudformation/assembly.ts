import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CfnTemplate, StackModel } from '../../testkit/cloudformation/template';

interface Manifest {
  readonly artifacts?: Readonly<Record<string, Artifact>>;
}

interface Artifact {
  readonly type: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly file?: string;
    readonly directoryName?: string;
  };
  readonly dependencies?: readonly string[];
}

interface AssetManifest {
  readonly files?: Readonly<
    Record<string, { readonly source: { readonly path?: string }; readonly destinations: Readonly<Record<string, { readonly objectKey: string }>> }>
  >;
}

/**
 * The stacks of a cloud assembly (`cdk synth`'s output folder), with their
 * templates, the stacks each deploys after, and the folders of their file
 * assets by S3 object key. Nested assemblies (stages) are read too.
 */
export function loadAssembly(dir: string): StackModel[] {
  const manifest = readJson<Manifest>(path.join(dir, 'manifest.json'));
  const artifacts = Object.entries(manifest.artifacts ?? {});
  const assets: Record<string, string> = {};
  for (const [, artifact] of artifacts) {
    if (artifact.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
    const files = readJson<AssetManifest>(path.join(dir, artifact.properties.file)).files ?? {};
    for (const file of Object.values(files)) {
      if (!file.source.path) continue;
      for (const destination of Object.values(file.destinations)) assets[destination.objectKey] = path.join(dir, file.source.path);
    }
  }
  const stackNames = new Map(
    artifacts
      .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
      .map(([id, artifact]) => [id, artifact.properties?.stackName ?? id]),
  );
  const stacks: StackModel[] = [];
  for (const [id, artifact] of artifacts) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      stacks.push(...loadAssembly(path.join(dir, artifact.properties.directoryName)));
    }
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    stacks.push({
      stackName: stackNames.get(id) ?? id,
      template: readJson<CfnTemplate>(path.join(dir, artifact.properties.templateFile)),
      assemblyDir: dir,
      assets,
      dependsOn: (artifact.dependencies ?? []).filter((dependency) => stackNames.has(dependency)).map((dependency) => stackNames.get(dependency) ?? dependency),
    });
  }
  return stacks;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}
