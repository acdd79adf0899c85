// A small pool of chem threads (one per core by default). Each batch goes to the least busy thread; the
// caller keeps results in order by awaiting the promises in the order it submitted them.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { siblingModule } from '../worker-path.ts';
import { tsThread } from '../ts-thread.ts';
import type { ChemTask, ChemTaskResult, StandardizeFlags } from './chem-tasks.ts';

type Pending = { resolve: (r: ChemTaskResult) => void; reject: (e: Error) => void };

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class ChemPool {
  private readonly slots: Slot[] = [];
  private seq = 0;
  private closed = false;

  private readonly module = siblingModule(import.meta.url, 'chem-thread.ts', 'chem-thread.mjs');

  /**
   * Threads start on demand, up to maxSize: a small file is done by one thread before a second one would
   * have loaded RDKit.
   */
  constructor(private readonly maxSize = Math.max(1, Math.min(availableParallelism(), 4))) {}

  private spawn(): Slot {
    const worker = tsThread(this.module);
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (r: ChemTaskResult) => {
      const p = slot.pending.get(r.seq);
      slot.pending.delete(r.seq);
      if (r.op === 'error') p?.reject(new Error(`A chemistry thread failed on a batch: ${r.message}`));
      else p?.resolve(r);
    });
    const failAll = (err: Error) => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
    };
    worker.on('error', (err) => failAll(new Error(`A chemistry thread failed: ${err.message}`)));
    worker.on('exit', (code) => {
      if (!this.closed) failAll(new Error(`A chemistry thread stopped (exit code ${code}).`));
    });
    this.slots.push(slot);
    return slot;
  }

  /** The most threads this pool runs. */
  get size(): number {
    return this.maxSize;
  }

  canonicalize(structures: string[], standardize?: StandardizeFlags): Promise<Extract<ChemTaskResult, { op: 'canonicalize' }>> {
    return this.run({ op: 'canonicalize', seq: 0, structures, standardize }) as Promise<Extract<ChemTaskResult, { op: 'canonicalize' }>>;
  }

  properties(smiles: string[]): Promise<Extract<ChemTaskResult, { op: 'properties' }>> {
    return this.run({ op: 'properties', seq: 0, smiles }) as Promise<Extract<ChemTaskResult, { op: 'properties' }>>;
  }

  private run(task: ChemTask): Promise<ChemTaskResult> {
    if (this.closed) return Promise.reject(new Error('The chemistry pool is closed.'));
    const idle = this.slots.find((s) => s.pending.size === 0);
    const slot = idle ?? (this.slots.length < this.maxSize ? this.spawn() : this.slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a)));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      slot.pending.set(seq, { resolve: resolve as (r: ChemTaskResult) => void, reject });
      slot.worker.postMessage({ ...task, seq });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
