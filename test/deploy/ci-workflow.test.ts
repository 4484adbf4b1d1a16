import { join } from 'node:path';
import { repoRoot } from '../support/cli.js';
import { PUBLIC_IMAGES, readYaml } from './deploy-files.js';

/** The forge's CI runs what .ci/run runs, on Node 24, with a MongoDB server for the adapter's contract tests. */
describe('.github/workflows/ci.yml', () => {
  const workflow = readYaml(join(repoRoot, '.github', 'workflows', 'ci.yml'));
  const job = workflow.jobs.test;

  it('runs bash .ci/run with CI=true on Node 24, with MONGODB_URI pointing at its MongoDB service', () => {
    expect(job.steps.map((step: { run?: string }) => step.run).filter(Boolean)).toEqual(['bash .ci/run']);
    expect(job.container).toMatch(/^node:24\.\d+\.\d+-bookworm$/);
    expect(job.env.CI).toBe('true');
    expect(job.env.MONGODB_URI).toMatch(/^mongodb:\/\/mongodb:27017\//);
    expect(PUBLIC_IMAGES).toContain(job.services.mongodb.image);
    expect(PUBLIC_IMAGES).toContain(job.services.nats.image);
    // NATS_URL would send `npm start` and its test to the service container instead of their own server.
    expect(job.env.NATS_URL).toBeUndefined();
  });
});
