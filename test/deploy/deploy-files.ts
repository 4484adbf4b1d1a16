import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/** deploy/national/: the national topology (issue #24, ADR 0024), the hub and its province sites. */
export const nationalDir = join(deployDir, 'national');

/** Its anchors are merged into anchors merged in turn, more than the yaml package's guard against alias bombs allows by default (compose's go-yaml takes them). */
export const nationalCompose = (): Yaml => parse(readFileSync(join(nationalDir, 'compose.yaml'), 'utf8'), { merge: true, maxAliasCount: 1_000 }) as Yaml;

/**
 * What `kustomize build` makes of a kustomization, as far as deploy/ uses it: `resources` (files,
 * or directories with a kustomization.yaml, anywhere: deploy/national/k8s is built with
 * `--load-restrictor LoadRestrictionsNone`), `namespace`, and the ConfigMaps of
 * `configMapGenerator` (`files` and `literals`, with their content; names without the hash suffix
 * kustomize appends and rewrites every reference to). Each object carries the file it comes from
 * (relative to the repository; a generated ConfigMap: the kustomization.yaml). Anything else in a
 * kustomization throws, so that a kustomization using it is noticed here.
 */
export function kustomizeBuild(dir: string): (Yaml & { file: string })[] {
  const kustomization = readYaml(join(dir, 'kustomization.yaml'));
  const known = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'configMapGenerator', 'images']);
  const unknown = Object.keys(kustomization).filter((key) => !known.has(key));
  if (unknown.length > 0) throw new Error(`${relative(repoRoot, dir)}/kustomization.yaml: not understood by kustomizeBuild: ${unknown.join(', ')}`);
  const objects: (Yaml & { file: string })[] = [];
  for (const resource of (kustomization.resources ?? []) as string[]) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) {
      objects.push(...kustomizeBuild(path));
      continue;
    }
    for (const document of parseAllDocuments(readFileSync(path, 'utf8'), { merge: true })) {
      if (document.errors.length > 0) throw new Error(`${resource}: ${document.errors.map((error) => error.message).join('; ')}`);
      const object = document.toJS() as Yaml | null;
      if (object) objects.push({ ...object, file: relative(repoRoot, path) });
    }
  }
  for (const generator of (kustomization.configMapGenerator ?? []) as Yaml[]) {
    const data: Record<string, string> = {};
    for (const entry of (generator.files ?? []) as string[]) {
      const [key, source] = entry.includes('=') ? (entry.split('=') as [string, string]) : [entry.split('/').pop()!, entry];
      data[key] = readFileSync(join(dir, source), 'utf8');
    }
    for (const literal of (generator.literals ?? []) as string[]) data[literal.slice(0, literal.indexOf('='))] = literal.slice(literal.indexOf('=') + 1);
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name, ...(generator.namespace ? { namespace: generator.namespace } : {}) }, data, file: relative(repoRoot, join(dir, 'kustomization.yaml')) });
  }
  // The namespace transformer: every namespaced object (a Namespace is not one).
  if (kustomization.namespace) for (const object of objects) if (object.kind !== 'Namespace') object.metadata = { ...object.metadata, namespace: kustomization.namespace };
  return objects;
}

/** Compose's interpolation of `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?error}` and `$$` in a string. */
export function interpolate(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}/g, (whole, name: string | undefined, colon: string, kind: string, word: string) => {
    if (whole === '$$') return '$';
    const value = env[name!];
    const unset = value === undefined || (colon === ':' && value === '');
    if (kind === '?' && unset) throw new Error(`required variable ${name} is missing a value: ${word}`);
    if (kind === '-' && unset) return word;
    return value ?? '';
  });
}

