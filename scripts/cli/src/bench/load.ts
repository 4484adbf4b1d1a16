import { Worker } from 'node:worker_threads';

/**
 * Load generators that must not share an event loop with the coordination service under test
 * (a busy loop would delay the sends and hide latency): raw JetStream publishing, and HTTP
 * posts at a fixed rate. They run in a worker thread (`load-worker.ts`), prepare their events
 * first, and start on `go()`. Times are absolute (performance.timeOrigin + now), comparable
 * across threads.
 */
export type LoadTask =
  | { kind: 'publish'; natsUrl: string; prefix: string; count: number }
  | { kind: 'post'; url: string; key: string; prefix: string; rate: number; count: number; sockets: number };

/** One posted event: when it left, when the service answered, and how (0: no answer). */
export interface PostRecord {
  index: number;
  sentAt: number;
  answeredAt: number;
  status: number;
}

export type LoadReport = { kind: 'publish'; published: number; ms: number } | { kind: 'post'; records: PostRecord[]; errors: string[] };

export const absoluteNow = () => performance.timeOrigin + performance.now();

export interface PreparedLoad {
  /** Starts the load; resolves with its report when it is done. */
  go(): Promise<LoadReport>;
  terminate(): Promise<void>;
}

/** Starts the worker and resolves once it has prepared its events. */
export function prepareLoad(task: LoadTask): Promise<PreparedLoad> {
  const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: task });
  const failed = new Promise<never>((_, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load worker exited with code ${code}`)));
  });
  failed.catch(() => undefined);
  const message = <T>(pick: (value: Record<string, unknown>) => T | undefined) =>
    Promise.race([
      new Promise<T>((resolve) => {
        const listener = (value: Record<string, unknown>) => {
          const picked = pick(value);
          if (picked === undefined) return;
          worker.off('message', listener);
          resolve(picked);
        };
        worker.on('message', listener);
      }),
      failed,
    ]);
  return message((value) => (value.ready ? true : undefined)).then(() => ({
    go() {
      const report = message((value) => value.report as LoadReport | undefined);
      worker.postMessage('go');
      return report;
    },
    async terminate() {
      await worker.terminate();
    },
  }));
}
