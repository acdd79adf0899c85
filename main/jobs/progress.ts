// Rate and ETA from a job's recent progress: items per second over a sliding window of samples, so a slow
// start (loading RDKit) or a burst does not distort the estimate for long.
export class ProgressMeter {
  private samples: { t: number; done: number }[] = [];

  constructor(private readonly windowMs = 5000) {}

  add(done: number, now = Date.now()): void {
    this.samples.push({ t: now, done });
    while (this.samples.length > 2 && now - this.samples[1].t > this.windowMs) this.samples.shift();
  }

  /** items per second, null until two samples are far enough apart to say */
  rate(): number | null {
    if (this.samples.length < 2) return null;
    const a = this.samples[0];
    const b = this.samples[this.samples.length - 1];
    if (b.t - a.t < 200) return null;
    return Math.max(0, ((b.done - a.done) * 1000) / (b.t - a.t));
  }

  eta(done: number, total: number | null): number | null {
    const r = this.rate();
    if (total === null || r === null || r <= 0) return null;
    return Math.max(0, (total - done) / r);
  }
}

/**
 * Calls `fire` at most once per interval with the latest value handed to `push`; a value that arrives
 * too early is held and sent when the interval ends (so the last one is never lost).
 */
export class Throttle<T> {
  private last = 0;
  private pending: { value: T } | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly fire: (value: T) => void,
  ) {}

  push(value: T): void {
    this.pending = { value };
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Sends the held value now, if any. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const p = this.pending;
    this.pending = null;
    if (p) {
      this.last = Date.now();
      this.fire(p.value);
    }
  }

  /** Drops the held value. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }
}
