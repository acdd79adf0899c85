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

  /** The thread's RDKit has loaded (before that, requests make their own chemistry). */
  get loaded(): boolean {
    return this.ready;
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

  /**
   * Forgets the molecules waiting that are not urgent: decoded for the sliders around where the chemist was,
   * they are stale once the chemist moves, and made anyway they would hold a core during the drag that follows.
   */
  dropStale(): void {
    const keep: Entry[] = [];
    for (const e of this.waiting) {
      if (e.urgent) keep.push(e);
      else {
        e.settle();
        this.stats.dropped++;
      }
    }
    this.waiting = keep;
  }

  private handOver(): void {
    while (this.inThread.size < IN_THREAD && this.waiting.length > 0) {
      const e = this.waiting.shift()!;
      this.inThread.set(e.task.seq, e);
      this.thread().postMessage(e.task);
    }
  }

  /**
   * The chemistry of this molecule if the thread has it in hand or waiting (a waiting one goes to the front):
   * once this resolves it is in the cache (or, dropped or failed, not: the caller makes it). Undefined when the
   * thread does not have it, or has not loaded yet: the caller makes it. Waiting beats making it here as well:
   * on two cores, a second making of the same molecule would take the CPU the thread and the browser need.
   */
  current(smiles: string, seed: string | null, draw: DrawSize | undefined): Promise<void> | undefined {
    if (!this.ready) return undefined;
    const key = chemKey(smiles, seed, draw);
    for (const e of this.inThread.values()) if (e.key === key) return e.done;
    const at = this.waiting.findIndex((e) => e.key === key);
    if (at < 0) return undefined;
    const e = this.waiting.splice(at, 1)[0];
    this.waiting.unshift({ ...e, urgent: true });
    return e.done;
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
