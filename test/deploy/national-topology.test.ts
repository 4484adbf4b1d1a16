import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connectToNats, findNatsServerBinary, freePorts, HUB_DOMAIN, hubNatsConfig, provinceCodesFrom, siteDomain, siteNatsConfig } from '@lienganh/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../support/cli.js';
import {
  compose,
  containerEnv,
  containersOf,
  deployDir,
  interpolate,
  isServiceImage,
  k8sObjects,
  kustomization,
  kustomizeBuild,
  nationalCompose,
  nationalDir,
  parseNatsConf,
  podSpec,
  PUBLIC_IMAGES,
  readEnvFile,
  readYaml,
  SERVICE_PORTS,
  serviceImage,
  SERVICES,
  type Yaml,
} from './deploy-files.js';

/**
 * deploy/national/ (issue #24, ADR 0024), checked as deploy/'s one-site files are, without a
 * container engine: the hub (a three-node NATS cluster in the domain `hub` taking the sites on its
 * leaf port, its provisioning gathering the sites' summaries, coordination's national instance) and
 * the province sites (each its own nats-server in its own domain, a leaf node dialling every hub
 * node, its provisioning, its coordination and agency services), in compose and Kubernetes. The
 * services run with deploy/'s one-site settings, bar what the topology changes; the NATS
 * configurations pass `nats-server -t` as compose and Kubernetes mount them, with the secrets
 * scripts/deploy-secrets.mjs makes, and a hub node and a site run from them connect.
 */

const execFileAsync = promisify(execFile);
const nats = findNatsServerBinary();
const HUB_NAMESPACE = 'lienganh-hub';
const siteNamespace = (code: string) => `lienganh-p${code}`;
const leafPasswordVariable = (code: string) => `LIENGANH_LEAF_PASSWORD_P${code}`;
const omit = (object: Yaml, ...keys: string[]) => Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
/** nats-server's own port for leaf connections, which the hub listens on. */
const LEAF_PORT = 7422;

/** The secrets of a deployment of deploy/national/, made by the script into a directory of their own. */
let secretsDir: string;
let dotEnv: Record<string, string>;
const tempDirs: string[] = [];
const tempDir = (name: string) => {
  const dir = mkdtempSync(join(tmpdir(), `lienganh-national-${name}-`));
  tempDirs.push(dir);
  return dir;
};
const runSecrets = (dir: string, ...flags: string[]) => execFileAsync(process.execPath, [join(repoRoot, 'scripts', 'deploy-secrets.mjs'), '--deploy-dir', dir, ...flags], { cwd: repoRoot });

beforeAll(async () => {
  secretsDir = tempDir('secrets');
  await runSecrets(secretsDir, '--national', '--k8s');
  dotEnv = readEnvFile(join(secretsDir, '.env'));
}, 60_000);
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A path of deploy/national/compose.yaml (relative to deploy/national/) that names a generated secret: where the script wrote it. */
function generated(path: string): string {
  const inDeploy = relative(deployDir, resolve(nationalDir, path));
  expect({ path, generated: inDeploy.startsWith('secrets/') }).toEqual({ path, generated: true });
  return join(secretsDir, inDeploy);
}

