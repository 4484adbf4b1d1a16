import { binaryModePath, ContractError, decodeHttpEvents, type HttpContentMode } from '@lienganh/contracts';
import type { Request } from 'express';

/** What `POST /api/v1/events` received, in whichever content mode it came (issue 22). */
export interface IncomingRequest {
  mode: HttpContentMode;
  /** One event object or, for a batch, an array of them: what `prepareIncoming` takes. */
  body: unknown;
  batch: boolean;
}

/**
 * Reads a request to the events endpoint in the three content modes of the CloudEvents HTTP
 * binding (`decodeHttpEvents`): binary (`ce-` headers, the data as the body), structured, batch.
 * `headersDistinct` keeps a repeated header apart instead of joining its values with commas.
 */
export function incomingRequest(request: Request): IncomingRequest {
  const { mode, body } = decodeHttpEvents(request.headersDistinct, request.body);
  return { mode, body, batch: Array.isArray(body) };
}

/**
 * Runs the contracts over a request's events; in binary mode, an issue about an attribute names
 * the header it came in (`headers.ce-subject`), which is what the sender has to fix.
 */
export function inContentMode<T>(request: IncomingRequest, validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof ContractError)) throw error;
    if (request.mode === 'binary') throw new ContractError(error.issues.map((issue) => ({ path: binaryModePath(issue.path), message: issue.message })));
    if (looksLikeDataAlone(request.body)) throw new ContractError([{ path: '', message: DATA_ALONE }, ...error.issues]);
    throw error;
  }
}

/**
 * A body with neither `specversion` nor `type` and no `ce-` headers is most likely an event's data
 * sent without its attributes (binary mode half done): said first, before "specversion is
 * required" and every data field named unknown, which is all the contracts can see of it.
 */
const DATA_ALONE =
  'no CloudEvent attributes: send them in the body with the data under "data" (structured mode), or as ce- headers (ce-specversion, ce-id, ce-type, ce-time) with the data as the body (binary mode)';

function looksLikeDataAlone(body: unknown): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && !('specversion' in body) && !('type' in body);
}
