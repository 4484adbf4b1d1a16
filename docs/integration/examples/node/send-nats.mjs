// Publishes one police inspection straight on NATS JetStream with the police's own nkey, then
// watches the police's refusals for it, and prints what came back. See docs/integration/README.md.
//
//   npm install @nats-io/transport-node @nats-io/jetstream
//   NATS_URL=nats://127.0.0.1:4250 NATS_NKEY_SEED_FILE=police.nk node send-nats.mjs [--invalid]
//
// --invalid sends an outcome the contract does not know, to see a refusal. Exit code: 0 stored and
// not refused within REFUSAL_WAIT_SECONDS (default 10), 1 refused, 2 misconfigured.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, nkeyAuthenticator } from '@nats-io/transport-node';

const seed = process.env.NATS_NKEY_SEED ?? (process.env.NATS_NKEY_SEED_FILE && readFileSync(process.env.NATS_NKEY_SEED_FILE, 'utf8'));
if (!process.env.NATS_URL || !seed) {
  console.error('Set NATS_URL and the agency\'s nkey seed: NATS_NKEY_SEED_FILE (a file) or NATS_NKEY_SEED.');
  process.exit(2);
}
const invalid = process.argv.includes('--invalid');
const refusalWaitMs = Number(process.env.REFUSAL_WAIT_SECONDS ?? 10) * 1_000;

// What the police may do on NATS (docs/integration/README.md, "Direct NATS"); a reporting body
// has its own in the credentials the secretariat issued it.
const SUBJECT = 'pcmd.events.police.inspection.completed';
const INBOX_PREFIX = '_INBOX_police';
const REFUSALS = { stream: 'PCMD_REFUSALS', subject: 'pcmd.refusals.police', consumer: 'refusals-police' };

const id = `kt-node-nats-${Date.now().toString(36)}`;
const source = '/pcmd/police/001';
const data = {
  inspectionId: id,
  areaCode: 'hn-ba-dinh-kim-ma',
  business: { businessId: '0101234567', kind: 'karaoke' },
  outcome: invalid ? 'done' : 'compliant',
  violations: [],
};

// Binary content mode of the CloudEvents NATS binding: every attribute a ce- header (values in
// printable ASCII, anything else percent-encoded), the data as the body. Over NATS nobody fills in
// source or subject for you: subject is the record the event is about (here data.inspectionId).
const eventHeaders = headers();
eventHeaders.set('ce-specversion', '1.0');
eventHeaders.set('ce-id', id);
eventHeaders.set('ce-source', source);
eventHeaders.set('ce-type', 'vn.pcmd.police.inspection.completed.v1');
eventHeaders.set('ce-subject', data.inspectionId);
// When the inspection happened: 2021 in Ba Đình, so that the demo board's Ba Đình 2021 plan counts it.
eventHeaders.set('ce-time', '2021-05-20T14:00:00+07:00');
eventHeaders.set('content-type', 'application/json');
// JetStream stores one message per Nats-Msg-Id within two minutes: the event's identity, source + id.
const msgID = createHash('sha256').update(`${source} ${id}`).digest('base64url');

const nc = await connect({
  servers: process.env.NATS_URL,
  authenticator: nkeyAuthenticator(new TextEncoder().encode(seed.trim())),
  // Replies (the PubAck, consumer deliveries) come to this prefix: the only one the police may read.
  inboxPrefix: INBOX_PREFIX,
  name: 'police-example-node',
});
try {
  const js = jetstream(nc);
  let ack;
  for (let attempt = 1; !ack; attempt++) {
    try {
      ack = await js.publish(SUBJECT, JSON.stringify(data), { headers: eventHeaders, msgID, timeout: 5_000 });
    } catch (error) {
      // No PubAck: send it again, the same message with the same Nats-Msg-Id; stored once.
      if (attempt >= 5) throw error;
      console.log(`no PubAck (${error.message}), publishing ${id} again`);
    }
  }
  // A PubAck means stored, not accepted: the backbone checks the event after storing it.
  console.log(`published ${id}: PubAck stream ${ack.stream}, seq ${ack.seq}${ack.duplicate ? ', duplicate (already stored)' : ''}`);

  // A refused event is removed from the stream within seconds and explained on the police's own
  // refusals subject, read through the one durable consumer the police may use.
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add(REFUSALS.stream, { durable_name: REFUSALS.consumer, filter_subject: REFUSALS.subject, ack_policy: AckPolicy.Explicit });
  const consumer = await js.consumers.get(REFUSALS.stream, REFUSALS.consumer);
  const deadline = Date.now() + refusalWaitMs;
  while (Date.now() < deadline) {
    const message = await consumer.next({ expires: Math.max(1_000, Math.min(5_000, deadline - Date.now())) });
    if (!message) continue;
    const refusal = message.json();
    // Acknowledged (and confirmed) once read, so that the next reader does not get it again.
    await message.ackAck();
    const reasons = refusal.reasons.map(({ path, message: why }) => `${path}: ${why}`).join('; ');
    if (refusal.sequence !== ack.seq) {
      console.log(`refusal of an earlier message (seq ${refusal.sequence}, id ${refusal.event.id ?? '?'}): ${reasons}`);
      continue;
    }
    console.log(`refused ${id} (seq ${refusal.sequence}, removed: ${refusal.removed}): ${reasons}`);
    process.exitCode = 1;
    break;
  }
  if (process.exitCode !== 1) console.log(`no refusal of ${id} within ${refusalWaitMs / 1_000} s: taken`);
} finally {
  await nc.close();
}