describe('deploy/national/compose.yaml', () => {
  const file = nationalCompose();
  const services = file.services as Record<string, Yaml>;
  const oneSite = compose().services as Record<string, Yaml>;
  const hubNodes = Object.keys(services).filter((name) => /^hub-nats-\d$/.test(name)).sort();
  const sites = Object.keys(services).flatMap((name) => /^p(\d{2})-nats$/.exec(name)?.[1] ?? []).sort();
  const siteNatsUrl = 'nats://nats-0.nats:4222';
  /** A service's environment as the container gets it: compose interpolates from deploy/.env (--env-file). */
  const environment = (name: string) => Object.fromEntries(Object.entries((services[name]!.environment ?? {}) as Record<string, string>).map(([key, value]) => [key, interpolate(String(value), dotEnv)]));

  it('runs the hub of three NATS nodes and the two province sites, Hà Nội (01) and Hồ Chí Minh City (79)', () => {
    expect(hubNodes).toEqual(['hub-nats-0', 'hub-nats-1', 'hub-nats-2']);
    expect(sites).toEqual(['01', '79']);
    expect(Object.keys(file.networks).sort()).toEqual(['hub', 'national', ...sites.map((code) => `p${code}`)].sort());
  });

  it('runs only images the Dockerfile builds (from the repository, as deploy/compose.yaml does) or pinned public ones', () => {
    for (const [name, service] of Object.entries(services)) {
      const image = service.image as string;
      if (isServiceImage(image)) {
        const built = SERVICES.find((candidate) => image === serviceImage(candidate));
        expect({ name, image, built: built !== undefined }).toEqual({ name, image, built: true });
        expect({ name, build: service.build }).toEqual({ name, build: { context: '../..', dockerfile: 'Dockerfile', args: { SERVICE: built } } });
        expect(resolve(nationalDir, service.build.context)).toBe(resolve(repoRoot));
      } else {
        expect({ name, image, pinned: PUBLIC_IMAGES.includes(image) }).toEqual({ name, image, pinned: true });
      }
    }
  });

  it.each(['01', '79'])('runs at site %s every service on its conventional port, published 100 higher per site, checked for readiness there, once its own streams exist', (code) => {
    const offset = (sites.indexOf(code) + 1) * 100;
    for (const service of SERVICES) {
      const name = `p${code}-${service}`;
      const entry = services[name]!;
      const port = SERVICE_PORTS[service]!;
      expect({ name, image: entry.image }).toEqual({ name, image: serviceImage(service) });
      expect(entry.environment[`${service.toUpperCase()}_PORT`]).toBe(String(port));
      expect(entry.ports).toEqual([`\${LIENGANH_PUBLISH_ADDRESS:-127.0.0.1}:${port + offset}:${port}`]);
      expect(entry.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${port}/readyz`);
      expect(entry.restart).toBe('unless-stopped');
      // Its site's network only, after its site's streams: nothing of a site waits for the hub.
      expect({ name, networks: entry.networks }).toEqual({ name, networks: [`p${code}`] });
      expect(entry.depends_on[`p${code}-provision-streams`]).toEqual({ condition: 'service_completed_successfully' });
      expect(Object.keys(entry.depends_on).filter((dependency) => !dependency.startsWith(`p${code}-`))).toEqual([]);
    }
    // No two services publish the same host port.
    const published = Object.values(services).flatMap((entry) => (entry.ports ?? []) as string[]).map((port) => port.split(':').at(-2));
    expect(new Set(published).size).toBe(published.length);
  });

  it("runs each service with deploy/compose.yaml's settings: only NATS_URL, the site or national switch and the store differ", () => {
    for (const code of sites) {
      for (const service of SERVICES) {
        const name = `p${code}-${service}`;
        const entry = services[name]!;
        const original = oneSite[service]!;
        // The site's one server; coordination without MongoDB (in memory, snapshots in the site's JetStream), with its site.
        const expected = { ...omit(original.environment, 'MONGODB_URI'), NATS_URL: siteNatsUrl, ...(service === 'coordination' ? { LIENGANH_SITE: `p${code}` } : {}) };
        expect({ name, environment: entry.environment }).toEqual({ name, environment: expected });
        expect({ name, secrets: entry.secrets, healthcheck: entry.healthcheck, args: entry.build.args }).toEqual({ name, secrets: original.secrets, healthcheck: original.healthcheck, args: original.build.args });
        if (original.volumes) expect({ name, volumes: entry.volumes }).toEqual({ name, volumes: [`p${code}-${original.volumes[0]}`] });
      }
    }
    const hub = services['hub-coordination']!;
    expect(hub.environment).toEqual({ ...omit(oneSite.coordination!.environment, 'MONGODB_URI'), LIENGANH_NATIONAL: 'on' });
    expect({ secrets: hub.secrets, healthcheck: hub.healthcheck, ports: hub.ports }).toEqual({ secrets: oneSite.coordination!.secrets, healthcheck: oneSite.coordination!.healthcheck, ports: oneSite.coordination!.ports });
    expect(hub.networks).toEqual(['hub']);
    // The hub runs no agency service: the sites take the events.
    expect(Object.keys(services).filter((name) => name.startsWith('hub-') && SERVICES.some((service) => name === `hub-${service}`))).toEqual(['hub-coordination']);
    // The same shared NATS_URL as the one-site cluster: the hub's nodes have the one-site nodes' names in their network.
    expect(hub.environment.NATS_URL).toBe(oneSite.coordination!.environment.NATS_URL);
  });

  it("has each site's coordination publish for its own domain, and the hub's serve the national view", () => {
    for (const code of sites) {
      const coordination = environment(`p${code}-coordination`);
      expect({ code, site: coordination.LIENGANH_SITE, national: coordination.LIENGANH_NATIONAL }).toEqual({ code, site: siteDomain(code), national: undefined });
      // Its nats-server's JetStream domain (site-nats.conf: domain: $LIENGANH_SITE) is the same.
      expect(environment(`p${code}-nats`).LIENGANH_SITE).toBe(coordination.LIENGANH_SITE);
    }
    expect(environment('hub-coordination')).toMatchObject({ LIENGANH_NATIONAL: 'on' });
    expect(environment('hub-coordination').LIENGANH_SITE).toBeUndefined();
  });

  it('provisions the hub with three replicas, gathering exactly the sites, and each site with one', () => {
    const hub = environment('hub-provision-streams');
    expect(hub.LIENGANH_STREAM_REPLICAS).toBe('3');
    expect(provinceCodesFrom(hub.LIENGANH_NATIONAL_SITES!).sort()).toEqual(sites);
    expect(hub.NATS_URL).toBe(services['hub-coordination']!.environment.NATS_URL);
    expect(Object.keys(services['hub-provision-streams']!.depends_on).sort()).toEqual(hubNodes);
    for (const code of sites) {
      const site = environment(`p${code}-provision-streams`);
      expect({ code, replicas: site.LIENGANH_STREAM_REPLICAS, national: site.LIENGANH_NATIONAL_SITES, url: site.NATS_URL }).toEqual({ code, replicas: '1', national: undefined, url: siteNatsUrl });
      expect(services[`p${code}-provision-streams`]!.depends_on).toEqual({ [`p${code}-nats`]: { condition: 'service_healthy' } });
    }
    // The one-site provisioning job otherwise: its command, its image, the operator's identity.
    for (const name of ['hub-provision-streams', ...sites.map((code) => `p${code}-provision-streams`)]) {
      const { command, image, secrets, working_dir } = services[name]!;
      expect({ name, command, image, secrets, working_dir }).toEqual({ name, command: oneSite['provision-streams']!.command, image: oneSite['provision-streams']!.image, secrets: oneSite['provision-streams']!.secrets, working_dir: '/app' });
    }
  });

  it('runs the hub nodes and the sites’ servers from the national confs, under the names the confs and the services use', () => {
    for (const [index, node] of hubNodes.entries()) {
      const service = services[node]!;
      expect(service.volumes).toEqual(['./hub-nats.conf:/etc/nats/nats.conf:ro', '../nats/auth.conf:/etc/nats/auth.conf:ro', `${node}:/data`]);
      expect(service.networks).toEqual({ hub: { aliases: [`nats-${index}.nats`] }, national: {} });
      expect(environment(node)).toMatchObject({ NATS_SERVER_NAME: node, NATS_LEAF_ADVERTISE: `${node}:${LEAF_PORT}` });
      expect(readFileSync(join(nationalDir, 'hub-nats.conf'), 'utf8')).toContain(`nats-route://nats-${index}.nats:6222`);
    }
    for (const code of sites) {
      const service = services[`p${code}-nats`]!;
      expect(service.volumes).toEqual(['./site-nats.conf:/etc/nats/nats.conf:ro', '../nats/auth.conf:/etc/nats/auth.conf:ro', `p${code}-nats:/data`]);
      expect(service.networks).toEqual({ [`p${code}`]: { aliases: ['nats-0.nats'] }, national: {} });
      expect(environment(`p${code}-nats`).NATS_SERVER_NAME).toBe(`p${code}-nats-0`);
    }
    // Only the NATS servers are on the lines between the provinces and the hub.
    const onNational = Object.entries(services).filter(([, service]) => !Array.isArray(service.networks) && 'national' in (service.networks ?? {})).map(([name]) => name).sort();
    expect(onNational).toEqual([...hubNodes, ...sites.map((code) => `p${code}-nats`)].sort());
    // Every server's name differs (the hub's and the sites' are one NATS system).
    const names = [...hubNodes, ...sites.map((code) => `p${code}-nats`)].map((name) => environment(name).NATS_SERVER_NAME);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [...hubNodes, ...sites.map((code) => `p${code}-nats`)]) {
      expect(services[name]!.command).toEqual(['nats-server', '--config', '/etc/nats/nats.conf']);
      expect(services[name]!.healthcheck.test.join(' ')).toContain('http://127.0.0.1:8222/healthz?js-enabled-only=true');
    }
  });

  it("has every site's leaf remote dial all three hub nodes, as the site's user with the password the hub holds for it", () => {
    for (const code of sites) {
      const env = environment(`p${code}-nats`);
      const urls = Object.keys(env).filter((name) => name.startsWith('LIENGANH_HUB_LEAF_URL_')).sort().map((name) => new URL(env[name]!));
      expect(urls.map((url) => `${url.protocol}//${url.host}`).sort()).toEqual(hubNodes.map((node) => environment(node).NATS_LEAF_ADVERTISE).map((address) => `nats-leaf://${address}`).sort());
      for (const url of urls) expect({ code, user: url.username, password: url.password }).toEqual({ code, user: `site-${siteDomain(code)}`, password: dotEnv[leafPasswordVariable(code)] });
      // The hub's nodes hold that very password (compose interpolates both from deploy/.env).
      for (const node of hubNodes) expect(environment(node)[leafPasswordVariable(code)]).toBe(dotEnv[leafPasswordVariable(code)]);
    }
  });

  it('references only secrets, volumes, networks, services and files that exist (generated secrets under deploy/secrets)', () => {
    const secrets = Object.keys(file.secrets);
    const volumes = Object.keys(file.volumes);
    const networks = Object.keys(file.networks);
    for (const [name, service] of Object.entries(services)) {
      for (const secret of service.secrets ?? []) expect({ name, secret: secrets.includes(typeof secret === 'string' ? secret : secret.source) }).toEqual({ name, secret: true });
      for (const dependency of Object.keys(service.depends_on ?? {})) expect({ name, dependency, exists: dependency in services }).toEqual({ name, dependency, exists: true });
      for (const network of Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {})) expect({ name, network, declared: networks.includes(network) }).toEqual({ name, network, declared: true });
      expect({ name, networked: (Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {})).length > 0 }).toEqual({ name, networked: true });
      for (const mount of service.volumes ?? []) {
        const source = (mount as string).split(':')[0]!;
        if (source.startsWith('.')) expect({ name, source, exists: existsSync(resolve(nationalDir, source)) }).toEqual({ name, source, exists: true });
        else expect({ name, source, declared: volumes.includes(source) }).toEqual({ name, source, declared: true });
      }
      for (const envFile of service.env_file ?? []) expect(existsSync(generated(envFile))).toBe(true);
    }
    // Every secret file is one the script writes (and so is git-ignored), never one of deploy/national/.
    for (const secret of Object.values(file.secrets) as { file: string }[]) expect({ file: secret.file, written: existsSync(generated(secret.file)) }).toEqual({ file: secret.file, written: true });
    // Whatever compose interpolates as required is in the .env the script writes.
    const required = [...readFileSync(join(nationalDir, 'compose.yaml'), 'utf8').matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((match) => match[1]!);
    expect(new Set(required)).toEqual(new Set(sites.map(leafPasswordVariable)));
  });
});

