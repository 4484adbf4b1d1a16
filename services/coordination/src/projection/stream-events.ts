import { ContractError, decodeNatsMessage, STREAMS, type BusEvent } from '@lienganh/contracts';
import { JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { streamSeqOf } from '../targets/recent-events.js';

const STREAM_OF = [STREAMS.agencyEvents.name, STREAMS.coordinationEvents.name] as const;
/** Reads in flight at once: a page of the view in a few round trips, without flooding the server. */
const PARALLEL_READS = 100;

/**
 * The events at stream positions (`RecentEvents`), in the order given: read one by one by
 * sequence (`STREAM.MSG.GET`). A position the stream no longer holds, or whose message does not
 * decode, gives undefined.
 */
export async function eventsAt(nc: NatsConnection, positions: readonly number[]): Promise<(BusEvent | undefined)[]> {
  const jsm = await jetstreamManager(nc);
  const read = async (position: number): Promise<BusEvent | undefined> => {
    const { stream, seq } = streamSeqOf(position);
    try {
      const message = await jsm.streams.getMessage(STREAM_OF[stream], { seq });
      return message ? decodeNatsMessage(message.header, message.data) : undefined;
    } catch (error) {
      if (error instanceof JetStreamApiError || error instanceof ContractError) return undefined;
      throw error;
    }
  };
  const events: (BusEvent | undefined)[] = [];
  for (let start = 0; start < positions.length; start += PARALLEL_READS) events.push(...(await Promise.all(positions.slice(start, start + PARALLEL_READS).map(read))));
  return events;
}
