// The chemistry of decodes made ahead of a slider drag, worked out in a thread of its own (chem-thread.ts)
// and put into the design context's ChemCache, so that neither the speculation nor a real move waits on the
// other's RDKit work (~8 ms a molecule). The thread starts on first use; should it fail, chemistry is made on
// demand on the core's thread, as without it. Same chemPart code and RDKit build on both sides: same answer.
import type { Worker } from 'node:worker_threads';
import { siblingModule } from '../jobs/worker-path.ts';
import { tsThread } from '../jobs/ts-thread.ts';
import { chemKey } from './designed-molecule.ts';
import type { ChemCache, ChemPart, DrawSize } from './designed-molecule.ts';

export interface ChemAheadTask {
  seq: number;
  smiles: string;
  /** the seed's canonical SMILES (the thread works out its fingerprint and environments once) */
  seed: string | null;
  draw: DrawSize | undefined;
}
export type ChemAheadReply = { seq: number; part: ChemPart | null } | { seq: number; error: string } | { ready: true };

/** MOLSCAPE_CHEM_THREAD=0 keeps speculative chemistry on the core's thread (to measure what the thread brings). */
export const CHEM_THREAD = process.env.MOLSCAPE_CHEM_THREAD !== '0';
/** molecules handed to the thread at a time (so the one it is making is known); the rest wait here */
const IN_THREAD = 2;
/** molecules waiting here at most: the oldest are dropped (their requests make their own chemistry) */
const WAITING = 32;
/** a thread taking longer than this per molecule lately (ms) is not waited for */
const SLOW_MS = 15;

interface Entry {
  key: string;
  urgent: boolean;
  task: ChemAheadTask;
  done: Promise<void>;
  settle: () => void;
}

export class ChemAhead {
  private worker: Worker | null = null;
  private failed = false;
  /** the thread's RDKit has loaded */
  private ready = false;
  private seq = 0;
  /** the thread's time per molecule lately (moving average, ms) */
  private msPerMolecule = 0;
  /** when the thread began its current molecule */
  private since = 0;
  /** handed to the thread, in order: it answers in that order, so the first is the one being made */
  private readonly inThread = new Map<number, Entry>();
  /** not handed over yet, oldest first */
  private waiting: Entry[] = [];
  private readonly module = siblingModule(import.meta.url, 'chem-thread.ts', 'design-chem-thread.mjs');
  readonly stats = { made: 0, failed: 0, dropped: 0 };

  constructor(private readonly cache: ChemCache) {}

  /** False once the thread has failed (or when turned off): the caller makes chemistry itself. */
  get available(): boolean {
    return CHEM_THREAD && !this.failed;
  }

  /** Starts the thread (its RDKit takes a second or two to load), so it is ready when a drag begins. */
  warm(): void {
    if (this.available) this.thread();
  }

  /**
   * Has a molecule's chemistry made in the thread, unless it is known or on its way already. urgent (a drag's
   * next positions): ahead of the molecules waiting, which after a pause can be a few dozen decoded for the
   * sliders not touched yet, ~8 ms each; behind them, a drag's next move would make its chemistry itself.
   */
  make(smiles: string, seed: string | null, draw: DrawSize | undefined, urgent = false): void {
    if (!this.available || this.cache.has(smiles, seed, draw)) return;
    const key = chemKey(smiles, seed, draw);
    if ([...this.inThread.values()].some((e) => e.key === key)) return;
    const at = this.waiting.findIndex((e) => e.key === key);
    if (at >= 0) {
      if (urgent) this.waiting.unshift({ ...this.waiting.splice(at, 1)[0], urgent });
      return;
    }
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    const entry = { key, urgent, task: { seq: ++this.seq, smiles, seed, draw }, done, settle };
    if (urgent) this.waiting.unshift(entry);
    else this.waiting.push(entry);
    while (this.waiting.length > WAITING) {
      // the oldest of those not urgent (all urgent: the last)
      const drop = this.waiting.findIndex((e) => !e.urgent);
      this.waiting.splice(drop >= 0 ? drop : this.waiting.length - 1, 1)[0].settle();
      this.stats.dropped++;
    }
    this.handOver();
  }

  private handOver(): void {
    if (this.inThread.size === 0) this.since = performance.now();
    while (this.inThread.size < IN_THREAD && this.waiting.length > 0) {
      const e = this.waiting.shift()!;
      this.inThread.set(e.task.seq, e);
      this.thread().postMessage(e.task);
    }
  }

  /**
   * The chemistry of this molecule if the thread is making it right now (it will be in the cache when this
   * resolves); undefined when it is not under way or still queued behind others (making it here is sooner).
   */
  current(smiles: string, seed: string | null, draw: DrawSize | undefined): Promise<void> | undefined {
    // a thread slowed down (the machine busy, a big molecule) is not waited for: the request makes its own
    const first = this.ready && this.msPerMolecule < SLOW_MS ? this.inThread.values().next().value : undefined;
    return first && first.key === chemKey(smiles, seed, draw) ? first.done : undefined;
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const w = tsThread(this.module);
    // the thread never keeps the process alive (a CLI walk ends when its answer is printed)
    w.unref();
    w.on('message', (r: ChemAheadReply) => {
      if ('ready' in r) {
        this.ready = true;
        return;
      }
      const e = this.inThread.get(r.seq);
      this.inThread.delete(r.seq);
      const now = performance.now();
      this.msPerMolecule = 0.7 * this.msPerMolecule + 0.3 * (now - this.since);
      this.since = now;
      if ('error' in r) this.stats.failed++;
      else if (r.part && e) {
        this.cache.put(e.task.smiles, e.task.seed, e.task.draw, r.part);
        this.stats.made++;
      }
      e?.settle();
      this.handOver();
    });
    const fail = (why: string) => {
      if (this.worker !== w) return;
      this.failed = true;
      this.worker = null;
      console.warn(`design chemistry thread: ${why}; chemistry is made on the core's thread from now on`);
      this.settleAll();
    };
    w.on('error', (e) => fail(e.message));
    w.on('exit', (code) => fail(`stopped (exit code ${code})`));
    this.worker = w;
    return w;
  }

  private settleAll() {
    for (const e of [...this.inThread.values(), ...this.waiting]) e.settle();
    this.inThread.clear();
    this.waiting = [];
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.failed = true;
    this.settleAll();
    if (w) await w.terminate();
  }
}
