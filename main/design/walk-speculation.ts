// Speculative decoding of the slider positions a chemist is likely to ask for next. After answering a move,
// the core decodes (valid-first) a queue of positions in the background: those the page names (`ahead`: the
// drag's next steps, and one step either way along every slider, for a slider the hand has not touched yet),
// or else the one step further the server infers from the last two moves. When a move asks for one of them,
// its decode is a lookup, or it joins the decode under way. A real request for any other position stops the
// speculation before its next decoder step (the ORT runs are async, so it waits at most one step); the
// stopped position goes back to the front of the queue, and the queue goes on once no real walk is decoding
// for itself (one answered from the speculation lets it go on). A new seed drops the queue. Only the decode
// is kept here: chemistry goes to a thread of its own (chem-ahead.ts), and provenance (createdAt included) is
// made by the real request.
import type { DecodedMolecule } from './model-service.ts';
import { DecodeStopped } from '../../models/runtime/decode.ts';
import { Lru } from './lru.ts';

/** MOLSCAPE_WALK_AHEAD=0 turns the speculation off (to measure what it brings). */
const AHEAD = process.env.MOLSCAPE_WALK_AHEAD !== '0';
/** positions waiting to be decoded ahead, at most */
export const MAX_QUEUE = 48;
/**
 * The first positions of each plan (a drag's next steps) are decoded at once; the rest (a slider not touched
 * yet) only once no walk has come for IDLE_MS: during a drag the CPU they would take is the page's and the
 * next move's (two cores, shared with the browser).
 */
const SOON = 2;
const IDLE_MS = 60;

export type WalkDecode = DecodedMolecule & { tries: number };
export interface Offset {
  direction: string;
  amount: number;
}

/** What a walk's decode depends on, besides the model: the seed, the slider positions and the random seed. */
export function walkKey(seed: string, offsets: readonly Offset[], randomSeed: number): string {
  return JSON.stringify([seed, offsets.filter((o) => o.amount !== 0).map((o) => [o.direction, o.amount]), randomSeed]);
}

/** The group of positions a queue holds: one seed and one random seed (a new one drops the queue). */
export function walkGroup(seed: string, randomSeed: number): string {
  return JSON.stringify([seed, randomSeed]);
}

/** Rounded as the UI rounds slider amounts (to 1/1000), so a continued drag lands on the same numbers. */
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The position one more step along the drag: `now` differs from `before` in exactly one direction's amount
 * (absent = 0); that amount moves on by the same step, the others stay. Null when it is not a one-slider step.
 */
export function nextPosition(before: readonly Offset[], now: readonly Offset[]): Offset[] | null {
  const amounts = (os: readonly Offset[]) => new Map(os.filter((o) => o.amount !== 0).map((o) => [o.direction, o.amount]));
  const a = amounts(before), b = amounts(now);
  const changed = [...new Set([...a.keys(), ...b.keys()])].filter((d) => (a.get(d) ?? 0) !== (b.get(d) ?? 0));
  if (changed.length !== 1) return null;
  const d = changed[0];
  const next = round3(2 * (b.get(d) ?? 0) - (a.get(d) ?? 0));
  if (Math.abs(next) > 100) return null;
  // keep the order the caller sends (the sum of moves along directions follows it); a new direction goes last
  const out = now.filter((o) => o.amount !== 0).map((o) => (o.direction === d ? { direction: d, amount: next } : { ...o }));
  if (!b.has(d)) out.push({ direction: d, amount: next });
  return out.filter((o) => o.amount !== 0);
}

/** A position to decode ahead. */
export interface AheadTask {
  key: string;
  /** decodes the position; shouldStop goes to the decoder */
  decode: (shouldStop: () => boolean) => Promise<WalkDecode>;
  /** after a decode that was not stopped: start its chemistry (not awaited); soon: the task was one of its plan's first */
  then?: (d: WalkDecode, soon: boolean) => void;
  /** set by plan(): among the first positions of the latest plan, decoded without waiting for a pause */
  soon?: boolean;
}

interface Running {
  task: AheadTask;
  group: string;
  stop: boolean;
  /** a request waits for this decode (joined it): it is not stopped for another position */
  awaited: boolean;
  done: Promise<WalkDecode | null>;
}

export class WalkSpeculation {
  private readonly ready = new Lru<string, WalkDecode>(512);
  /** positions still to decode, most likely first, all of one group (seed and random seed) */
  private queue: AheadTask[] = [];
  private group: string | null = null;
  private running: Running | null = null;
  private scheduled = false;
  private idleTimer: NodeJS.Timeout | null = null;
  /** when the last real walk ended (performance.now()) */
  private lastReal = -Infinity;
  private closed = false;
  /** real walks being answered */
  private real = 0;
  /** real walks decoding for themselves (not answered from the speculation): no speculation runs meanwhile */
  private decoding = 0;
  /** the last real position per seed and random seed (what the inferred next step continues from) */
  private readonly last = new Lru<string, Offset[]>(16);
  /** counts, for the benchmarks and the tests */
  readonly stats = { started: 0, stopped: 0, hits: 0, joined: 0 };

