// One import at a time, from the chosen file to the opened collection: the file becomes an import source
// (path or bytes, by host), the core starts a job, and 'job.progress' / 'job.finished' events drive the
// progress card. Events can beat the call's answer, so early ones are kept until the job id is known. An
// import started elsewhere (the desktop's File > Import… menu) is followed the same way once it reports.
import type { ApiClient } from '../../../main/api/client.ts';
import type { EventPayload, ImportSource } from '../../../main/api/contract.ts';
import { importOptions } from './import-options.svelte.ts';

export type ImportPhase = 'reading' | 'starting' | 'running' | 'done' | 'failed' | 'cancelled';

export interface ImportRun {
  fileName: string;
  phase: ImportPhase;
  jobId: number | null;
  done: number;
  total: number | null;
  rate: number | null;
  etaSeconds: number | null;
  message: string | null;
  error: string | null;
  startedAt: number;
  finishedAt: number | null;
  collectionId: number | null;
  /** What the finished import did, from the job's result (null until it is done, or when it does not say). */
  summary?: ImportSummary | null;
}

export interface ImportSummary {
  imported: number;
  duplicates: number;
  duplicateMode: 'merge' | 'keep';
  valueConflicts: number;
  fragmentsStripped: number;
  neutralized: number;
  /** records not imported */
  problems: number;
  warnings: number;
}

type Progress = EventPayload<'job.progress'>;
type Finished = EventPayload<'job.finished'>;

export class ImportJobState {
  run = $state<ImportRun | null>(null);
  busy = $derived(this.run !== null && ['reading', 'starting', 'running'].includes(this.run.phase));

  readonly #client: ApiClient;
  readonly #sourceFor: (file: File) => Promise<ImportSource>;
  readonly #onFinished: (collectionId: number | null) => void;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, never rendered
  readonly #early = new Map<number, { progress?: Progress; finished?: Finished }>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping only, never rendered
  readonly #ended = new Set<number>();

  constructor(
    client: ApiClient,
    sourceFor: (file: File) => Promise<ImportSource>,
    onFinished: (collectionId: number | null) => void = () => {},
  ) {
    this.#client = client;
    this.#sourceFor = sourceFor;
    this.#onFinished = onFinished;
  }

  watch(): () => void {
    const offProgress = this.#client.on('job.progress', (p) => this.#progress(p));
    const offFinished = this.#client.on('job.finished', (f) => this.#finished(f));
    return () => {
      offProgress();
      offFinished();
    };
  }

  async start(file: File): Promise<void> {
    if (this.busy) return;
    this.#early.clear();
    this.run = blankRun(file.name);
    try {
      const source = await this.#sourceFor(file);
      this.#set({ phase: 'starting' });
      const { jobId } = await this.#client.call('collections.import', { source, name: baseName(file.name), duplicates: importOptions.duplicates });
      this.#set({ jobId, phase: 'running' });
      const early = this.#early.get(jobId);
      this.#early.clear();
      if (early?.progress) this.#progress(early.progress);
      if (early?.finished) this.#finished(early.finished);
    } catch (error) {
      this.#set({ phase: 'failed', error: `Could not import ${file.name}: ${(error as Error).message}`, finishedAt: Date.now() });
    }
  }

  async cancel(): Promise<void> {
    const jobId = this.run?.jobId;
    if (!this.busy || jobId == null) return;
    try {
      await this.#client.call('jobs.cancel', { id: jobId });
    } catch (error) {
      this.#set({ error: `Could not cancel: ${(error as Error).message}` });
    }
  }

  dismiss() {
    if (!this.busy) this.run = null;
  }

  #progress(p: Progress) {
    if (p.kind !== 'import') return;
    if (!this.busy) {
      // A late report of a job already over is not a new import.
      if (this.#ended.has(p.jobId) || this.run?.jobId === p.jobId) return;
      this.#adopt(p.jobId);
    }
    if (this.run?.jobId == null) {
      this.#early.set(p.jobId, { ...this.#early.get(p.jobId), progress: p });
      return;
    }
    if (p.jobId !== this.run.jobId || this.run.phase !== 'running') return;
    this.#set({ done: p.done, total: p.total, rate: p.rate, etaSeconds: p.etaSeconds, message: p.message });
  }

  #finished(f: Finished) {
    if (f.kind !== 'import') return;
    this.#ended.add(f.jobId);
    if (this.run?.jobId == null) {
      if (this.busy) this.#early.set(f.jobId, { ...this.#early.get(f.jobId), finished: f });
      return;
    }
    if (f.jobId !== this.run.jobId) return;
    const collectionId = collectionIdOf(f.result);
    const error = f.status === 'failed' ? `Import of ${this.run.fileName} failed: ${f.error ?? 'unknown error'}` : null;
    const done = f.status === 'done' && this.run.total !== null ? Math.max(this.run.done, this.run.total) : this.run.done;
    this.#set({ phase: f.status, error, collectionId, done, etaSeconds: null, finishedAt: Date.now(), summary: f.status === 'done' ? summaryOf(f.result) : null });
    if (f.status === 'done') this.#onFinished(collectionId);
  }

  /** Follow an import this window did not start; its title names the file. */
  #adopt(jobId: number) {
    this.run = { ...blankRun('Import'), jobId, phase: 'running' };
    this.#client.call('jobs.get', { id: jobId }).then(
      (job) => {
        if (this.run?.jobId === jobId) this.#set({ fileName: job.title });
      },
      () => {},
    );
  }

  #set(patch: Partial<ImportRun>) {
    if (this.run) this.run = { ...this.run, ...patch };
  }
}

function blankRun(fileName: string): ImportRun {
  return {
    fileName,
    phase: 'reading',
    jobId: null,
    done: 0,
    total: null,
    rate: null,
    etaSeconds: null,
    message: null,
    error: null,
    startedAt: Date.now(),
    finishedAt: null,
    collectionId: null,
    summary: null,
  };
}

/** The counts of an import job's result (main/jobs/import ImportResult); null when they are not there. */
function summaryOf(result: unknown): ImportSummary | null {
  if (typeof result !== 'object' || result === null) return null;
  const r = result as Record<string, unknown>;
  const n = (key: string) => (typeof r[key] === 'number' ? (r[key] as number) : 0);
  if (typeof r.imported !== 'number') return null;
  return {
    imported: n('imported'),
    duplicates: n('duplicates'),
    duplicateMode: r.duplicateMode === 'keep' ? 'keep' : 'merge',
    valueConflicts: n('valueConflicts'),
    fragmentsStripped: n('fragmentsStripped'),
    neutralized: n('neutralized'),
    problems: n('problems'),
    warnings: n('warnings'),
  };
}

/** The job's result names the new collection when the core says so ({collectionId} or {collection: {id}}). */
function collectionIdOf(result: unknown): number | null {
  if (typeof result !== 'object' || result === null) return null;
  const r = result as { collectionId?: unknown; collection?: { id?: unknown } };
  if (typeof r.collectionId === 'number') return r.collectionId;
  if (typeof r.collection?.id === 'number') return r.collection.id;
  return null;
}

const baseName = (fileName: string) => fileName.replace(/(\.gz)?$/i, '').replace(/\.[^.]+$/, '') || fileName;
