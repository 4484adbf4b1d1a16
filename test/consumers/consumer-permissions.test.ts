import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { READABLE_ENTITIES, readableSubjectOf } from '@lienganh/contracts';
import { consumerReads, withBodyUsers } from '@lienganh/platform';
import { createUser, fromSeed } from '@nats-io/nkeys';
import { repoRoot } from '../support/cli.js';

/** What a consumer identity may ask of nats-server (ADR 0017), read from the permissions themselves: nothing but its own consumers. */

const code = 'police-case-system';

it('publishes no subject outside the JetStream API of its own consumers on coordination’s stream, each filter pinned', () => {
  const allowed = consumerReads(code);
  expect(allowed.filter((subject) => !subject.startsWith('$JS.'))).toEqual([]);
  const own = (subject: string) => subject.includes(`.consumer-${code}-`);
  expect(allowed.filter((subject) => !own(subject))).toEqual(['$JS.API.INFO', '$JS.API.STREAM.INFO.PCMD_COORDINATION_EVENTS']);
  expect(allowed.join(' ')).not.toMatch(/PCMD_AGENCY_EVENTS|MSG\.GET|DIRECT\.GET|STREAM\.(CREATE|UPDATE|DELETE|PURGE)/);
  // Creation only with a filter within one kind of fact; wildcards only at the end of a pinned filter or an ack.
  const creates = allowed.filter((subject) => subject.includes('.CONSUMER.CREATE.'));
  expect(creates).toEqual(READABLE_ENTITIES.map((entity) => `$JS.API.CONSUMER.CREATE.PCMD_COORDINATION_EVENTS.consumer-${code}-${entity}.${readableSubjectOf(entity)}`));
  for (const subject of allowed) expect(subject.split('.').slice(0, -1)).not.toContain('>');
  expect(allowed.filter((subject) => subject.includes('*'))).toEqual([]);
});

it('renders as an nkey user that subscribes to its own inbox only, next to the committed users', () => {
  const publicKey = fromSeed(createUser().getSeed()).getPublicKey();
  const committed = readFileSync(join(repoRoot, 'deploy/nats/auth.conf'), 'utf8');
  const auth = withBodyUsers(committed, [{ code, natsPublicKey: publicKey, role: 'consumer' }]);
  const block = auth.slice(auth.indexOf(`nkey: ${publicKey}`));
  expect(block).toContain('subscribe: { allow: [\n          "_INBOX_consumer_police-case-system.>"\n        ] }');
  expect(block).not.toContain('"pcmd.');
  expect(auth.startsWith(committed.slice(0, -'\n  ]\n}\n'.length))).toBe(true);
});
