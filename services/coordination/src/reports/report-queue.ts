import { RetryLaterException } from '@lienganh/platform';

export interface ReportQueueOptions {
  /** Reports compiled at once in this process (default 1): the rest wait their turn. */
  concurrency?: number;
  /** Reports one user may take per minute (default `LIENGANH_REPORTS_PER_MINUTE`, else 10). */
  perUserPerMinute?: number;
  /** Requests waiting at most (default 20); beyond, 503 with Retry-After. */
  maxWaiting?: number;
  now?: () => number;
}

/**
 * Report generation runs one at a time, each user one at a time and a few per minute: a member
 * who asks in a loop gets 429 with `Retry-After`, never a share of the process that ingestion
 * needs (under `npm start` every service runs in this one process).
 */
export class ReportQueue {
  private readonly concurrency: number;
  private readonly perUserPerMinute: number;
  private readonly maxWaiting: number;
  private readonly now: () => number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** User → the reports in progress or waiting (at most one). */
  private readonly busy = new Set<string>();
  /** User → when their last reports of the past minute started. */
  private readonly taken = new Map<string, number[]>();

  constructor(options: ReportQueueOptions = {}) {
    this.concurrency = options.concurrency ?? 1;
    this.perUserPerMinute = options.perUserPerMinute ?? reportsPerMinuteFromEnv();
    this.maxWaiting = options.maxWaiting ?? 20;
    this.now = options.now ?? Date.now;
  }

  /** Runs `job` in its turn for `userId`, or refuses at once (429 or 503 with `Retry-After`). */
  async run<T>(userId: string, job: () => Promise<T>): Promise<T> {
    this.admit(userId);
    this.busy.add(userId);
    try {
      if (this.running >= this.concurrency) await new Promise<void>((turn) => this.waiting.push(turn));
      this.running++;
      try {
        return await job();
      } finally {
        this.running--;
        this.waiting.shift()?.();
      }
    } finally {
      this.busy.delete(userId);
    }
  }

  private admit(userId: string): void {
    const now = this.now();
    if (this.busy.has(userId)) {
      throw refusal(429, 'report-in-progress', 'Báo cáo trước của bạn đang được lập, xin chờ / your previous report is still being made: wait for it', 1);
    }
    const recent = (this.taken.get(userId) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= this.perUserPerMinute) {
      const seconds = Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
      throw refusal(429, 'too-many-reports', `Quá ${this.perUserPerMinute} báo cáo mỗi phút, xin thử lại sau ${seconds} giây / more than ${this.perUserPerMinute} reports a minute: retry in ${seconds} s`, seconds);
    }
    if (this.waiting.length >= this.maxWaiting) {
      throw refusal(503, 'report-queue-full', 'Đang có nhiều báo cáo chờ lập, xin thử lại sau / too many reports waiting: retry shortly', 5);
    }
    recent.push(now);
    this.taken.set(userId, recent);
  }
}

const refusal = (status: 429 | 503, error: string, message: string, retryAfterSeconds: number) => new RetryLaterException(status, { error, message }, retryAfterSeconds);

function reportsPerMinuteFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.LIENGANH_REPORTS_PER_MINUTE ?? 10);
  return Number.isInteger(value) && value > 0 ? value : 10;
}