  /**
   * A real request begins. `speculated` is its decode if it was speculated (done or under way; null when the
   * one under way was stopped meanwhile), else undefined: then the request decodes for itself, and it stops
   * the speculation of another position (queued again) and no speculation runs until it ends. A request
   * answered from the speculation lets it go on: the drag's next positions keep decoding while it is answered.
   * Call end() once the request is answered.
   */
  begin(key: string, o: { background?: boolean } = {}): { speculated: Promise<WalkDecode | null> | undefined; end: () => void } {
    this.real++;
    const answered = (speculated: Promise<WalkDecode | null>) => ({ speculated, end: () => this.ended(false) });
    const hit = this.ready.get(key);
    if (hit) {
      this.stats.hits++;
      return answered(Promise.resolve(hit));
    }
    const r = this.running;
    if (r && r.task.key === key && !r.stop) {
      this.stats.joined++;
      r.awaited = true;
      return answered(r.done);
    }
    // a page's prefetch (background) decodes beside the speculation: it neither stops nor holds it
    if (o.background) return { speculated: undefined, end: () => this.ended(false) };
    if (r && !r.stop && !r.awaited) {
      r.stop = true;
      this.stats.stopped++;
      if (r.group === this.group && !this.queue.some((t) => t.key === r.task.key)) this.queue.unshift(r.task);
    }
    this.decoding++;
    return { speculated: undefined, end: () => this.ended(true) };
  }

  private ended(decoded: boolean): void {
    this.real--;
    if (decoded) this.decoding--;
    this.lastReal = performance.now();
    this.schedule();
  }

  /** True while a real walk is being answered. */
  get busy(): boolean {
    return this.real > 0;
  }

  /** Stops the speculation under way and no new one starts (closing the model); resolves once it has ended. */
  async stop(): Promise<void> {
    this.closed = true;
    this.queue = [];
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.running) {
      this.running.stop = true;
      await this.running.done;
    }
  }

  /** Remembers a real position of this drag; returns the position before it (same seed and random seed). */
  moved(seed: string, randomSeed: number, offsets: readonly Offset[]): Offset[] | undefined {
    const k = walkGroup(seed, randomSeed);
    const before = this.last.get(k);
    this.last.set(k, offsets.map((o) => ({ ...o })));
    return before;
  }

  /**
   * Positions to decode ahead, most likely first, for one group (seed and random seed). They go before the
   * positions still queued for the same group; another group's queue, and its speculation under way, are dropped.
   */
  plan(group: string, tasks: readonly AheadTask[]): void {
    if (!AHEAD || this.closed) return;
    if (group !== this.group) {
      this.group = group;
      this.queue = [];
      if (this.running && this.running.group !== group && !this.running.stop && !this.running.awaited) {
        this.running.stop = true;
        this.stats.stopped++;
      }
    }
    const fresh = tasks.filter((t) => !this.ready.get(t.key)).map((t, i) => ({ ...t, soon: i < SOON }));
    const keys = new Set(fresh.map((t) => t.key));
    const older = this.queue.filter((t) => !keys.has(t.key)).map((t) => ({ ...t, soon: false }));
    this.queue = [...fresh, ...older].slice(0, MAX_QUEUE);
    // the most likely position comes first: a decode under way for a less likely one gives way (it stays queued),
    // unless a request waits for it
    const r = this.running;
    if (r && !r.stop && !r.awaited && this.queue.length > 0) {
      if (this.queue[0].key === r.task.key) this.queue.shift();
      else {
        r.stop = true;
        this.stats.stopped++;
        if (r.group === this.group && !this.queue.some((t) => t.key === r.task.key)) this.queue.splice(1, 0, r.task);
      }
    }
    this.schedule();
  }

  /** The queue goes on after the current turn of the event loop (an answer is sent first). */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.next();
    });
  }

  private next(): void {
    if (this.closed || this.decoding > 0 || this.running) return;
    while (this.queue.length > 0 && this.ready.get(this.queue[0].key)) this.queue.shift();
    if (this.queue.length === 0) return;
    const wait = this.queue[0].soon ? 0 : this.lastReal + IDLE_MS - performance.now();
    if (wait > 0) {
      // a drag may still be going on: try again once it has paused
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        this.next();
      }, wait + 1);
      this.idleTimer.unref();
      return;
    }
    const t = this.queue.shift()!;
    const run: Running = { task: t, group: this.group!, stop: false, awaited: false, done: Promise.resolve(null) };
    run.done = t.decode(() => run.stop)
      .then((d) => {
        this.ready.set(t.key, d);
        return d;
      })
      .catch((error: unknown) => {
        if (!(error instanceof DecodeStopped)) console.warn(`speculative walk decode failed: ${(error as Error).message}`);
        return null;
      })
      .finally(() => {
        if (this.running === run) this.running = null;
        this.schedule();
      });
    this.running = run;
    this.stats.started++;
    if (t.then)
      void run.done.then((d) => {
        if (d && !run.stop) t.then!(d, t.soon === true);
      });
  }
}
