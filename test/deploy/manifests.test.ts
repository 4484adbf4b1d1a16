import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AGENCY_REPLICA_SLOTS } from '@lienganh/platform';
import { repoRoot } from '../support/cli.js';
import {
  compose,
  containersOf,
  deployDir,
  isServiceImage,
  k8sObjects,
  kustomization,
  podSpec,
  PUBLIC_IMAGES,
  readYaml,
  SERVICE_PORTS,
  serviceImage,
  SERVICES,
  type Yaml,
} from './deploy-files.js';

/**
 * deploy/ is checked here without a container engine: the compose file and the Kubernetes
 * manifests parse, and name only images the Dockerfile builds (or pinned public ones), the
 * conventions' ports, probes, resources, and ConfigMaps and Secrets that deploy/ defines.
 */

const portVariable = (service: string) => `${service.toUpperCase()}_PORT`;

describe('deploy/compose.yaml', () => {
  const file = compose();
  const services = file.services as Record<string, Yaml>;

  it('runs only images the Dockerfile builds or pinned public ones', () => {
    for (const [name, service] of Object.entries(services)) {
      const image = service.image as string;
      if (isServiceImage(image)) {
        const built = SERVICES.find((candidate) => image === serviceImage(candidate));
        expect({ name, image, built: built !== undefined }).toEqual({ name, image, built: true });
        // Built from the repository's one Dockerfile with SERVICE naming the image's service.
        expect({ name, build: service.build }).toEqual({ name, build: { context: '..', dockerfile: 'Dockerfile', args: { SERVICE: built } } });
      } else {
        expect({ name, image, pinned: PUBLIC_IMAGES.includes(image) }).toEqual({ name, image, pinned: true });
      }
    }
  });

  it.each(SERVICES)('runs %s on its conventional port with a readiness check there', (service) => {
    const entry = services[service]!;
    const port = SERVICE_PORTS[service]!;
    expect(entry.image).toBe(serviceImage(service));
    expect(entry.environment[portVariable(service)]).toBe(String(port));
    expect(entry.ports).toEqual([`\${LIENGANH_PUBLISH_ADDRESS:-127.0.0.1}:${port}:${port}`]);
    expect(entry.healthcheck.test.join(' ')).toContain(`http://127.0.0.1:${port}/readyz`);
    expect(entry.restart).toBe('unless-stopped');
    // Nothing starts before the streams exist (services may not create them).
    expect(entry.depends_on['provision-streams']).toEqual({ condition: 'service_completed_successfully' });
  });

  it('has a three-node NATS cluster and a three-member MongoDB replica set under the names their configurations use', () => {
    const natsConf = readFileSync(join(deployDir, 'container', 'nats.conf'), 'utf8');
    const mongoInit = readFileSync(join(deployDir, 'container', 'mongo-init.js'), 'utf8');
    for (const index of [0, 1, 2]) {
      expect(services[`nats-${index}`]!.networks.backbone.aliases).toEqual([`nats-${index}.nats`]);
      expect(services[`nats-${index}`]!.environment.NATS_SERVER_NAME).toBe(`nats-${index}`);
      expect(natsConf).toContain(`nats-route://nats-${index}.nats:6222`);
      expect(services[`mongodb-${index}`]!.networks.backbone.aliases).toEqual([`mongodb-${index}.mongodb`]);
      expect(mongoInit).toContain(`'mongodb-${index}.mongodb:27017'`);
    }
    expect(services['provision-streams']!.environment.LIENGANH_STREAM_REPLICAS).toBe('3');
  });

  it('references only secrets, volumes, services and files that exist (generated secrets under ./secrets)', () => {
    const secrets = Object.keys(file.secrets);
    const volumes = Object.keys(file.volumes);
    for (const [name, service] of Object.entries(services)) {
      for (const secret of service.secrets ?? []) expect({ name, secret: secrets.includes(typeof secret === 'string' ? secret : secret.source) }).toEqual({ name, secret: true });
      for (const dependency of Object.keys(service.depends_on ?? {})) expect({ name, dependency, exists: dependency in services }).toEqual({ name, dependency, exists: true });
      for (const mount of service.volumes ?? []) {
        const source = (mount as string).split(':')[0]!;
        if (source.startsWith('./')) expect({ name, source, exists: existsSync(join(deployDir, source)) }).toEqual({ name, source, exists: true });
        else expect({ name, source, declared: volumes.includes(source) }).toEqual({ name, source, declared: true });
      }
      for (const envFile of service.env_file ?? []) expect(envFile).toMatch(/^\.\/secrets\//);
    }
    // Secret files are what scripts/deploy-secrets.mjs writes (test/deploy/deploy-secrets.test.ts), never committed.
    for (const secret of Object.values(file.secrets) as { file: string }[]) expect(secret.file).toMatch(/^\.\/secrets\//);
    expect(readFileSync(join(repoRoot, '.gitignore'), 'utf8')).toMatch(/^deploy\/secrets\/$/m);
    expect(readFileSync(join(repoRoot, '.gitignore'), 'utf8')).toMatch(/^deploy\/\.env$/m);
  });
});

describe('deploy/k8s and deploy/kustomization.yaml', () => {
  const objects = k8sObjects();
  const template = objects.filter((object) => object.file === 'secrets.template.yaml');
  const applied = objects.filter((object) => object.file !== 'secrets.template.yaml');
  const workloads = applied.filter((object) => ['Deployment', 'StatefulSet', 'Job'].includes(object.kind));
  const named = (kind: string, name: string) => applied.find((object) => object.kind === kind && object.metadata.name === name);
  const kustomize = kustomization();

  it('parses into named objects, each once, all listed in the kustomization except the secrets template', () => {
    for (const object of objects) {
      expect(typeof object.apiVersion).toBe('string');
      expect(typeof object.kind).toBe('string');
      expect(typeof object.metadata?.name).toBe('string');
    }
    const keys = objects.map((object) => `${object.kind}/${object.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    const files = readdirSync(join(deployDir, 'k8s')).filter((name) => name.endsWith('.yaml') && name !== 'secrets.template.yaml');
    expect([...kustomize.resources].sort()).toEqual(files.map((name) => `k8s/${name}`).sort());
    expect(kustomize.namespace).toBe('lienganh');
    expect(named('Namespace', 'lienganh')).toBeDefined();
    for (const generator of kustomize.configMapGenerator) {
      for (const entry of generator.files as string[]) expect({ entry, exists: existsSync(join(deployDir, entry.split('=').pop()!)) }).toEqual({ entry, exists: true });
    }
  });

  it('runs only images the Dockerfile builds or pinned public ones', () => {
    for (const workload of workloads) {
      for (const container of containersOf(workload)) {
        const image = container.image as string;
        const ok = isServiceImage(image) ? SERVICES.some((service) => image === serviceImage(service)) : PUBLIC_IMAGES.includes(image);
        expect({ workload: workload.metadata.name, image, ok }).toEqual({ workload: workload.metadata.name, image, ok: true });
      }
    }
    for (const { name, newTag } of kustomize.images) expect({ name, newTag }).toEqual({ name: expect.stringMatching(/^lienganh\//), newTag: serviceImage('x').split(':')[1] });
  });

  it.each(SERVICES)('runs %s as a workload and a Service on its port, with /healthz liveness and /readyz readiness probes', (service) => {
    const port = SERVICE_PORTS[service]!;
    // StatefulSets: coordination's instance id (its pod's name) and an agency replica's outbox
    // volume and replica number (its pod index) must survive restarts.
    const deployment = named('StatefulSet', service)!;
    const [container] = podSpec(deployment)!.containers as Yaml[];
    expect(container!.image).toBe(serviceImage(service));
    expect(container!.ports).toEqual([{ name: 'http', containerPort: port }]);
    expect(container!.env).toContainEqual({ name: portVariable(service), value: String(port) });
    expect(container!.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container!.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    const serviceObject = named('Service', service)!;
    expect(serviceObject.spec.ports).toEqual([{ name: 'http', port, targetPort: 'http' }]);
    expect(serviceObject.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    // The Dockerfile's user: never root.
    expect(podSpec(deployment)!.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
  });

  it('numbers the replicas of the services that read (labour, health, justice) by pod index, within the slots NATS permits', () => {
    for (const service of ['labour', 'health', 'justice']) {
      const statefulSet = named('StatefulSet', service)!;
      const [container] = podSpec(statefulSet)!.containers as Yaml[];
      expect(container!.env).toContainEqual({ name: 'AGENCY_REPLICA', valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } });
      expect(statefulSet.spec.replicas).toBeLessThanOrEqual(AGENCY_REPLICA_SLOTS);
      expect(compose().services[service].environment.AGENCY_REPLICA).toBe('0');
    }
  });

  it('gives every container resource requests and limits', () => {
    for (const workload of workloads) {
      for (const container of containersOf(workload)) {
        const { requests, limits } = container.resources ?? {};
        expect({ container: container.name, requests: Object.keys(requests ?? {}).sort(), limits: Object.keys(limits ?? {}).sort() }).toEqual({
          container: container.name,
          requests: ['cpu', 'memory'],
          limits: ['cpu', 'memory'],
        });
      }
    }
  });

  it('references only ConfigMaps, Secrets, volumes and ports that deploy/ defines', () => {
    const configMaps = new Set([
      ...applied.filter((object) => object.kind === 'ConfigMap').map((object) => object.metadata.name as string),
      ...kustomize.configMapGenerator.map((generator: Yaml) => generator.name as string),
    ]);
    const secretKeys = new Map(template.map((secret) => [secret.metadata.name as string, Object.keys(secret.stringData ?? {})]));
    const needSecret = (where: string, name: string, key?: string) => {
      expect({ where, secret: name, defined: secretKeys.has(name) }).toEqual({ where, secret: name, defined: true });
      if (key) expect({ where, secret: name, key, defined: secretKeys.get(name)!.includes(key) }).toEqual({ where, secret: name, key, defined: true });
    };
    for (const workload of workloads) {
      const spec = podSpec(workload)!;
      const where = `${workload.kind}/${workload.metadata.name}`;
      const volumes = new Set([...(spec.volumes ?? []).map((volume: Yaml) => volume.name), ...(workload.spec.volumeClaimTemplates ?? []).map((claim: Yaml) => claim.metadata.name)]);
      for (const volume of spec.volumes ?? []) {
        if (volume.configMap) expect({ where, configMap: volume.configMap.name, defined: configMaps.has(volume.configMap.name) }).toEqual({ where, configMap: volume.configMap.name, defined: true });
        if (volume.secret) for (const item of volume.secret.items ?? [{}]) needSecret(where, volume.secret.secretName, item.key);
      }
      for (const container of containersOf(workload)) {
        for (const source of container.envFrom ?? []) {
          if (source.configMapRef) expect({ where, configMap: source.configMapRef.name, defined: configMaps.has(source.configMapRef.name) }).toEqual({ where, configMap: source.configMapRef.name, defined: true });
          if (source.secretRef) needSecret(where, source.secretRef.name);
        }
        for (const variable of container.env ?? []) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref) needSecret(where, ref.name, ref.key);
        }
        for (const mount of container.volumeMounts ?? []) expect({ where, mount: mount.name, declared: volumes.has(mount.name) }).toEqual({ where, mount: mount.name, declared: true });
        const portNames = new Set((container.ports ?? []).map((port: Yaml) => port.name));
        for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
          if (probe?.httpGet) expect({ where, probePort: probe.httpGet.port, declared: portNames.has(probe.httpGet.port) }).toEqual({ where, probePort: probe.httpGet.port, declared: true });
        }
      }
    }
    // Every Service selects pods of some workload and targets a port they name.
    for (const service of applied.filter((object) => object.kind === 'Service')) {
      const workload = workloads.find((candidate) => Object.entries(service.spec.selector).every(([key, value]) => candidate.spec.template.metadata.labels[key] === value))!;
      expect({ service: service.metadata.name, selects: workload !== undefined }).toEqual({ service: service.metadata.name, selects: true });
      const portNames = containersOf(workload).flatMap((container) => (container.ports ?? []).map((port: Yaml) => port.name));
      for (const port of service.spec.ports) expect({ service: service.metadata.name, targetPort: port.targetPort, named: portNames.includes(port.targetPort) }).toEqual({ service: service.metadata.name, targetPort: port.targetPort, named: true });
    }
    // The template holds no secret: every value is a placeholder or a harmless default.
    for (const secret of template) {
      for (const [key, value] of Object.entries(secret.stringData as Record<string, string>)) {
        expect({ secret: secret.metadata.name, key, placeholder: /REPLACE_WITH_|^root$|^\{\}$|^\{"users":\[\]\}$/.test(value) }).toEqual({ secret: secret.metadata.name, key, placeholder: true });
      }
    }
  });

  it('runs three NATS nodes and three MongoDB members, and provisions the streams with three replicas as the operator', () => {
    expect(named('StatefulSet', 'nats')!.spec).toMatchObject({ replicas: 3, serviceName: 'nats' });
    expect(named('Service', 'nats')!.spec.clusterIP).toBe('None');
    expect(named('StatefulSet', 'mongodb')!.spec).toMatchObject({ replicas: 3, serviceName: 'mongodb' });
    const job = named('Job', 'provision-streams')!;
    const [container] = podSpec(job)!.containers as Yaml[];
    expect(container!.command).toEqual(['node', 'services/platform/dist/nats/provision-streams.js']);
    expect(existsSync(join(repoRoot, 'services', 'platform', 'src', 'nats', 'provision-streams.ts'))).toBe(true);
    expect(container!.env).toContainEqual({ name: 'LIENGANH_STREAM_REPLICAS', value: '3' });
    expect(podSpec(job)!.volumes).toContainEqual({ name: 'nats-seed', secret: { secretName: 'operator-nats', items: [{ key: 'nkey-seed', path: 'seed' }] } });
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1)!;

  it('builds one image per service from SERVICE, running its dist main on Node 24 slim as a non-root user', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:24\.\d+\.\d+-bookworm-slim$/m);
    expect(runtime).toMatch(/^\$\{NODE_IMAGE\} AS runtime/);
    expect(runtime).toMatch(/^ARG SERVICE$/m);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^WORKDIR \/app\/services\/\$\{SERVICE\}$/m);
    expect(runtime).toMatch(/^CMD \["node", "dist\/main\.js"\]$/m);
    // The build stage: npm install, then turbo builds the service and what it depends on.
    expect(stages[0]).toMatch(/npm install/);
    expect(stages[0]).toMatch(/turbo run build --filter="@lienganh\/\$\{SERVICE\}\.\.\."/);
    for (const service of SERVICES) {
      expect(existsSync(join(repoRoot, 'services', service, 'src', 'main.ts'))).toBe(true);
      expect((JSON.parse(readFileSync(join(repoRoot, 'services', service, 'package.json'), 'utf8')) as { name: string }).name).toBe(`@lienganh/${service}`);
    }
  });

  it('leaves installed, built and secret files out of the build context', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '**/dist', '.data', 'deploy/secrets', '.git']) expect(ignored).toContain(entry);
  });
});

describe('deploy/otel-collector.yaml', () => {
  const config = readYaml(join(deployDir, 'otel-collector.yaml'));

  it('wires every pipeline to components it defines, and listens where the services send', () => {
    for (const [name, pipeline] of Object.entries(config.service.pipelines as Record<string, Yaml>)) {
      for (const kind of ['receivers', 'processors', 'exporters']) {
        for (const component of pipeline[kind] ?? []) expect({ name, kind, component, defined: component in config[kind] }).toEqual({ name, kind, component, defined: true });
      }
    }
    for (const extension of config.service.extensions) expect(extension in config.extensions).toBe(true);
    expect(config.receivers.otlp.protocols.http.endpoint).toBe('0.0.0.0:4318');
    const shared = k8sObjects().find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'lienganh-config')!;
    expect(shared.data.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
    expect(compose().services.police.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
    expect(config.extensions.health_check.endpoint).toBe('0.0.0.0:13133');
  });
});