describe('deploy/national/k8s', () => {
  const root = join(nationalDir, 'k8s');
  const objects = kustomizeBuild(root);
  const template = parseAllDocuments(readFileSync(join(root, 'secrets.template.yaml'), 'utf8')).map((document) => document.toJS() as Yaml);
  const oneSiteObjects = k8sObjects();
  const oneSiteTemplate = oneSiteObjects.filter((object) => object.file === 'secrets.template.yaml');
  const workloads = objects.filter((object) => ['Deployment', 'StatefulSet', 'Job'].includes(object.kind));
  const named = (namespace: string, kind: string, name: string) => objects.find((object) => object.metadata.namespace === namespace && object.kind === kind && object.metadata.name === name);
  const oneSite = (kind: string, name: string) => oneSiteObjects.find((object) => object.kind === kind && object.metadata.name === name)!;
  const sites = objects.flatMap((object) => (object.kind === 'Namespace' ? (/^lienganh-p(\d{2})$/.exec(object.metadata.name)?.[1] ?? []) : [])).sort();
  const namespaces = [HUB_NAMESPACE, ...sites.map(siteNamespace)];
  const containerOf = (workload: Yaml) => (podSpec(workload)!.containers as Yaml[])[0]!;

  /** What a pod of a namespace is given: its namespace's ConfigMaps, and the Secrets the script fills (the one-site ones in every namespace). */
  function podOf(namespace: string, name: string) {
    const configMaps = Object.fromEntries(objects.filter((object) => object.kind === 'ConfigMap' && object.metadata.namespace === namespace).map((object) => [object.metadata.name as string, object.data as Record<string, string>]));
    const filled = (path: string) => parseAllDocuments(readFileSync(join(secretsDir, 'secrets', path), 'utf8')).map((document) => document.toJS() as Yaml);
    const secrets = Object.fromEntries([...filled('k8s-secrets.yaml'), ...filled('k8s-national-secrets.yaml').filter((secret) => secret.metadata.namespace === namespace)].map((secret) => [secret.metadata.name as string, secret.stringData as Record<string, string>]));
    return { name, namespace, configMaps, secrets };
  }

  it('builds the hub and each site into a namespace of its own, with named objects, each once', () => {
    expect(sites).toEqual(['01', '79']);
    expect(objects.filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name).sort()).toEqual([...namespaces].sort());
    for (const object of objects) {
      expect(typeof object.apiVersion).toBe('string');
      expect(typeof object.kind).toBe('string');
      expect(typeof object.metadata?.name).toBe('string');
      if (object.kind !== 'Namespace') expect({ object: `${object.kind}/${object.metadata.name}`, namespace: namespaces.includes(object.metadata.namespace) }).toEqual({ object: `${object.kind}/${object.metadata.name}`, namespace: true });
    }
    const keys = objects.map((object) => `${object.metadata.namespace}/${object.kind}/${object.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    // The ConfigMaps of the NATS servers are made from the files compose mounts.
    const natsConfig = (namespace: string) => named(namespace, 'ConfigMap', 'nats-config')!.data;
    expect(natsConfig(HUB_NAMESPACE)).toEqual({ 'nats.conf': readFileSync(join(nationalDir, 'hub-nats.conf'), 'utf8'), 'auth.conf': readFileSync(join(deployDir, 'nats', 'auth.conf'), 'utf8') });
    for (const code of sites) expect(natsConfig(siteNamespace(code))).toEqual({ 'nats.conf': readFileSync(join(nationalDir, 'site-nats.conf'), 'utf8'), 'auth.conf': readFileSync(join(deployDir, 'nats', 'auth.conf'), 'utf8') });
    for (const namespace of namespaces) expect(named(namespace, 'ConfigMap', 'otel-collector-config')!.data).toEqual({ 'config.yaml': readFileSync(join(deployDir, 'otel-collector.yaml'), 'utf8') });
    // The secrets template is not built (applying the kustomization never overwrites the Secrets).
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
  });

  it('runs only images the Dockerfile builds or pinned public ones, retagged as deploy/kustomization.yaml does', () => {
    for (const workload of workloads) {
      for (const container of containersOf(workload)) {
        const image = container.image as string;
        const ok = isServiceImage(image) ? SERVICES.some((service) => image === serviceImage(service)) : PUBLIC_IMAGES.includes(image);
        expect({ workload: workload.metadata.name, image, ok }).toEqual({ workload: workload.metadata.name, image, ok: true });
      }
    }
    expect(readYaml(join(root, 'kustomization.yaml')).images).toEqual(kustomization().images);
  });

  it.each(['01', '79'])('runs at site %s every service as a workload and a Service on its port, with /healthz liveness and /readyz readiness probes', (code) => {
    const namespace = siteNamespace(code);
    for (const service of SERVICES) {
      const port = SERVICE_PORTS[service]!;
      const statefulSet = named(namespace, 'StatefulSet', service)!;
      expect({ service, defined: statefulSet !== undefined }).toEqual({ service, defined: true });
      const container = containerOf(statefulSet);
      expect(container.image).toBe(serviceImage(service));
      expect(container.ports).toEqual([{ name: 'http', containerPort: port }]);
      expect(container.env).toContainEqual({ name: `${service.toUpperCase()}_PORT`, value: String(port) });
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      const serviceObject = named(namespace, 'Service', service)!;
      expect(serviceObject.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
      expect(podSpec(statefulSet)!.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    }
    // The hub runs coordination alone of the services.
    expect(workloads.filter((workload) => workload.metadata.namespace === HUB_NAMESPACE && SERVICES.includes(workload.metadata.name)).map((workload) => workload.metadata.name)).toEqual(['coordination']);
  });

  it("runs each service with deploy/k8s's manifests: the same, or differing only in what the topology changes", () => {
    const container = (object: Yaml) => containerOf(object);
    for (const namespace of namespaces) {
      for (const workload of workloads.filter((candidate) => candidate.metadata.namespace === namespace && SERVICES.includes(candidate.metadata.name) && candidate.metadata.name !== 'coordination')) {
        // The agency services and reporting are deploy/k8s's very files.
        expect({ workload: workload.metadata.name, file: workload.file }).toEqual({ workload: workload.metadata.name, file: `deploy/k8s/${workload.metadata.name}.yaml` });
      }
      const coordination = named(namespace, 'StatefulSet', 'coordination')!;
      const original = oneSite('StatefulSet', 'coordination');
      const switchVariable = namespace === HUB_NAMESPACE ? { name: 'LIENGANH_NATIONAL', value: 'on' } : { name: 'LIENGANH_SITE', valueFrom: { configMapKeyRef: { name: 'lienganh-site', key: 'LIENGANH_SITE' } } };
      // Without MongoDB (in memory, snapshots in the namespace's JetStream), with the site or national switch.
      expect([...container(coordination).env].sort((a: Yaml, b: Yaml) => a.name.localeCompare(b.name))).toEqual(
        [...container(original).env.filter((variable: Yaml) => variable.name !== 'MONGODB_URI'), switchVariable].sort((a: Yaml, b: Yaml) => a.name.localeCompare(b.name)),
      );
      expect(omit(container(coordination), 'env', 'resources')).toEqual(omit(container(original), 'env', 'resources'));
      expect(omit(podSpec(coordination)!, 'containers')).toEqual(omit(podSpec(original)!, 'containers'));
      expect(named(namespace, 'Service', 'coordination')!.spec).toEqual(oneSite('Service', 'coordination').spec);
      // The shared configuration: the hub's is the one-site one (the same three node names); a site's names its one server.
      const config = named(namespace, 'ConfigMap', 'lienganh-config')!.data;
      expect(config).toEqual({ ...oneSite('ConfigMap', 'lienganh-config').data, ...(namespace === HUB_NAMESPACE ? {} : { NATS_URL: 'nats://nats-0.nats:4222' }) });
    }
  });

  it("has each site's coordination publish for its namespace's domain, and the hub's serve the national view", () => {
    for (const code of sites) {
      const namespace = siteNamespace(code);
      const coordination = containerEnv(containerOf(named(namespace, 'StatefulSet', 'coordination')!), podOf(namespace, 'coordination-0'));
      expect({ namespace, site: coordination.LIENGANH_SITE, national: coordination.LIENGANH_NATIONAL }).toEqual({ namespace, site: siteDomain(code), national: undefined });
      const server = containerEnv(containerOf(named(namespace, 'StatefulSet', 'nats')!), podOf(namespace, 'nats-0'));
      expect(server.LIENGANH_SITE).toBe(coordination.LIENGANH_SITE);
    }
    const hub = containerEnv(containerOf(named(HUB_NAMESPACE, 'StatefulSet', 'coordination')!), podOf(HUB_NAMESPACE, 'coordination-0'));
    expect({ national: hub.LIENGANH_NATIONAL, site: hub.LIENGANH_SITE }).toEqual({ national: 'on', site: undefined });
  });

  it('provisions the hub with three replicas, gathering exactly the sites, and each site with one', () => {
    const original = containerOf(oneSite('Job', 'provision-streams'));
    for (const namespace of namespaces) {
      const job = named(namespace, 'Job', 'provision-streams')!;
      const env = containerEnv(containerOf(job), podOf(namespace, 'provision-streams'));
      if (namespace === HUB_NAMESPACE) {
        expect(env.LIENGANH_STREAM_REPLICAS).toBe('3');
        expect(provinceCodesFrom(env.LIENGANH_NATIONAL_SITES!).sort()).toEqual(sites);
      } else {
        expect({ namespace, replicas: env.LIENGANH_STREAM_REPLICAS, national: env.LIENGANH_NATIONAL_SITES }).toEqual({ namespace, replicas: '1', national: undefined });
      }
      expect(omit(containerOf(job), 'env')).toEqual(omit(original, 'env'));
      expect(podSpec(job)!.volumes).toEqual(podSpec(oneSite('Job', 'provision-streams'))!.volumes);
    }
    expect(named(HUB_NAMESPACE, 'StatefulSet', 'nats')!.spec).toMatchObject({ replicas: 3, serviceName: 'nats' });
    for (const code of sites) expect(named(siteNamespace(code), 'StatefulSet', 'nats')!.spec).toMatchObject({ replicas: 1, serviceName: 'nats' });
  });

  it("has every site's leaf remote dial all three hub nodes where they advertise their leaf port, as the site's user with its password", () => {
    const hubNats = named(HUB_NAMESPACE, 'StatefulSet', 'nats')!;
    const nodes = Array.from({ length: hubNats.spec.replicas as number }, (_, index) => `nats-${index}`);
    const advertised = nodes.map((node) => containerEnv(containerOf(hubNats), podOf(HUB_NAMESPACE, node)).NATS_LEAF_ADVERTISE!);
    // A pod's DNS name behind the hub's headless Service, on the port the hub listens on for leaf nodes.
    expect(advertised).toEqual(nodes.map((node) => `${node}.${hubNats.spec.serviceName}.${HUB_NAMESPACE}.svc:${LEAF_PORT}`));
    expect(named(HUB_NAMESPACE, 'Service', 'nats')!.spec.ports).toContainEqual({ name: 'leafnodes', port: LEAF_PORT, targetPort: 'leafnodes' });
    const national = Object.fromEntries(parseAllDocuments(readFileSync(join(secretsDir, 'secrets', 'k8s-national-secrets.yaml'), 'utf8')).map((document) => document.toJS() as Yaml).map((secret) => [`${secret.metadata.namespace}/${secret.metadata.name}`, secret.stringData]));
    for (const code of sites) {
      const namespace = siteNamespace(code);
      const env = containerEnv(containerOf(named(namespace, 'StatefulSet', 'nats')!), podOf(namespace, 'nats-0'));
      const urls = Object.keys(env).filter((name) => name.startsWith('LIENGANH_HUB_LEAF_URL_')).sort().map((name) => new URL(env[name]!));
      expect(urls.map((url) => url.host).sort()).toEqual([...advertised].sort());
      for (const url of urls) expect({ code, protocol: url.protocol, user: url.username, password: url.password }).toEqual({ code, protocol: 'nats-leaf:', user: `site-${siteDomain(code)}`, password: dotEnv[leafPasswordVariable(code)] });
      // The hub's nodes hold the same password, from their Secret.
      expect(national[`${HUB_NAMESPACE}/leaf-passwords`][leafPasswordVariable(code)]).toBe(env.LIENGANH_LEAF_PASSWORD);
      expect(env.NATS_SERVER_NAME).toBe(`p${code}-nats-0`);
    }
    expect(nodes.map((node) => containerEnv(containerOf(hubNats), podOf(HUB_NAMESPACE, node)).NATS_SERVER_NAME)).toEqual(nodes.map((node) => `hub-${node}`));
  });

  it('gives every container resource requests and limits', () => {
    for (const workload of workloads) {
      for (const container of containersOf(workload)) {
        const { requests, limits } = container.resources ?? {};
        expect({ workload: `${workload.metadata.namespace}/${workload.metadata.name}`, requests: Object.keys(requests ?? {}).sort(), limits: Object.keys(limits ?? {}).sort() }).toEqual({
          workload: `${workload.metadata.namespace}/${workload.metadata.name}`,
          requests: ['cpu', 'memory'],
          limits: ['cpu', 'memory'],
        });
      }
    }
  });

  it('references only ConfigMaps, Secrets, volumes and ports its namespace has (the Secrets: the national template, or the one-site ones)', () => {
    for (const workload of workloads) {
      const namespace = workload.metadata.namespace as string;
      const where = `${namespace}/${workload.kind}/${workload.metadata.name}`;
      const configMaps = new Map(objects.filter((object) => object.kind === 'ConfigMap' && object.metadata.namespace === namespace).map((object) => [object.metadata.name as string, Object.keys(object.data)]));
      const secretKeys = new Map([...oneSiteTemplate, ...template.filter((secret) => secret.metadata.namespace === namespace)].map((secret) => [secret.metadata.name as string, Object.keys(secret.stringData ?? {})]));
      const need = (kind: string, map: Map<string, string[]>, name: string, key?: string) => {
        expect({ where, kind, name, defined: map.has(name) }).toEqual({ where, kind, name, defined: true });
        if (key) expect({ where, kind, name, key, defined: map.get(name)!.includes(key) }).toEqual({ where, kind, name, key, defined: true });
      };
      const spec = podSpec(workload)!;
      const volumes = new Set([...(spec.volumes ?? []).map((volume: Yaml) => volume.name), ...(workload.spec.volumeClaimTemplates ?? []).map((claim: Yaml) => claim.metadata.name)]);
      for (const volume of spec.volumes ?? []) {
        if (volume.configMap) need('ConfigMap', configMaps, volume.configMap.name);
        if (volume.secret) for (const item of volume.secret.items ?? [{}]) need('Secret', secretKeys, volume.secret.secretName, item.key);
      }
      for (const container of containersOf(workload)) {
        for (const source of container.envFrom ?? []) {
          if (source.configMapRef) need('ConfigMap', configMaps, source.configMapRef.name);
          if (source.secretRef) need('Secret', secretKeys, source.secretRef.name);
        }
        for (const variable of container.env ?? []) {
          if (variable.valueFrom?.configMapKeyRef) need('ConfigMap', configMaps, variable.valueFrom.configMapKeyRef.name, variable.valueFrom.configMapKeyRef.key);
          if (variable.valueFrom?.secretKeyRef) need('Secret', secretKeys, variable.valueFrom.secretKeyRef.name, variable.valueFrom.secretKeyRef.key);
        }
        for (const mount of container.volumeMounts ?? []) expect({ where, mount: mount.name, declared: volumes.has(mount.name) }).toEqual({ where, mount: mount.name, declared: true });
        const portNames = new Set((container.ports ?? []).map((port: Yaml) => port.name));
        // What keeps running is probed (a Job runs once and exits).
        if (workload.kind !== 'Job') expect({ where, liveness: container.livenessProbe?.httpGet !== undefined, readiness: container.readinessProbe?.httpGet !== undefined }).toEqual({ where, liveness: true, readiness: true });
        for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
          if (probe?.httpGet) expect({ where, probePort: probe.httpGet.port, declared: portNames.has(probe.httpGet.port) }).toEqual({ where, probePort: probe.httpGet.port, declared: true });
        }
      }
    }
    // Every Service selects pods of a workload of its namespace and targets a port they name.
    for (const service of objects.filter((object) => object.kind === 'Service')) {
      const where = `${service.metadata.namespace}/${service.metadata.name}`;
      const workload = workloads.find((candidate) => candidate.metadata.namespace === service.metadata.namespace && Object.entries(service.spec.selector).every(([key, value]) => candidate.spec.template.metadata.labels[key] === value))!;
      expect({ where, selects: workload !== undefined }).toEqual({ where, selects: true });
      const portNames = containersOf(workload).flatMap((container) => (container.ports ?? []).map((port: Yaml) => port.name));
      for (const port of service.spec.ports) expect({ where, targetPort: port.targetPort, named: portNames.includes(port.targetPort) }).toEqual({ where, targetPort: port.targetPort, named: true });
    }
    // The template holds no secret: every value is a placeholder; each Secret names its namespace.
    for (const secret of template) {
      expect(namespaces).toContain(secret.metadata.namespace);
      for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) expect({ secret: secret.metadata.name, key, placeholder: /^REPLACE_WITH_/.test(value) }).toEqual({ secret: secret.metadata.name, key, placeholder: true });
    }
  });
});

describe('deploy/national NATS configurations', () => {
  const hubConf = parseNatsConf(readFileSync(join(nationalDir, 'hub-nats.conf'), 'utf8'));
  const siteConf = parseNatsConf(readFileSync(join(nationalDir, 'site-nats.conf'), 'utf8'));
  const services = nationalCompose().services as Record<string, Yaml>;
  const sites = Object.keys(services).flatMap((name) => /^p(\d{2})-nats$/.exec(name)?.[1] ?? []).sort();
  const natsServices = Object.keys(services).filter((name) => /^(hub-nats-\d|p\d{2}-nats)$/.test(name));

  it('puts the hub in its domain with a leaf port whose users are exactly the sites, each with its own password variable', () => {
    expect(hubConf.jetstream).toMatchObject({ domain: HUB_DOMAIN, store_dir: '/data' });
    // What the platform writes for a hub node (ADR 0024), which the tests of test/nationwide run.
    expect(parseNatsConf(hubNatsConfig({ leafPort: LEAF_PORT, sites: [] })).jetstream.domain).toBe(hubConf.jetstream.domain);
    expect(hubConf.leafnodes.listen).toBe(`0.0.0.0:${LEAF_PORT}`);
    expect(hubConf.leafnodes.advertise).toBe('$NATS_LEAF_ADVERTISE');
    expect(hubConf.leafnodes.authorization.users).toEqual(sites.map((code) => ({ user: `site-${siteDomain(code)}`, password: `$${leafPasswordVariable(code)}` })));
    expect(hubConf.cluster.routes).toEqual(['nats-route://nats-0.nats:6222', 'nats-route://nats-1.nats:6222', 'nats-route://nats-2.nats:6222']);
    expect(hubConf.include).toBe('./auth.conf');
  });

  it("puts each site in its own domain, a leaf node dialling every hub node and keeping the backbone's subjects to itself", () => {
    expect(siteConf.jetstream).toMatchObject({ domain: '$LIENGANH_SITE', store_dir: '/data' });
    expect(siteConf.leafnodes.listen).toBeUndefined();
    const [remote, ...others] = siteConf.leafnodes.remotes as Yaml[];
    expect(others).toEqual([]);
    expect(remote!.urls).toEqual(['$LIENGANH_HUB_LEAF_URL_0', '$LIENGANH_HUB_LEAF_URL_1', '$LIENGANH_HUB_LEAF_URL_2']);
    // The platform's site configuration denies the same subjects both ways (ADR 0024).
    const platform = parseNatsConf(siteNatsConfig({ storeDir: '/data', domain: 'p01', hubLeafUrls: ['nats-leaf://127.0.0.1:7422'], credentials: { user: 'site-p01', password: 'x' } })).leafnodes.remotes[0];
    expect({ deny_imports: remote!.deny_imports, deny_exports: remote!.deny_exports }).toEqual({ deny_imports: platform.deny_imports, deny_exports: platform.deny_exports });
    expect(remote!.deny_imports).toEqual(['pcmd.>']);
    expect(siteConf.include).toBe('./auth.conf');
  });

  /** A compose NATS service's mounts under /etc/nats, copied into a directory as the container sees them; its environment as compose gives it. */
  function asComposeMounts(name: string): { conf: string; env: NodeJS.ProcessEnv } {
    const service = services[name]!;
    const dir = tempDir(`compose-${name}`);
    for (const mount of service.volumes as string[]) {
      const [source, target] = mount.split(':') as [string, string];
      if (target.startsWith('/etc/nats/')) copyFileSync(resolve(nationalDir, source), join(dir, basename(target)));
    }
    const fromFiles = Object.assign({}, ...((service.env_file ?? []) as string[]).map((path) => readEnvFile(generated(path))));
    const env = Object.fromEntries(Object.entries(service.environment as Record<string, string>).map(([key, value]) => [key, interpolate(String(value), dotEnv)]));
    expect(service.command).toEqual(['nats-server', '--config', '/etc/nats/nats.conf']);
    return { conf: join(dir, 'nats.conf'), env: { PATH: process.env.PATH, ...fromFiles, ...env } };
  }

  it.each(['hub-nats-0', 'hub-nats-1', 'hub-nats-2', 'p01-nats', 'p79-nats'])('passes `nats-server -t` as compose runs %s, with the generated secrets', async (name) => {
    expect(natsServices).toContain(name);
    const { conf, env } = asComposeMounts(name);
    const { stderr } = await execFileAsync(nats, ['-t', '-c', conf], { env });
    expect(stderr).toContain('is valid');
  });

  it('is refused without a site’s password, or with one nats-server would not read as a string: the check can fail', async () => {
    const hub = asComposeMounts('hub-nats-0');
    const missing = execFileAsync(nats, ['-t', '-c', hub.conf], { env: { ...hub.env, [leafPasswordVariable('79')]: undefined } });
    await expect(missing).rejects.toMatchObject({ stderr: expect.stringContaining(`variable reference for '${leafPasswordVariable('79')}'`) });
    await expect(execFileAsync(nats, ['-t', '-c', hub.conf], { env: { ...hub.env, [leafPasswordVariable('01')]: '1234567' } })).rejects.toMatchObject({ code: 1 });
    const site = asComposeMounts('p01-nats');
    const noUrl = execFileAsync(nats, ['-t', '-c', site.conf], { env: { ...site.env, LIENGANH_HUB_LEAF_URL_2: undefined } });
    await expect(noUrl).rejects.toMatchObject({ stderr: expect.stringContaining("variable reference for 'LIENGANH_HUB_LEAF_URL_2'") });
  });

  it('passes `nats-server -t` as Kubernetes runs every NATS pod (ConfigMap nats-config at /etc/nats, environment from the pod, its ConfigMaps and the filled Secrets)', async () => {
    const objects = kustomizeBuild(join(nationalDir, 'k8s'));
    const filled = (path: string) => parseAllDocuments(readFileSync(join(secretsDir, 'secrets', path), 'utf8')).map((document) => document.toJS() as Yaml);
    const statefulSets = objects.filter((object) => object.kind === 'StatefulSet' && object.metadata.name === 'nats');
    expect(statefulSets.map((object) => object.metadata.namespace).sort()).toEqual([HUB_NAMESPACE, ...sites.map(siteNamespace)].sort());
    for (const statefulSet of statefulSets) {
      const namespace = statefulSet.metadata.namespace as string;
      const configMaps = Object.fromEntries(objects.filter((object) => object.kind === 'ConfigMap' && object.metadata.namespace === namespace).map((object) => [object.metadata.name as string, object.data as Record<string, string>]));
      const secrets = Object.fromEntries([...filled('k8s-secrets.yaml'), ...filled('k8s-national-secrets.yaml').filter((secret) => secret.metadata.namespace === namespace)].map((secret) => [secret.metadata.name as string, secret.stringData as Record<string, string>]));
      const [container] = podSpec(statefulSet)!.containers as Yaml[];
      expect(container!.command).toEqual(['nats-server', '--config', '/etc/nats/nats.conf']);
      const mount = (container!.volumeMounts as Yaml[]).find((candidate) => candidate.mountPath === '/etc/nats')!;
      const volume = (podSpec(statefulSet)!.volumes as Yaml[]).find((candidate) => candidate.name === mount.name)!;
      const dir = tempDir(`k8s-${namespace}`);
      for (const [key, content] of Object.entries(configMaps[volume.configMap.name]!)) writeFileSync(join(dir, key), content);
      for (let index = 0; index < statefulSet.spec.replicas; index++) {
        const env = containerEnv(container!, { name: `nats-${index}`, namespace, configMaps, secrets });
        const result = await execFileAsync(nats, ['-t', '-c', join(dir, 'nats.conf')], { env: { PATH: process.env.PATH, ...env } });
        expect({ namespace, index, valid: result.stderr.includes('is valid') }).toEqual({ namespace, index, valid: true });
      }
    }
  });

  describe('a hub node and a site, run from the confs as compose mounts them (only their addresses and store moved to this machine)', () => {
    const children: ChildProcess[] = [];
    const connections: NatsConnection[] = [];
    let hubClient: number;
    let hubMonitor: number;
    let siteClient: number;

    /** The conf as mounted, with listen addresses and the store moved: what the test may change to run it here. */
    function runHere(name: string, ports: Record<number, number>, env: NodeJS.ProcessEnv): void {
      const { conf } = asComposeMounts(name);
      const store = tempDir(`store-${name}`);
      let text = readFileSync(conf, 'utf8').replace('store_dir: /data', `store_dir: ${JSON.stringify(store)}`);
      for (const [port, here] of Object.entries(ports)) text = text.replace(`0.0.0.0:${port}`, `127.0.0.1:${here}`);
      expect(text).not.toContain('0.0.0.0:');
      writeFileSync(conf, text);
      const child = spawn(nats, ['-c', conf], { env, stdio: 'ignore' });
      children.push(child);
    }
    const leafCount = async () => ((await (await fetch(`http://127.0.0.1:${hubMonitor}/leafz`)).json()) as { leafnodes: number }).leafnodes;
    const until = async (check: () => Promise<boolean>, ms: number) => {
      const deadline = Date.now() + ms;
      for (;;) {
        if (await check().catch(() => false)) return true;
        if (Date.now() > deadline) return false;
        await new Promise((done) => setTimeout(done, 200));
      }
    };
    const operator = () => readFileSync(join(secretsDir, 'secrets', 'nats', 'operator.nk'), 'utf8').trim();

    beforeAll(async () => {
      const [client, cluster, leaf, monitor, site, siteMonitor, impostor, impostorMonitor] = await freePorts(8);
      [hubClient, hubMonitor, siteClient] = [client!, monitor!, site!];
      const hub = asComposeMounts('hub-nats-0');
      runHere('hub-nats-0', { 4222: client!, 6222: cluster!, [LEAF_PORT]: leaf!, 8222: monitor! }, hub.env);
      // Each site's leaf URLs as compose gives them, the hub nodes' host names pointed at the one hub node here.
      const dialHere = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).map(([key, value]) => [key, key.startsWith('LIENGANH_HUB_LEAF_URL_') ? value!.replace(/@hub-nats-\d:7422$/, `@127.0.0.1:${leaf}`) : value]));
      const p01 = asComposeMounts('p01-nats');
      runHere('p01-nats', { 4222: site!, 8222: siteMonitor! }, dialHere(p01.env));
      // Hồ Chí Minh City's server, signing in with Hà Nội's password: the hub must refuse it.
      const p79 = asComposeMounts('p79-nats');
      const wrong = Object.fromEntries(Object.entries(dialHere(p79.env)).map(([key, value]) => [key, key.startsWith('LIENGANH_HUB_LEAF_URL_') ? value!.replace(dotEnv[leafPasswordVariable('79')]!, dotEnv[leafPasswordVariable('01')]!) : value]));
      runHere('p79-nats', { 4222: impostor!, 8222: impostorMonitor! }, wrong);
      expect(await until(async () => (await leafCount()) >= 1, 20_000)).toBe(true);
    }, 40_000);

    afterAll(async () => {
      for (const connection of connections) await connection.close().catch(() => undefined);
      for (const child of children) child.kill();
    });

    it('connects the site signed in with its password, and not a site with another’s', async () => {
      // Give the impostor time to try (it retries every second).
      await new Promise((done) => setTimeout(done, 2_500));
      expect(await leafCount()).toBe(1);
    });

    it("lets JetStream's traffic cross to the site's domain, and keeps the backbone's subjects on the site", async () => {
      const hub = await connectToNats({ servers: `nats://127.0.0.1:${hubClient}`, name: 'test-hub', identity: 'operator', seed: operator(), reconnectForever: false });
      const site = await connectToNats({ servers: `nats://127.0.0.1:${siteClient}`, name: 'test-site', identity: 'operator', seed: operator(), reconnectForever: false });
      connections.push(hub, site);
      // The hub reaches the site's JetStream API through its domain: what sourcing its summaries needs.
      expect(await until(async () => (JSON.parse((await hub.request('$JS.p01.API.INFO', '', { timeout: 1_000 })).string()) as { domain?: string }).domain === 'p01', 10_000)).toBe(true);
      const atHub: string[] = [];
      hub.subscribe('pcmd.>', { callback: (_error, message) => void atHub.push(message.subject) });
      const atSite: string[] = [];
      site.subscribe('pcmd.>', { callback: (_error, message) => void atSite.push(message.subject) });
      await hub.flush();
      await site.flush();
      // Both ways: what the site publishes stays there, and so does what the hub's side publishes.
      site.publish('pcmd.events.police.inspection.completed', 'x');
      hub.publish('pcmd.events.labour.case.opened', 'x');
      await site.flush();
      await hub.flush();
      await new Promise((done) => setTimeout(done, 1_000));
      expect({ atSite, atHub }).toEqual({ atSite: ['pcmd.events.police.inspection.completed'], atHub: ['pcmd.events.labour.case.opened'] });
    });
  });
});

