// Two sessions of the same graph, one on the runtime's threads and one on a single thread, and each large run on
// whichever has lately been faster per unit of work. They compute the same numbers (MLAS splits a product over
// rows and columns, never over the sum; the GRU's gates are elementwise), so only the time differs, and which is
// faster depends on what else runs: beside other work the encoder's threads meet at every kernel of every time
// step and wait whenever another core is taken (the shipped model encoding 1,024 molecules at load 4: 1,735 ms on
// two threads, 730 ms on one; the two threads together got 0.8 of a core), while on a quiet machine the threads
// are the faster.
// Large runs go to the threads-wide session, whose CPU time over its wall time is watched: while it gets less than
// CROWDED of its threads' worth, the one-thread session is timed too, and from then on the faster is used, the
// other tried again every EXPLORE_EVERY-th run so that a change of load is noticed (the threads-wide one always,
// the one-thread one only while the threads-wide one is crowded: a quiet machine never pays for the trial).
// A session's figure is a running mean that gives its latest timing half the weight.
import type { ort } from './session.ts';

/** Every this many large runs, the session that has been slower is timed again. */
export const EXPLORE_EVERY = 8;
/** The threads-wide session counts as crowded while its CPU time is under this share of threads × wall time. */
export const CROWDED = 0.7;

export class FasterSession {
  /** ms per unit of work, a running mean (NaN: not timed yet). */
  private readonly cost = [NaN, NaN];
  /** The threads-wide session's CPU time over its wall time, a running mean (NaN: not timed yet). */
  private parallelism = NaN;
  private calls = 0;

  /** Which session the last large run used (0: the threads-wide one, 1: the one-thread one); -1 before any. */
  last = -1;

  constructor(
    /** [on the runtime's threads, on one thread]: the same graph. */
    private readonly sessions: readonly [ort.InferenceSession, ort.InferenceSession],
    /** The threads-wide session's intra-op threads. */
    private readonly threads: number,
    /** Runs of fewer units of work go to the threads-wide session, untimed (too short to time). */
    private readonly minUnits: number,
  ) {}

  async run(feeds: ort.InferenceSession.FeedsType, units: number): Promise<ort.InferenceSession.ReturnType> {
    if (units < this.minUnits) return this.sessions[0].run(feeds);
    const k = (this.last = this.choose());
    const c0 = process.cpuUsage(), t0 = performance.now();
    const out = await this.sessions[k].run(feeds);
    const wall = performance.now() - t0;
    this.cost[k] = mean(this.cost[k], wall / units);
    if (k === 0) {
      const cpu = process.cpuUsage(c0);
      this.parallelism = mean(this.parallelism, (cpu.user + cpu.system) / 1000 / Math.max(wall, 1e-3));
    }
    return out;
  }

  private choose(): number {
    const n = this.calls++;
    const crowded = this.parallelism < CROWDED * this.threads; // false while not timed (NaN)
    if (Number.isNaN(this.cost[0])) return 0;
    if (Number.isNaN(this.cost[1])) return crowded ? 1 : 0;
    const best = this.cost[0] <= this.cost[1] ? 0 : 1;
    const explore = n % EXPLORE_EVERY === EXPLORE_EVERY - 1 && (best === 1 || crowded);
    return explore ? 1 - best : best;
  }

  async release(): Promise<void> {
    for (const s of this.sessions) await s.release();
  }
}

const mean = (old: number, x: number) => (Number.isNaN(old) ? x : (old + x) / 2);
