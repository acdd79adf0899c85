// Training or fine-tuning a model on a collection, from the UI. TrainSetup is the dialog: the collection, the
// base model (or a fresh one), the dataset doctor's report for that pair, and the settings (name, time budget
// or epochs, held-out and replay shares), checked before anything is sent. TrainJobState follows the train job
// like an import (FollowedJob: progress events give done / rate / ETA / message), polls its curves every
// POLL_MS while it runs, and can cancel (the core keeps a checkpoint) and resume (the same arguments again with
// resume: true). The arguments of each run are kept in localStorage by job id, so a run stopped by a crash or
// a restart of the app can be resumed after a reload.
import type { ApiClient } from '../../../main/api/client.ts';
import type { CallArgs, CallResult, DoctorReport, HoldoutFigures, Job, ModelInfo } from '../../../main/api/contract.ts';
import { FollowedJob, type Finished, type Progress } from './followed-job.svelte.ts';
import type { ImportRun } from './import-job.svelte.ts';
import { ModelsState } from './models.svelte.ts';

export const POLL_MS = 2000;
export type TrainArgs = CallArgs<'models.train'>;
export type Curves = CallResult<'models.curves'>;

/** The contract's defaults for models.train, in percent (train.test.ts holds them to the contract). */
export const DEFAULT_HOLDOUT_PERCENT = 10;
export const DEFAULT_REPLAY_PERCENT = 50;

/** '' in `from`: a fresh model from scratch. */
export const FROM_SCRATCH = '';

export class TrainSetup {
  collectionId = $state<number | null>(null);
  /** the model to fine-tune, or FROM_SCRATCH */
  from = $state(FROM_SCRATCH);
  name = $state('');
  budget = $state<'time' | 'epochs'>('time');
  minutes = $state(10);
  epochs = $state(30);
  /** held-out share, in percent (the dialog's unit) */
  holdoutPercent = $state(DEFAULT_HOLDOUT_PERCENT);
  replayPercent = $state(DEFAULT_REPLAY_PERCENT);
  /** a fresh model's size (from scratch only) */
  size = $state<'zinc' | 'small' | 'tiny'>('zinc');

  doctor = $state.raw<DoctorReport | null>(null);
  /** which collection and base model the report is for */
  doctorFor = $state<string | null>(null);
  doctorBusy = $state(false);
  doctorError = $state<string | null>(null);

  readonly #client: ApiClient;
  readonly #models: () => ModelInfo[];
  #request = 0;

  constructor(client: ApiClient, models: () => ModelInfo[], collectionId: number | null = null, from: string = FROM_SCRATCH) {
    this.#client = client;
    this.#models = models;
    this.collectionId = collectionId;
    this.from = from;
  }