describe('scripts/deploy-secrets.mjs --national', () => {
  it("writes each site's leaf password once, as nats-server reads it, and fills the national Secrets with them", async () => {
    const passwords = ['01', '79'].map((code) => dotEnv[leafPasswordVariable(code)]!);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z][A-Za-z0-9_-]{31,}$/);
    expect(new Set(passwords).size).toBe(2);
    const template = parseAllDocuments(readFileSync(join(nationalDir, 'k8s', 'secrets.template.yaml'), 'utf8')).map((document) => document.toJS() as Yaml);
    const text = readFileSync(join(secretsDir, 'secrets', 'k8s-national-secrets.yaml'), 'utf8');
    expect(text).not.toContain('REPLACE_WITH');
    const filled = parseAllDocuments(text).map((document) => document.toJS() as Yaml);
    const shape = (secrets: Yaml[]) => secrets.map((secret) => [secret.metadata.namespace, secret.metadata.name, Object.keys(secret.stringData).sort()]);
    expect(shape(filled)).toEqual(shape(template));
    const byName = Object.fromEntries(filled.map((secret) => [`${secret.metadata.namespace}/${secret.metadata.name}`, secret.stringData]));
    expect(byName[`${HUB_NAMESPACE}/leaf-passwords`]).toEqual({ [leafPasswordVariable('01')]: passwords[0], [leafPasswordVariable('79')]: passwords[1] });
    expect(byName[`${siteNamespace('01')}/leaf-password`]).toEqual({ password: passwords[0] });
    expect(byName[`${siteNamespace('79')}/leaf-password`]).toEqual({ password: passwords[1] });

    // Run again: kept. Without --national (a one-site deployment): none made, nothing national written.
    const before = readFileSync(join(secretsDir, '.env'), 'utf8');
    await runSecrets(secretsDir, '--national', '--k8s');
    expect(readFileSync(join(secretsDir, '.env'), 'utf8')).toBe(before);
    const oneSite = tempDir('one-site');
    await runSecrets(oneSite, '--k8s');
    expect(readFileSync(join(oneSite, '.env'), 'utf8')).not.toContain('LIENGANH_LEAF_PASSWORD');
    expect(existsSync(join(oneSite, 'secrets', 'k8s-national-secrets.yaml'))).toBe(false);
  }, 60_000);
});
