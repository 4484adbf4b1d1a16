import { Agent, request } from 'node:http';

export interface PostResult {
  status: number;
  body: string;
}

/**
 * A lean HTTP client for `POST /api/v1/events`: keep-alive sockets (at most `sockets`), bodies
 * serialised beforehand, so that the client costs the machine as little as possible and the
 * figure is the service's.
 */
export class EventPoster {
  private readonly agent: Agent;
  private readonly target: URL;

  constructor(
    url: string,
    private readonly key: string,
    sockets: number,
  ) {
    this.target = new URL('/api/v1/events', url);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  post(body: Buffer): Promise<PostResult> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${this.key}` },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        },
      );
      req.setTimeout(60_000, () => req.destroy(new Error('no answer within 60 s')));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** `workers` clients posting the bodies in turn, each waiting for its answer; throws on the first answer other than 202. */
export async function postAll(poster: EventPoster, bodies: Buffer[], workers: number, onAnswer?: (done: number) => void): Promise<void> {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const answer = await poster.post(body);
      if (answer.status !== 202) throw new Error(`the agency service answered ${answer.status}: ${answer.body.slice(0, 300)}`);
      onAnswer?.(++done);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
}
