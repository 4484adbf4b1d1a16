import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { repoRoot } from '../support/cli.js';

/** What deploy/ holds, parsed once: the compose file, the Kubernetes objects, kustomize's view. */
export const deployDir = join(repoRoot, 'deploy');

/** The seven services, their images and their ports by the conventions (DESIGN.md; reporting: ADR 0011). */
export const SERVICE_PORTS: Readonly<Record<string, number>> = {
  coordination: 8080,
  labour: 8081,
  police: 8082,
  health: 8083,
  culture: 8084,
  justice: 8085,
  reporting: 8086,
};
export const SERVICES = Object.keys(SERVICE_PORTS);

/** The image tag deploy/ uses for what the Dockerfile builds: the workspace's version. */
export const IMAGE_VERSION = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
export const serviceImage = (service: string) => `lienganh/${service}:${IMAGE_VERSION}`;

/** Public images deploy/ runs, pinned to a version (never `latest`). */
export const PUBLIC_IMAGES = ['nats:2.10.24-alpine', 'mongo:7.0.14', 'otel/opentelemetry-collector-contrib:0.116.1'];

export type Yaml = Record<string, any>;

export function readYaml(path: string): Yaml {
  // Merge keys (`<<: *anchor`) as compose reads them.
  return parse(readFileSync(path, 'utf8'), { merge: true }) as Yaml;
}

export const compose = (): Yaml => readYaml(join(deployDir, 'compose.yaml'));

/** Every object of deploy/k8s/*.yaml, with the file it comes from; errors in any document throw. */
export function k8sObjects(): (Yaml & { file: string })[] {
  const objects: (Yaml & { file: string })[] = [];
  for (const file of readdirSync(join(deployDir, 'k8s')).filter((name) => name.endsWith('.yaml')).sort()) {
    for (const document of parseAllDocuments(readFileSync(join(deployDir, 'k8s', file), 'utf8'), { merge: true })) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((error) => error.message).join('; ')}`);
      const object = document.toJS() as Yaml | null;
      if (object) objects.push({ ...object, file });
    }
  }
  return objects;
}

export const kustomization = (): Yaml => readYaml(join(deployDir, 'kustomization.yaml'));

/** The pod spec of a workload (Deployment, StatefulSet, Job). */
export function podSpec(object: Yaml): Yaml | undefined {
  return object.spec?.template?.spec;
}

export function containersOf(object: Yaml): Yaml[] {
  const spec = podSpec(object);
  return spec ? [...(spec.initContainers ?? []), ...(spec.containers ?? [])] : [];
}

/** Is this image one the Dockerfile builds? */
export const isServiceImage = (image: string) => image.startsWith('lienganh/');
