#!/usr/bin/env node
// Issue #23: decodeNatsMessage alone, on bench events with headers as nats.js hands them over
// (MsgHdrs parsed from the wire bytes), no NATS and no inspector: `node --cpu-prof` for a profile.
//   node_modules/.bin/node scripts/profile/decode-micro.mjs [count] [rounds]
import { decodeNatsMessage, MSG_ID_HEADER } from '@lienganh/contracts';
import { MsgHdrsImpl } from '@nats-io/nats-core/internal';
import { inspectionEvent, toWire } from '../cli/dist/bench/events.js';

const count = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 5);
const messages = Array.from({ length: count }, (_, index) => {
  const wire = toWire(inspectionEvent('micro', index, count));
  wire.headers.set(MSG_ID_HEADER, wire.msgID);
  // As a consumer receives them: decoded from the header block's bytes.
  return { headers: MsgHdrsImpl.decode(wire.headers.encode()), data: wire.data };
});
for (let round = 1; round <= rounds; round++) {
  // Fresh header objects each round: nats.js parses them per message.
  const batch = messages.map(({ headers, data }) => ({ headers: MsgHdrsImpl.decode(headers.encode()), data }));
  const started = performance.now();
  for (const { headers, data } of batch) decodeNatsMessage(headers, data);
  const ms = performance.now() - started;
  console.log(`round ${round}: ${count} in ${ms.toFixed(0)} ms = ${Math.round((count / ms) * 1000).toLocaleString('en')} decodes/s (${((ms * 1000) / count).toFixed(1)} µs each)`);
}
