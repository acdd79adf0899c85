// createCore: every call of the contract as a plain async function over one workspace, plus the event
// stream. Hosts (Electron IPC, the browser-mode server, the CLI, tests) bind these; long work goes to job
// processes through the JobManager.
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { EventName, EventPayload, Handlers, Job } from '../api/contract.ts';
import pkg from '../../package.json' with { type: 'json' };
import { forkLauncher } from '../jobs/fork-launcher.ts';
import { ImportJobArgs, collectionNameFor, type ImportResult } from '../jobs/import/import-args.ts';
import { JobConflictError, JobManager } from '../jobs/manager.ts';
import { defaultWorkerModule } from '../jobs/worker-path.ts';
import {
  collectionsWithInterruptedProperties,
  deleteCollection,
  deleteUnfinishedImports,
  findCollection,
  listCollections,
  renameCollection,
} from '../store/collections.ts';
import { openWorkspace } from '../store/db.ts';
import { workspaceLookup } from '../store/latent.ts';
import { jobArgs, listJobs, liveJobsOn } from '../store/jobs.ts';
import { countProblems, listProblems } from '../store/problems.ts';
import { designHandlers } from '../design/handlers.ts';
import { optimizeHandlers } from '../design/optimize/optimize-handler.ts';
import { checkHandlers } from '../design/optimize/check-handler.ts';
import { ModelRegistry, defaultUserModelsDir } from '../design/model-registry.ts';
import { activeModelName, modelHandlers } from './model-handlers.ts';
import { activeModelIdentity } from './active-model-identity.ts';
import { candidateHandlers } from './candidate-handlers.ts';
import { manageHandlers } from './manage-handlers.ts';
import { markCollectionDeleted, purgeDeleted } from '../store/trash.ts';
import { depict } from './depict.ts';
import { UserError, requireCollection, requireJob } from './errors.ts';
import { guardImporting } from './import-guard.ts';
import { unreadableHandler } from './unreadable-handler.ts';
import { chemHandlers } from './filter-handlers.ts';
import { plotHandlers } from './plot-handlers.ts';
import { shortlistHandlers } from './shortlist-handler.ts';
import { gridSvg } from './grid.ts';
import { removeStaleUploads, resolveImportSource } from './import-source.ts';
import { latentHandlers } from './latent-handlers.ts';
import { defaultPathPolicy, guardPaths } from './path-policy.ts';
import type { CoreOptions, EventListener, LocalCore } from './types.ts';