  /** the doctor's report is for the current collection and base model */
  doctorCurrent = $derived(this.doctor !== null && this.doctorFor === this.#doctorKey());

  /** Why the settings cannot be sent yet, or null. */
  problem = $derived.by(() => {
    if (this.collectionId === null) return 'Pick a collection to train on.';
    const nameProblem = ModelsState.nameProblem(this.name.trim(), this.#models());
    if (nameProblem) return nameProblem;
    if (this.budget === 'time' && !(this.minutes > 0 && this.minutes <= 24 * 60)) return 'The time budget is between a few seconds and 24 hours (in minutes).';
    if (this.budget === 'epochs' && !(Number.isInteger(this.epochs) && this.epochs >= 1 && this.epochs <= 10_000)) return 'Epochs is a whole number from 1 to 10,000.';
    if (!(this.holdoutPercent >= 0 && this.holdoutPercent <= 50)) return 'The held-out share is from 0 to 50 %.';
    if (this.from !== FROM_SCRATCH && !(this.replayPercent >= 0 && this.replayPercent <= 90)) return 'The replay share is from 0 to 90 %.';
    if (this.from !== FROM_SCRATCH && !this.#models().some((m) => m.name === this.from && !m.problem)) return `The base model ${this.from} cannot be used.`;
    return null;
  });

  #doctorKey() {
    return `${this.collectionId}|${this.from}`;
  }

  /** The dataset doctor for the chosen collection against the chosen base model. */
  async runDoctor(): Promise<void> {
    if (this.collectionId === null) return;
    const request = ++this.#request;
    const key = this.#doctorKey();
    this.doctorBusy = true;
    this.doctorError = null;
    try {
      const args: CallArgs<'models.doctor'> = { collectionId: this.collectionId };
      if (this.from !== FROM_SCRATCH) args.model = this.from;
      if (this.budget === 'epochs' && Number.isInteger(this.epochs) && this.epochs >= 1 && this.epochs <= 10_000) args.epochs = this.epochs;
      const report = await this.#client.call('models.doctor', args);
      if (request !== this.#request) return;
      this.doctor = report;
      this.doctorFor = key;
    } catch (error) {
      if (request === this.#request) {
        this.doctor = null;
        this.doctorFor = null;
        this.doctorError = `The dataset doctor could not check this collection: ${(error as Error).message}`;
      }
    } finally {
      if (request === this.#request) this.doctorBusy = false;
    }
  }

  /** The models.train arguments for these settings (check `problem` first). */
  args(): TrainArgs {
    const args: TrainArgs = {
      collectionId: this.collectionId!,
      name: this.name.trim(),
      holdout: round(this.holdoutPercent / 100),
    };
    if (this.from !== FROM_SCRATCH) {
      args.from = this.from;
      args.replay = round(this.replayPercent / 100);
    } else args.size = this.size;
    if (this.budget === 'time') {
      args.timeBudgetSeconds = Math.round(this.minutes * 60);
      // the budget decides when to stop; epochs is only a ceiling
      args.epochs = 10_000;
    } else args.epochs = this.epochs;
    return args;
  }
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

const STORE_KEY = 'molscape.train-args';

/** Where each run's arguments are kept (localStorage when there is one). */
export interface ArgsStore {
  get(jobId: number): TrainArgs | null;
  set(jobId: number, args: TrainArgs): void;
}

export function localArgsStore(): ArgsStore {
  const read = (): Record<string, TrainArgs> => {
    try {
      return JSON.parse(globalThis.localStorage?.getItem(STORE_KEY) ?? '{}') as Record<string, TrainArgs>;
    } catch {
      return {};
    }
  };
  return {
    get: (jobId) => read()[jobId] ?? null,
    set: (jobId, args) => {
      try {
        // the last 20 runs are enough to resume from
        const kept = Object.entries({ ...read(), [jobId]: args }).slice(-20);
        globalThis.localStorage?.setItem(STORE_KEY, JSON.stringify(Object.fromEntries(kept)));
      } catch {
        // no storage (private window): a reload cannot resume, the session can
      }
    },
  };
}

export class TrainJobState extends FollowedJob {
  args = $state.raw<TrainArgs>({});
  curves = $state.raw<Curves | null>(null);
  curvesError = $state<string | null>(null);
  /** the last progress message (epoch, loss...) */
  message = $state<string | null>(null);

  /** held-out figures: the base model's before training, the last measured after */
  before = $derived<HoldoutFigures | null>(this.curves?.before ?? null);
  after = $derived<HoldoutFigures | null>(this.curves?.points.findLast((p) => p.holdout !== null)?.holdout ?? null);
  /** the new model's name */
  modelName = $derived(this.curves?.name || (typeof this.args.name === 'string' ? this.args.name : ''));
  /** stopped with a checkpoint to go on from (cancelled, failed, or ended by its time budget: the core says) */
  resumable = $derived(!this.busy && this.run !== null && this.curves?.resumable === true);

  readonly #store: ArgsStore;
  readonly #pollMs: number;
  #timer: ReturnType<typeof setInterval> | null = null;
  #polling = false;

  constructor(client: ApiClient, collectionId: number, options: { store?: ArgsStore; pollMs?: number } = {}) {
    super(client, collectionId, 'train');
    this.#store = options.store ?? localArgsStore();
    this.#pollMs = options.pollMs ?? POLL_MS;
  }

  override watch(): () => void {
    const off = super.watch();
    this.#timer = setInterval(() => {
      if (this.busy && this.run?.jobId != null) void this.pollCurves();
    }, this.#pollMs);
    return () => {
      off();
      if (this.#timer !== null) clearInterval(this.#timer);
      this.#timer = null;
    };
  }

  async start(args: TrainArgs, title: string): Promise<void> {
    if (this.busy) return;
    this.args = args;
    this.curves = null;
    await this.startJob(title, () => this.#call({ ...args, resume: false }), 'Could not start training');
  }

  /** Goes on from the last checkpoint: the same arguments again, with resume. */
  async resume(): Promise<void> {
    if (this.busy || !this.run) return;
    await this.startJob(this.run.fileName, () => this.#call({ ...this.args, resume: true }), 'Could not resume training');
  }

  /** Follows a train job found after a reload: running, or stopped and perhaps resumable. */
  async adopt(job: Job, args: TrainArgs): Promise<void> {
    this.args = args;
    this.followRunning(job.id, job.title);
    if (job.status !== 'running' && job.status !== 'queued') this.set({ phase: job.status, error: job.status === 'failed' ? this.failureText(job.error ?? 'unknown error') : null, finishedAt: Date.parse(job.finishedAt ?? '') || Date.now() });
    await this.pollCurves();
  }

  async pollCurves(): Promise<void> {
    const jobId = this.run?.jobId;
    if (jobId == null || this.#polling) return;
    this.#polling = true;
    try {
      const curves = await this.client.call('models.curves', { jobId });
      if (this.run?.jobId === jobId) {
        this.curves = curves;
        this.curvesError = null;
      }
    } catch (error) {
      if (this.run?.jobId === jobId) this.curvesError = `Could not read the curves: ${(error as Error).message}`;
    } finally {
      this.#polling = false;
    }
  }

  async #call(args: TrainArgs): Promise<{ jobId: number }> {
    const answer = await this.client.call('models.train', args);
    this.#store.set(answer.jobId, this.args);
    return answer;
  }

  protected override progressPatch(p: Progress): Partial<ImportRun> {
    this.message = p.message;
    return super.progressPatch(p);
  }

  protected failureText(error: string): string {
    return `Training failed: ${error}`;
  }

  protected override ended(_f: Finished): void {
    // the run's last points and whether it can be resumed
    void this.pollCurves();
  }

  /** The newest train job that is running, or stopped with arguments known to resume it, for after a reload. */
  static async findLatest(client: ApiClient, store: ArgsStore = localArgsStore()): Promise<{ job: Job; args: TrainArgs } | null> {
    const jobs = await client.call('jobs.list', { limit: 50 });
    const job = jobs.find((j) => j.kind === 'train');
    if (!job || job.status === 'done') return null;
    const args = store.get(job.id);
    if (!args || typeof args.collectionId !== 'number') return null;
    return { job, args };
  }
}
