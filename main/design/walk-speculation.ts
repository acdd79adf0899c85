// Speculative decoding of a drag's next slider position. A drag moves one slider a step at a time, so after
// answering a move the core decodes (valid-first) the position one more step the same way, and makes its
// chemistry and drawing, while the page draws the answer; when the next move asks for that position its
// decode is a lookup (or it joins the decode under way). A real request for any other position stops the
// speculation before its next decoder step (the ORT runs are async, so the request waits at most one step),
// and no speculation starts while a real walk is being answered. Only the decode is kept here: provenance
// (createdAt included) is made by the real request.
import type { DecodedMolecule } from './model-service.ts';
import { DecodeStopped } from '../../models/runtime/decode.ts';
import { Lru } from './lru.ts';

/** MOLSCAPE_WALK_AHEAD=0 turns the speculation off, =decode keeps it to the decode (to measure what each brings). */
const AHEAD = process.env.MOLSCAPE_WALK_AHEAD !== '0';
const CHEMISTRY_AHEAD = process.env.MOLSCAPE_WALK_AHEAD !== 'decode';

export type WalkDecode = DecodedMolecule & { tries: number };
export interface Offset {
  direction: string;
  amount: number;
}

/** What a walk's decode depends on, besides the model: the seed, the slider positions and the random seed. */
export function walkKey(seed: string, offsets: readonly Offset[], randomSeed: number): string {
  return JSON.stringify([seed, offsets.filter((o) => o.amount !== 0).map((o) => [o.direction, o.amount]), randomSeed]);
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

interface Running {
  key: string;
  stop: boolean;
  done: Promise<WalkDecode | null>;
}

export class WalkSpeculation {
  private readonly ready = new Lru<string, WalkDecode>(64);
  private running: Running | null = null;
  /** real walks being answered: no speculation starts meanwhile */
  private real = 0;
  /** the last real position per seed and random seed (what the next step continues from) */
  private readonly last = new Lru<string, Offset[]>(16);
  /** counts, for the benchmark and the tests */
  readonly stats = { started: 0, stopped: 0, hits: 0, joined: 0 };

  /**
   * A real request begins: its decode if it was speculated (done or under way; null when the one under way
   * was stopped meanwhile), else undefined. Any speculation of another position is stopped. Pair with end().
   */
  begin(key: string): Promise<WalkDecode | null> | undefined {
    this.real++;
    const hit = this.ready.get(key);
    if (hit) {
      this.stats.hits++;
      return Promise.resolve(hit);
    }
    if (this.running && this.running.key === key) {
      this.stats.joined++;
      return this.running.done;
    }
    if (this.running && !this.running.stop) {
      this.running.stop = true;
      this.stats.stopped++;
    }
    return undefined;
  }

  end(): void {
    this.real--;
  }

  /** Stops the speculation under way and no new one starts (closing the model); resolves once it has ended. */
  async stop(): Promise<void> {
    this.real++; // never paired with end(): nothing speculates after closing
    if (this.running) {
      this.running.stop = true;
      await this.running.done;
    }
  }

  /** Remembers a real position of this drag; returns the position before it (same seed and random seed). */
  moved(seed: string, randomSeed: number, offsets: readonly Offset[]): Offset[] | undefined {
    const k = JSON.stringify([seed, randomSeed]);
    const before = this.last.get(k);
    this.last.set(k, offsets.map((o) => ({ ...o })));
    return before;
  }

  /**
   * Starts decoding `key` unless a real walk is being answered, it is known already or under way; decode gets
   * the stop check to pass to the decoder; then() runs after a decode that was not stopped (the chemistry).
   */
  speculate(key: string, decode: (shouldStop: () => boolean) => Promise<WalkDecode>, then?: (d: WalkDecode) => void): void {
    if (!AHEAD || this.real > 0 || this.ready.get(key) || this.running?.key === key) return;
    if (this.running && !this.running.stop) return; // one at a time
    const run: Running = { key, stop: false, done: Promise.resolve(null) };
    run.done = decode(() => run.stop)
      .then((d) => {
        this.ready.set(key, d);
        return d;
      })
      .catch((error: unknown) => {
        if (!(error instanceof DecodeStopped)) console.warn(`speculative walk decode failed: ${(error as Error).message}`);
        return null;
      })
      .finally(() => {
        if (this.running === run) this.running = null;
      });
    this.running = run;
    this.stats.started++;
    if (then && CHEMISTRY_AHEAD)
      void run.done.then((d) => {
        // the chemistry is synchronous RDKit work: only when no real walk is waiting for the runtime
        if (d && !run.stop && this.real === 0) then(d);
      });
  }
}
