import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createNatsKeys, findNatsServerBinary, NATS_IDENTITIES, natsKeysEnv } from '@lienganh/platform';
import { compose, deployDir, k8sObjects, kustomization, type Yaml } from './deploy-files.js';

/**
 * The NATS configuration deploy/ adds to deploy/nats/ (whose own files test/security checks):
 * deploy/container/nats.conf, one node of the cluster in containers, laid out as compose and
 * the kustomize ConfigMap mount it (auth.conf beside it), passes `nats-server -t`; and every
 * variable the two files name is given to the NATS containers.
 */

const execFileAsync = promisify(execFile);

describe('deploy/container/nats.conf', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lienganh-nats-container-'));
    copyFileSync(join(deployDir, 'container', 'nats.conf'), join(dir, 'nats.conf'));
    copyFileSync(join(deployDir, 'nats', 'auth.conf'), join(dir, 'auth.conf'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes `nats-server -t` as mounted (/etc/nats/nats.conf with auth.conf beside it), with the node name and the identities’ public keys', async () => {
    const env = { PATH: process.env.PATH, NATS_SERVER_NAME: 'nats-0', ...natsKeysEnv(createNatsKeys()) };
    const { stderr } = await execFileAsync(findNatsServerBinary(), ['-t', '-c', join(dir, 'nats.conf')], { env });
    expect(stderr).toContain('is valid');
    // Without the node's name the file is refused: the test can fail.
    const unnamed = execFileAsync(findNatsServerBinary(), ['-t', '-c', join(dir, 'nats.conf')], { env: { ...env, NATS_SERVER_NAME: undefined } });
    await expect(unnamed).rejects.toMatchObject({ stderr: expect.stringContaining("variable reference for 'NATS_SERVER_NAME'") });
  });

  it('is mounted the same way by compose and by kustomize', () => {
    for (const node of ['nats-0', 'nats-1', 'nats-2']) {
      const service = (compose().services as Record<string, Yaml>)[node]!;
      expect(service.command).toEqual(['nats-server', '--config', '/etc/nats/nats.conf']);
      expect(service.volumes).toEqual(expect.arrayContaining(['./container/nats.conf:/etc/nats/nats.conf:ro', './nats/auth.conf:/etc/nats/auth.conf:ro']));
    }
    const generator = (kustomization().configMapGenerator as Yaml[]).find((entry) => entry.name === 'nats-config')!;
    expect([...generator.files].sort()).toEqual(['auth.conf=nats/auth.conf', 'nats.conf=container/nats.conf']);
    const statefulSet = k8sObjects().find((object) => object.kind === 'StatefulSet' && object.metadata.name === 'nats')!;
    const [container] = statefulSet.spec.template.spec.containers as Yaml[];
    expect(container!.command).toEqual(['nats-server', '--config', '/etc/nats/nats.conf']);
    expect(container!.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/nats', readOnly: true });
  });

  it('gets every variable it names: the node’s name and each identity’s public key', () => {
    const named = [readFileSync(join(deployDir, 'container', 'nats.conf'), 'utf8'), readFileSync(join(deployDir, 'nats', 'auth.conf'), 'utf8')]
      .flatMap((text) => [...text.matchAll(/:\s*\$([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!));
    const keys = NATS_IDENTITIES.map((identity) => `LIENGANH_NKEY_${identity.toUpperCase()}`);
    expect(new Set(named)).toEqual(new Set(['NATS_SERVER_NAME', ...keys]));

    // Kubernetes: the name from the pod, the keys from the Secret nats-identities (envFrom).
    const objects = k8sObjects();
    const [container] = objects.find((object) => object.kind === 'StatefulSet' && object.metadata.name === 'nats')!.spec.template.spec.containers as Yaml[];
    expect(container!.env).toContainEqual({ name: 'NATS_SERVER_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
    expect(container!.envFrom).toEqual([{ secretRef: { name: 'nats-identities' } }]);
    const identities = objects.find((object) => object.kind === 'Secret' && object.metadata.name === 'nats-identities')!;
    expect(Object.keys(identities.stringData).sort()).toEqual([...keys].sort());

    // Compose: the name per node, the keys from the file `npx lienganh nats keys` writes (nkeys.env).
    for (const node of ['nats-0', 'nats-1', 'nats-2']) {
      const service = (compose().services as Record<string, Yaml>)[node]!;
      expect(service.environment).toEqual({ NATS_SERVER_NAME: node });
      expect(service.env_file).toEqual(['./secrets/nats/nkeys.env']);
    }
  });
});