export async function createCore(options: CoreOptions): Promise<LocalCore> {
  const workspace = resolve(options.workspace);
  const db = openWorkspace(workspace);
  const listeners = new Set<EventListener>();
  /** what the core itself must know of a change before the listeners hear of it (cached latent maps) */
  let onCollectionChanged: ((collectionId: number | null) => void) | null = null;
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    if (event === 'collections.changed') onCollectionChanged?.((payload as EventPayload<'collections.changed'>).collectionId);
    for (const l of listeners) {
      try {
        l(event, payload);
      } catch (err) {
        console.error(`An event listener failed on ${event}: ${(err as Error).message}`);
      }
    }
  };
  const jobs = new JobManager({
    db,
    workspace,
    launcher: options.launcher ?? forkLauncher,
    workerModule: options.workerModule ?? defaultWorkerModule(),
    emit,
    cancelGraceMs: options.cancelGraceMs,
    maxConcurrent: options.maxConcurrentJobs,
    app: options.host,
    // a process that shares this workspace died: its half-imported collections are gone from the list
    onReaped: (r) => {
      if (r.collections.length) emit('collections.changed', { collectionId: null });
    },
  });
  // what processes that are gone left behind (a crash, kill -9): their jobs marked running, collections half
  // imported. Jobs of live processes (another window, browser mode, a CLI command) are theirs: left alone.
  jobs.recoverStale();
  /**
   * Whoever lists jobs or collections notices a process that died (kill -9, a crash) at once: its jobs are
   * failed and its half import removed before the answer, not at the next heartbeat or start. When nothing
   * is gone it is a read: the owners' rows and a signal-0 look at each pid (microseconds).
   */
  const noticeGone = () => {
    try {
      const r = jobs.recoverStale();
      if (r.collections.length) emit('collections.changed', { collectionId: null });
    } catch (err) {
      // a busy workspace: the heartbeat tries again
      console.error(`molscape: looking for stopped processes failed: ${(err as Error).message}`);
    }
  };
  removeStaleUploads(workspace);
  // deletions past their undo window (another window of the same workspace may still offer a younger one)
  purgeDeleted(db);

  let closing = false;
  /** collection id -> the properties job filling it, to cancel it when the collection is deleted */
  const propertiesJobs = new Map<number, number>();

  jobs.onFinished((job) => {
    if (job.kind === 'properties') {
      for (const [cid, jid] of propertiesJobs) if (jid === job.id) propertiesJobs.delete(cid);
      return;
    }
    if (job.kind !== 'import') return;
    const args = ImportJobArgs.safeParse(jobArgs(db, job.id));
    if (args.success && args.data.temporary) rmSync(args.data.path, { force: true });
    if (job.status !== 'done') {
      // the job process may have died before it could clean up
      if (deleteUnfinishedImports(db, job.id).length) emit('collections.changed', { collectionId: null });
      return;
    }
    const result = job.result as ImportResult;
    if (closing || !args.success || !args.data.properties || result.imported === 0) return;
    const propertiesJobId = jobs.start('properties', `Properties of ${args.data.name}`, { collectionId: result.collectionId });
    propertiesJobs.set(result.collectionId, propertiesJobId);
    return { propertiesJobId };
  });

  if (options.resumeProperties) {
    for (const c of collectionsWithInterruptedProperties(db)) {
      try {
        propertiesJobs.set(c.id, jobs.start('properties', `Properties of ${c.name}`, { collectionId: c.id }));
      } catch (err) {
        // another live process is computing them already (its properties job holds the collection's key)
        if (!(err instanceof JobConflictError)) throw err;
      }
    }
  }

  const changed = (collectionId: number) => emit('collections.changed', { collectionId });
  const registry = new ModelRegistry(options.userModelsDir ?? defaultUserModelsDir());
  const design = designHandlers({ inWorkspace: workspaceLookup(db), registry, activeModel: () => activeModelName(db, registry) });
  const models = modelHandlers({ db, registry, startJob: (kind, title, args) => jobs.start(kind, title, args), forget: design.forget });
  // the active model's identity without loading it: the table's confidence columns (issue 13, item 3)
  const activeModel = activeModelIdentity(db, registry);
  const chem = chemHandlers(db, workspace, changed, activeModel);
  const latent = latentHandlers(db, jobs, design.model, changed);
  onCollectionChanged = (collectionId) => latent.invalidate(collectionId);
  const candidates = candidateHandlers(db, changed);
  const optimize = optimizeHandlers({ db, startJob: (kind, title, args) => jobs.start(kind, title, args), model: design.model });

  const handlers: Handlers = {
    'app.info': async () => ({ name: 'Molscape', version: pkg.version, workspace, host: options.host }),

    'collections.list': async () => {
      noticeGone();
      return listCollections(db);
    },
    'collections.get': async ({ id }) => {
      noticeGone();
      return requireCollection(db, id);
    },
    'collections.import': async ({ source, name, properties, largestFragment, neutralize, duplicates, dropDuplicates }) => {
      const resolved = resolveImportSource(source, workspace);
      const collectionName = name ?? collectionNameFor(resolved.fileName);
      const args: ImportJobArgs = {
        path: resolved.path,
        fileName: resolved.fileName,
        name: collectionName,
        sourcePath: resolved.sourcePath,
        properties: properties ?? true,
        temporary: resolved.temporary,
        largestFragment: largestFragment ?? true,
        neutralize: neutralize ?? false,
        duplicates: duplicates ?? (dropDuplicates === false ? 'keep' : 'merge'),
      };
      return { jobId: jobs.start('import', `Import ${resolved.fileName}`, args) };
    },
    'collections.rename': async ({ id, name }) => {
      requireCollection(db, id);
      const c = renameCollection(db, id, name);
      emit('collections.changed', { collectionId: id });
      return c;
    },
    'collections.delete': async ({ id, undoable }) => {
      const existed = findCollection(db, id) !== null;
      // a job of another live process (a CLI import, another window) cannot be cancelled from here, and
      // deleting under it would fail it: refused, saying where it runs (jobs of gone processes are cleaned first)
      jobs.recoverStale();
      const foreign = liveJobsOn(db, id).find((j) => j.ownerId !== jobs.owner.id);
      if (foreign) {
        const where = foreign.pid !== null ? `another Molscape process (${foreign.app}, pid ${foreign.pid})` : 'another Molscape process';
        throw new UserError(`Collection ${id} is in use by ${where}: its ${foreign.kind} job ${foreign.id} is running. Wait for it to finish, or stop it there, then delete.`, 409);
      }
      // jobs still writing to it stop first: deleting under a running import would fail it instead
      const importing = db.prepare('SELECT importing_job_id AS job FROM collections WHERE id = ?').get(id) as { job: number | null } | undefined;
      for (const jobId of [importing?.job, propertiesJobs.get(id), ...latent.jobsFor(id)]) {
        if (jobId && jobs.cancel(jobId)) await jobs.whenFinished(jobId);
      }
      if (undoable) {
        markCollectionDeleted(db, id);
        purgeDeleted(db);
      } else deleteCollection(db, id);
      if (existed) emit('collections.changed', { collectionId: id });
      return { deleted: existed };
    },
    'collections.problems': async ({ collectionId, offset, limit }) => {
      requireCollection(db, collectionId);
      return { total: countProblems(db, collectionId), rows: listProblems(db, collectionId, offset, limit) };
    },

    'chem.depict': async ({ smiles, width, height }) => ({ svgs: await depict(smiles, width, height) }),
    'collections.grid': async ({ collectionId, filter, sort, limit, columns, cellWidth, legend }) => {
      // the rows in table order, through the same filtered window the table uses
      const { rows } = await chem.handlers['collections.molecules']({ collectionId, offset: 0, limit, sort, filter });
      return { svg: await gridSvg(rows, { columns, cellWidth, legend }), count: rows.length };
    },
    ...chem.handlers,
    ...design.handlers,
    ...models,
    ...latent.handlers,
    ...candidates.handlers,
    ...plotHandlers(db, chem.whereFor),
    ...shortlistHandlers(db, chem.whereFor, chem.fingerprints, changed),
    ...manageHandlers(db, (args) => chem.handlers['collections.molecules'](args), (collectionId) => emit('collections.changed', { collectionId }), activeModel),
    ...optimize,
    ...checkHandlers({ db, model: design.model }),
    ...unreadableHandler(db, design.model),

    'jobs.list': async ({ limit }) => {
      noticeGone();
      return listJobs(db, limit);
    },
    'jobs.get': async ({ id }) => {
      noticeGone();
      return requireJob(db, id);
    },
    'jobs.cancel': async ({ id }) => {
      requireJob(db, id);
      return { cancelled: jobs.cancel(id) };
    },
  };

  let closed: Promise<void> | null = null;
  return {
    // every path argument checked against the host's policy before its handler runs (path-policy.ts)
    // and no design call takes a collection an import is still filling (import-guard.ts)
    handlers: guardPaths(guardImporting(handlers, db), options.paths ?? defaultPathPolicy(options.host)),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenJobFinished: (id: number): Promise<Job> => jobs.whenFinished(id),
    close() {
      closed ??= (async () => {
        closing = true;
        await jobs.close();
        chem.close();
        await design.close();
        listeners.clear();
        db.close();
      })();
      return closed;
    },
  };
}
