import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';

/** How long requests in flight get to finish once a service is asked to stop (default). */
export const HTTP_DRAIN_MS = 3_000;

/**
 * Closes a Nest HTTP application with a drain deadline: the listening socket closes at once (no
 * new connections), idle keep-alive connections are closed, requests in flight get `drainMs` to
 * finish, then every connection still open (a slow client, a stream that does not end) is cut.
 * Without the deadline, `server.close()` waits for the last client to go, however long it takes.
 */
export async function closeHttpServer(app: INestApplication, drainMs = HTTP_DRAIN_MS): Promise<void> {
  const server = app.getHttpServer() as Server;
  server.closeIdleConnections();
  const deadline = setTimeout(() => server.closeAllConnections(), drainMs);
  try {
    await app.close();
  } finally {
    clearTimeout(deadline);
  }
}
