import { buildEvent, decodeNatsMessage, policeCaseOpened, STREAMS, type BusEvent } from '@lienganh/contracts';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

export const AGENCY_STREAM = STREAMS.agencyEvents.name;

/** Police "case opened" events with ids `<prefix>-0`, `<prefix>-1`, ... */
export function caseOpenedEvents(prefix: string, count: number, from = 0): BusEvent[] {
  return Array.from({ length: count }, (_, index) =>
    buildEvent(policeCaseOpened, policeCaseOpened.example, { id: `${prefix}-${from + index}`, time: '2021-06-01T08:00:00+07:00' }),
  );
}

/** As services connect: reconnecting forever (here quickly), so that a server restart is survived. */
export function connectForever(url: string): Promise<NatsConnection> {
  return connect({ servers: url, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
}

/** The last sequence of a stream, to read only what a test added after it. */
export async function lastSeq(jsm: JetStreamManager, stream = AGENCY_STREAM): Promise<number> {
  return (await jsm.streams.info(stream)).state.last_seq;
}

/** Event ids stored after sequence `after`, in stream order. */
export async function storedIds(jsm: JetStreamManager, after: number, stream = AGENCY_STREAM): Promise<string[]> {
  const last = await lastSeq(jsm, stream);
  const ids: string[] = [];
  for (let seq = after + 1; seq <= last; seq++) {
    const message = await jsm.streams.getMessage(stream, { seq });
    if (message) ids.push(decodeNatsMessage(message.header, message.data).id);
  }
  return ids;
}

/** Polls `condition` until it holds, failing with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
