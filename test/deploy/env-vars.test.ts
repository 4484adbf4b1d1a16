import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../support/cli.js';
import { compose, containersOf, isServiceImage, k8sObjects, type Yaml } from './deploy-files.js';

/**
 * Every environment variable a service reads is set by deploy/, in the compose file and in the
 * Kubernetes manifests alike, unless the allow-list below says why deploy/ leaves it unset; and
 * deploy/ sets nothing on a service that no code reads. A service that gains a variable fails
 * here until deploy/ sets it (or the allow-list explains why not).
 */

/** Standard OpenTelemetry variables the SDK reads by itself; deploy/ sets them for the collector. */
const STANDARD_OTEL = ['OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER'];

/** Read by services, deliberately not set by deploy/. */
const ALLOW_UNSET: Record<string, string> = {
  JEST_WORKER_ID: 'set by Jest: quiet logs in tests',
  NATS_SERVER_BIN: 'where tests and npm start find nats-server; a deployed service never starts one',
  PATH: 'the other place nats-server is looked for (same as NATS_SERVER_BIN)',
  PORT: 'the generic fallback of <SERVICE>_PORT, which deploy/ sets for each service',
  NATS_NKEY_SEED: 'inline form of NATS_NKEY_SEED_FILE; deploy/ mounts the seed as a file from a secret',
  LIENGANH_AGENCY_KEYS: 'inline form of LIENGANH_CREDENTIALS_FILE; deploy/ mounts the key as a file from a secret',
  LIENGANH_PSEUDONYM_KEY: 'inline form of LIENGANH_PSEUDONYM_KEY_FILE (tests, development); deploy/ mounts the key as a file from a secret',
  LIENGANH_WEBHOOK_ORIGIN: 'the origin coordination names in the webhook validation handshake (ADR 0017); its default, `lienganh`, is what receivers are told to allow',
  LIENGANH_WEBHOOKS: 'inline form of LIENGANH_WEBHOOKS_FILE; deploy/ mounts the receivers as a file from a secret',
  LIENGANH_SNAPSHOTS: "turns off the snapshots of coordination's in-memory store (ADR 0022); deploy/ runs coordination with MongoDB, which takes none",
  LIENGANH_STOP_DEADLINE_MS: "a longer stop for an in-memory coordination saving a large snapshot (ADR 0022); deploy/'s services stop within the default 8 s, inside their grace periods",
  OTEL_SDK_DISABLED: "the SDK's standard off switch, for an operator; deploy/ sets LIENGANH_TELEMETRY",
  LIENGANH_SITE: 'a province site of the national topology (ADR 0024): set by deploy/national/, not by the one-site deployment',
  LIENGANH_NATIONAL: "the hub's national instance (ADR 0024): set by deploy/national/, not by the one-site deployment",
  LIENGANH_NATIONAL_SITES: "the provinces whose summaries the national hub gathers (ADR 0024): set by deploy/national/'s provision job, not by the one-site deployment",
  LIENGANH_UNITS_DIR: "another set of official unit lists (a later reform's); unset, the lists shipped in data/administrative-units",
  TRUST_PROXY: 'names the TLS proxy the operator puts in front (docs/operations.md, "Behind a TLS proxy"), whose address deploy/ cannot know; unset, X-Forwarded-* headers are ignored',
};

