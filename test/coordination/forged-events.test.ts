import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { buildEvent, encodeBinary, eventKey, MSG_ID_HEADER, policeInspectionCompleted, STREAMS, type BusEvent } from '@lienganh/contracts';
import { DEMO_PLAN_FILES, startCoordinationService, type RunningCoordinationService } from '@lienganh/coordination';
import { DeadLetterHeaders } from '@lienganh/platform';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { eventually, postJson } from '../support/http.js';
import { startNatsFixture, type NatsFixture } from '../support/nats.js';
import { TEST_USERS, tokens } from '../support/users.js';

const baDinh = parseYaml(readFileSync(DEMO_PLAN_FILES[0]!, 'utf8'));
const TARGET = 'kh-ba-dinh-2021/ct-kiem-tra-hanh-chinh-400';

let nats: NatsFixture;
let coordination: RunningCoordinationService;

beforeAll(async () => {
  nats = await startNatsFixture();
  coordination = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, users: TEST_USERS });
  expect((await postJson(`${coordination.url}/api/v1/plans`, baDinh, tokens.secretariat)).status).toBe(201);
});
afterAll(async () => {
  await coordination?.close();
  await nats?.close();
});

/** Publishes an event as-is on a subject of our choosing: what a forger with stream access could do. */
async function publishRaw(event: BusEvent, subject: string): Promise<void> {
  const { headers, data } = encodeBinary(event);
  const natsHeadersOf = natsHeaders();
  for (const [name, value] of Object.entries(headers)) if (name !== MSG_ID_HEADER) natsHeadersOf.set(name, value);
  await nats.js.publish(subject, data, { headers: natsHeadersOf, msgID: eventKey(event) });
}

const inspection = (id: string, source?: string) =>
  buildEvent(policeInspectionCompleted, { ...policeInspectionCompleted.example, inspectionId: id, areaCode: 'hn-ba-dinh-kim-ma' }, { id, time: '2021-05-04T21:00:00+07:00', ...(source ? { source } : {}) });
const tallyOf = () => coordination.projector.projection.state.targets.get(TARGET)!.tally;

async function deadLetters(): Promise<{ reason: string; subject: string }[]> {
  const { state } = await nats.jsm.streams.info(STREAMS.deadLetter.name);
  const letters: { reason: string; subject: string }[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const message = await nats.jsm.streams.getMessage(STREAMS.deadLetter.name, { seq });
    if (message) letters.push({ reason: message.header.get(DeadLetterHeaders.reason), subject: message.header.get(DeadLetterHeaders.originalSubject) });
  }
  return letters;
}

it('dead-letters an event whose source, type and subject do not name one agency, and counts none of them', async () => {
  // A police fact with a labour source; a police fact on a labour subject.
  await publishRaw(inspection('kt-gia-1', '/pcmd/labour'), policeInspectionCompleted.subject);
  await publishRaw(inspection('kt-gia-2'), 'pcmd.events.labour.inspection.completed');
  const genuine = inspection('kt-that-1');
  await publishRaw(genuine, policeInspectionCompleted.subject);

  // Committed (the store holds its tally), not only applied.
  const committedEvents = async () => (await coordination.projector.store.load()).tallies.find((tally) => tally.key === TARGET)?.events ?? 0;
  await eventually(async () => ((await committedEvents()) > 0 ? true : undefined), 5_000);
  const letters = await eventually(async () => {
    const found = await deadLetters();
    return found.length === 2 ? found : undefined;
  }, 10_000);
  expect(letters).toEqual([
    { reason: expect.stringContaining('source /pcmd/labour does not name the agency of type vn.pcmd.police.inspection.completed.v1'), subject: policeInspectionCompleted.subject },
    { reason: expect.stringContaining('subject pcmd.events.labour.inspection.completed does not name the agency'), subject: 'pcmd.events.labour.inspection.completed' },
  ]);
  expect(tallyOf().events).toBe(1);
  const contributingKeys = async (service: RunningCoordinationService) => (await service.projector.contributingEvents(service.projector.projection.state.targets.get(TARGET)!, 10)).map((event) => event.eventKey);
  expect(await contributingKeys(coordination)).toEqual([eventKey(genuine)]);

  // A rebuild from the stream refuses them too.
  const rebuilt = await startCoordinationService({ ...nats.identity('coordination'), port: 0, deadlineTickMs: 0, consumerPrefix: 'rebuilt' });
  try {
    expect(rebuilt.projector.projection.state.targets.get(TARGET)!.tally.events).toBe(1);
    expect(await contributingKeys(rebuilt)).toEqual([eventKey(genuine)]);
  } finally {
    await rebuilt.close();
  }
});
