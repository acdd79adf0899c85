// The optimize job's live picture for the Optimize panel's plot ('optimize.progress' events): the best molecule
// meeting every constraint so far in the job (its weighted score and objective values), the current start's
// Pareto front of feasible molecules, and how many distinct valid / feasible molecules the start has found.
// Reports come after a batch of decodes, at most one per `intervalMs` (the last one of a burst is sent when the
// interval is over), and at once at the end of each start (flush). The archive only grows and keeps its order,
// so each report looks only at the molecules found since the last one, and the front is updated, not rebuilt.
import type { OptimizeProgress, SurrogateFit } from '../../api/contract.ts';
import type { JobContext } from '../../jobs/runner.ts';
import type { Candidate, Evaluator } from './evaluator.ts';
import { objectiveLabel, paretoFront } from './objectives.ts';
import type { Objective } from './objectives.ts';

const FRONT_MAX = 200;

export class OptimizeProgressReporter {
  private best: OptimizeProgress['best'] = null;
  private front: Candidate[] = [];
  private seen = 0;
  private feasible = 0;
  private evaluator: Evaluator | null = null;
  private start = 0;
  private decodes = 0;
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** a report came since the last one was sent */
  private pending = false;
  private readonly labels: string[];
  /** the surrogate objectives' fits, as the job last fitted them */
  surrogates: SurrogateFit[] = [];

  constructor(
    private readonly ctx: Pick<JobContext, 'jobId' | 'emit'>,
    /** the generated collection the results go to */
    private readonly collectionId: number,
    objectives: readonly Objective[],
    private readonly starts: number,
    private readonly total: number,
    private readonly intervalMs = 250,
  ) {
    this.labels = objectives.map(objectiveLabel);
  }

  /** After a batch: `decodes` done in the whole job, `ev` the current start's evaluator. */
  report(start: number, decodes: number, ev: Evaluator): void {
    if (ev !== this.evaluator) {
      this.evaluator = ev;
      this.front = [];
      this.seen = 0;
      this.feasible = 0;
    }
    this.start = start;
    this.decodes = decodes;
    this.pending = true;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), wait);
      this.timer.unref?.();
    }
  }

  /** Sends the latest state now (the end of a start, the end of the job). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ev = this.evaluator;
    // nothing reported since the last send: the same report twice would tell the panel nothing
    if (!ev || !this.pending) return;
    this.pending = false;
    this.last = Date.now();
    this.take(ev);
    this.ctx.emit('optimize.progress', {
      jobId: this.ctx.jobId, collectionId: this.collectionId, start: this.start, starts: this.starts, decodes: this.decodes, total: this.total, objectives: this.labels, best: this.best,
      front: this.front.slice(0, FRONT_MAX).map((c) => ({ smiles: c.smiles!, values: c.values })),
      valid: ev.archive.size, feasible: this.feasible, surrogates: this.surrogates,
    });
  }

  /** Folds the molecules found since the last report into the best and the front. */
  private take(ev: Evaluator): void {
    const found = [...ev.archive.values()].slice(this.seen).filter((c) => c.feasible && c.smiles !== null);
    this.seen = ev.archive.size;
    if (!found.length) return;
    this.feasible += found.length;
    for (const c of found) if (Number.isFinite(c.score) && (!this.best || c.score > this.best.score)) this.best = { smiles: c.smiles!, score: c.score, values: c.values };
    this.front = paretoFront([...this.front, ...found], (c) => c.utilities).sort((a, b) => b.score - a.score);
  }
}
