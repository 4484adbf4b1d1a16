/** One server-sent event as a client receives it. */
export interface ServerSentEvent {
  type: string;
  data: any;
}

/**
 * Opens a server-sent event stream with fetch and collects its events, so that a test can
 * wait for the one it expects (`next(predicate, timeoutMs)`); `token`: a user's (coordination's API).
 */
export async function openEventStream(url: string, token?: string, extraHeaders: Record<string, string> = {}): Promise<EventStream> {
  const controller = new AbortController();
  const headers = { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extraHeaders };
  const response = await fetch(url, { headers, signal: controller.signal });
  if (!response.ok || !response.body) throw new Error(`event stream ${url}: HTTP ${response.status}`);
  return new EventStream(response.body, controller);
}

export class EventStream {
  readonly events: ServerSentEvent[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(body: ReadableStream<Uint8Array>, private readonly controller: AbortController) {
    void this.read(body);
  }

  /** Waits for an event (already received or coming) that matches. */
  async next(matches: (event: ServerSentEvent) => boolean, timeoutMs = 5_000): Promise<ServerSentEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(matches);
      if (found) return found;
      if (this.ended) throw new Error('event stream ended');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms (received ${this.events.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.controller.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
        this.wake?.();
      }
    } catch {
      // aborted by close()
    }
    this.ended = true;
    this.wake?.();
  }

  private parse(block: string): void {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length > 0) this.events.push({ type, data: JSON.parse(data.join('\n')) });
  }
}