/** Reads through a computed name (`env[name]`): the file and the names it may read. */
const DYNAMIC_READS: Record<string, string[]> = {
  'services/platform/src/telemetry/tracing.ts': ['OTEL_TRACES_EXPORTER', 'OTEL_METRICS_EXPORTER'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Reads {
  names: Set<string>;
  /** `env[`${…}_PORT`]`: the literal parts, the rest any upper-case name. */
  patterns: RegExp[];
  /** Files reading a computed name not in DYNAMIC_READS. */
  unexplained: string[];
}

/** What services/*\/src (platform included) read: `env.NAME`, `process.env.NAME`, `env['NAME']`. */
function readsOfServices(): Reads {
  const reads: Reads = { names: new Set(), patterns: [], unexplained: [] };
  const servicesDir = join(repoRoot, 'services');
  for (const service of readdirSync(servicesDir)) {
    for (const file of sourceFiles(join(servicesDir, service, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const path = relative(repoRoot, file);
      for (const match of text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)) reads.names.add(match[1]!);
      for (const match of text.matchAll(/\benv\[\s*(['"])([A-Z][A-Z0-9_]*)\1\s*\]/g)) reads.names.add(match[2]!);
      for (const match of text.matchAll(/\benv\[\s*`([^`]*)`\s*\]/g)) {
        const literal = match[1]!.split(/\$\{[^}]*\}/).map((part) => part.replace(/[^A-Z0-9_]/g, '')).join('[A-Z0-9_]+');
        reads.patterns.push(new RegExp(`^${literal}$`));
      }
      if (/\benv\[\s*[A-Za-z_$]/.test(text)) {
        if (DYNAMIC_READS[path]) for (const name of DYNAMIC_READS[path]) reads.names.add(name);
        else reads.unexplained.push(path);
      }
    }
  }
  return reads;
}

/** Every variable compose sets on a service built from the Dockerfile. */
function composeSets(): Map<string, string[]> {
  const sets = new Map<string, string[]>();
  for (const [name, service] of Object.entries(compose().services as Record<string, Yaml>)) {
    if (!isServiceImage(service.image)) continue;
    for (const variable of Object.keys(service.environment ?? {})) sets.set(variable, [...(sets.get(variable) ?? []), name]);
  }
  return sets;
}

/** Every variable the manifests give a container of a Dockerfile image: env, envFrom ConfigMaps and Secrets. */
function k8sSets(): Map<string, string[]> {
  const objects = k8sObjects();
  const dataOf = (kind: string, name: string) => {
    const object = objects.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
    return Object.keys((kind === 'Secret' ? object?.stringData : object?.data) ?? {});
  };
  const sets = new Map<string, string[]>();
  for (const workload of objects.filter((object) => ['Deployment', 'StatefulSet', 'Job'].includes(object.kind))) {
    for (const container of containersOf(workload).filter((candidate) => isServiceImage(candidate.image))) {
      const where = `${workload.kind}/${workload.metadata.name}`;
      const names = [
        ...(container.env ?? []).map((variable: Yaml) => variable.name as string),
        ...(container.envFrom ?? []).flatMap((source: Yaml) =>
          source.configMapRef ? dataOf('ConfigMap', source.configMapRef.name) : source.secretRef ? dataOf('Secret', source.secretRef.name) : [],
        ),
      ];
      for (const name of names) sets.set(name, [...(sets.get(name) ?? []), where]);
    }
  }
  return sets;
}

describe('environment variables: what the services read, deploy/ sets', () => {
  const reads = readsOfServices();
  const required = [...new Set([...reads.names, ...STANDARD_OTEL])].filter((name) => !(name in ALLOW_UNSET)).sort();
  const platforms = { 'deploy/compose.yaml': composeSets(), 'deploy/k8s': k8sSets() };

  it('finds the reads (the scan itself works)', () => {
    for (const name of ['NATS_URL', 'MONGODB_URI', 'DATA_DIR', 'COORDINATION_PORT', 'NATS_NKEY_SEED_FILE']) expect(reads.names).toContain(name);
    expect(reads.patterns.some((pattern) => pattern.test('POLICE_PORT'))).toBe(true);
    expect(reads.unexplained).toEqual([]);
  });

  it.each(Object.keys(platforms))('%s sets every variable a service reads (or the allow-list says why not)', (platform) => {
    const sets = platforms[platform as keyof typeof platforms];
    const missing = required.filter((name) => !sets.has(name));
    expect({ platform, missing }).toEqual({ platform, missing: [] });
    for (const pattern of reads.patterns) expect({ platform, pattern: String(pattern), set: [...sets.keys()].some((name) => pattern.test(name)) }).toEqual({ platform, pattern: String(pattern), set: true });
  });

  it.each(Object.keys(platforms))('%s sets no variable on a service that no code reads', (platform) => {
    const sets = platforms[platform as keyof typeof platforms];
    const unread = [...sets.keys()].filter((name) => !reads.names.has(name) && !STANDARD_OTEL.includes(name) && !reads.patterns.some((pattern) => pattern.test(name)));
    expect({ platform, unread }).toEqual({ platform, unread: [] });
  });

  it('allows only variables that some service still reads', () => {
    const stale = Object.keys(ALLOW_UNSET).filter((name) => !reads.names.has(name));
    expect(stale).toEqual([]);
  });
});
