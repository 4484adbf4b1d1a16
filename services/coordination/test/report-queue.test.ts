import { RetryLaterException } from '@lienganh/platform';
import { ReportQueue } from '../src/reports/report-queue.js';

// Reports are made one at a time, each user one at a time and a few a minute (issue 19).

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
};

const refusalOf = async (attempt: Promise<unknown>) => {
  const error = await attempt.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof RetryLaterException)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { status: error.getStatus(), error: (error.getResponse() as { error: string }).error, retryAfter: error.retryAfterSeconds };
};

it('runs one report at a time; the next waits its turn', async () => {
  const queue = new ReportQueue({ perUserPerMinute: 10 });
  const first = deferred();
  const order: string[] = [];
  const a = queue.run('alice', async () => {
    order.push('a starts');
    await first.promise;
    order.push('a ends');
  });
  const b = queue.run('bob', async () => void order.push('b runs'));
  await new Promise((next) => setImmediate(next));
  expect(order).toEqual(['a starts']);
  first.resolve();
  await Promise.all([a, b]);
  expect(order).toEqual(['a starts', 'a ends', 'b runs']);
});

it('refuses a second report of the same user while the first is made (429, retry after 1 s)', async () => {
  const queue = new ReportQueue({ perUserPerMinute: 10 });
  const first = deferred();
  const a = queue.run('alice', () => first.promise);
  expect(await refusalOf(queue.run('alice', async () => undefined))).toEqual({ status: 429, error: 'report-in-progress', retryAfter: 1 });
  first.resolve();
  await a;
  await expect(queue.run('alice', async () => 'again')).resolves.toBe('again');
});

it("limits each user's reports per minute, and says when to retry", async () => {
  let now = 1_000_000;
  const queue = new ReportQueue({ perUserPerMinute: 3, now: () => now });
  for (let n = 0; n < 3; n++) {
    await queue.run('alice', async () => undefined);
    now += 10_000;
  }
  expect(await refusalOf(queue.run('alice', async () => undefined))).toEqual({ status: 429, error: 'too-many-reports', retryAfter: 30 });
  // Another member is not held back by her.
  await expect(queue.run('bob', async () => 'bob')).resolves.toBe('bob');
  now += 30_000;
  await expect(queue.run('alice', async () => 'later')).resolves.toBe('later');
});

it('refuses with 503 when too many reports wait', async () => {
  const queue = new ReportQueue({ perUserPerMinute: 10, maxWaiting: 1 });
  const first = deferred();
  const running = queue.run('a', () => first.promise);
  const waiting = queue.run('b', async () => undefined);
  expect(await refusalOf(queue.run('c', async () => undefined))).toMatchObject({ status: 503, error: 'report-queue-full' });
  first.resolve();
  await Promise.all([running, waiting]);
});

it('frees the user when a report fails', async () => {
  const queue = new ReportQueue({ perUserPerMinute: 10 });
  await expect(queue.run('alice', async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
  await expect(queue.run('alice', async () => 'ok')).resolves.toBe('ok');
});