/** Compose's env file: NAME=value lines (blank lines and # comments skipped). */
export function readEnvFile(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/**
 * The environment Kubernetes gives a container: `envFrom` (ConfigMaps, Secrets), then `env` in
 * order, with `$(NAME)` expanded from what is defined before it, as the kubelet does; `fieldRef`
 * to the pod's name and namespace. `configMaps` and `secrets`: name → data. A missing ConfigMap,
 * Secret or key throws.
 */
export function containerEnv(
  container: Yaml,
  pod: { name: string; namespace: string; configMaps: Readonly<Record<string, Record<string, string>>>; secrets: Readonly<Record<string, Record<string, string>>> },
): Record<string, string> {
  const from = (kind: 'ConfigMap' | 'Secret', name: string, key?: string) => {
    const data = (kind === 'ConfigMap' ? pod.configMaps : pod.secrets)[name];
    if (!data) throw new Error(`${kind} ${name} is not in namespace ${pod.namespace}`);
    if (key === undefined) return data;
    if (!(key in data)) throw new Error(`${kind} ${name} of namespace ${pod.namespace} has no key ${key}`);
    return data[key]!;
  };
  const env: Record<string, string> = {};
  for (const source of (container.envFrom ?? []) as Yaml[]) {
    if (source.configMapRef) Object.assign(env, from('ConfigMap', source.configMapRef.name));
    if (source.secretRef) Object.assign(env, from('Secret', source.secretRef.name));
  }
  const fields: Record<string, string> = { 'metadata.name': pod.name, 'metadata.namespace': pod.namespace };
  for (const variable of (container.env ?? []) as Yaml[]) {
    const { valueFrom } = variable;
    if (valueFrom?.fieldRef) {
      const field = fields[valueFrom.fieldRef.fieldPath as string];
      if (field === undefined) throw new Error(`fieldRef ${valueFrom.fieldRef.fieldPath} is not known here`);
      env[variable.name] = field;
    } else if (valueFrom?.configMapKeyRef) env[variable.name] = from('ConfigMap', valueFrom.configMapKeyRef.name, valueFrom.configMapKeyRef.key) as string;
    else if (valueFrom?.secretKeyRef) env[variable.name] = from('Secret', valueFrom.secretKeyRef.name, valueFrom.secretKeyRef.key) as string;
    else env[variable.name] = String(variable.value ?? '').replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string | undefined) => (whole === '$$' ? '$' : (env[name!] ?? whole)));
  }
  return env;
}

/**
 * A nats-server configuration file as data, enough to check what deploy/ writes: maps (`{}`), arrays
 * (`[]`), `key: value`, `key = value` and `key value`, quoted strings, `#` and `//` comments.
 * Values are strings as written (a variable stays `$NAME`; numbers and sizes are not converted).
 */
export function parseNatsConf(text: string): Yaml {
  let at = 0;
  const fail = (what: string) => {
    throw new Error(`nats conf, line ${text.slice(0, at).split('\n').length}: ${what}`);
  };
  const skip = () => {
    for (;;) {
      while (at < text.length && /[\s,;]/.test(text[at]!)) at++;
      if (text[at] === '#' || text.startsWith('//', at)) while (at < text.length && text[at] !== '\n') at++;
      else return;
    }
  };
  const value = (): unknown => {
    skip();
    const char = text[at];
    if (char === '{') {
      at++;
      return map(true);
    }
    if (char === '[') {
      at++;
      const items: unknown[] = [];
      for (;;) {
        skip();
        if (text[at] === ']') {
          at++;
          return items;
        }
        if (at >= text.length) fail('unclosed [');
        items.push(value());
      }
    }
    if (char === '"' || char === "'") {
      const end = text.indexOf(char, at + 1);
      if (end < 0) fail('unclosed string');
      const string = text.slice(at + 1, end);
      at = end + 1;
      return string;
    }
    const start = at;
    while (at < text.length && !/[\s,;\]}]/.test(text[at]!)) at++;
    if (at === start) fail(`a value expected, not "${text[at]}"`);
    return text.slice(start, at);
  };
  const map = (nested: boolean): Yaml => {
    const entries: Yaml = {};
    for (;;) {
      skip();
      if (nested && text[at] === '}') {
        at++;
        return entries;
      }
      if (at >= text.length) {
        if (nested) fail('unclosed {');
        return entries;
      }
      const start = at;
      while (at < text.length && !/[\s:={]/.test(text[at]!)) at++;
      const key = text.slice(start, at);
      while (text[at] === ' ' || text[at] === '\t') at++;
      if (text[at] === ':' || text[at] === '=') at++;
      if (key in entries) fail(`${key} given twice`);
      entries[key] = value();
    }
  };
  return map(false);
}
