// The import job: read a molecule file (main/files), canonicalize on a pool of RDKit threads, and store a
// collection. The main thread reads and writes SQLite; the threads parse. Batches are written in file order,
// so positions follow the file and the first of two duplicates is the one kept.
import { basename } from 'node:path';
import { readMoleculeFile } from '../../files/read.ts';
import type { SourceRecord } from '../../files/types.ts';
import { createCollection, deleteCollection, finishImport } from '../../store/collections.ts';
import { openWorkspace } from '../../store/db.ts';
import type { JobRunner } from '../runner.ts';
import { throwIfCancelled } from '../runner.ts';
import { ChemPool } from './chem-pool.ts';
import type { ChemTaskResult } from './chem-tasks.ts';
import { countRecords } from './count-records.ts';
import { ImportJobArgs, type ImportResult } from './import-args.ts';
import { ImportWriter } from './import-writer.ts';

/** Records per thread task and per write transaction. */
const BATCH = 2000;
/** Batches in flight per thread: enough that a thread never waits for the next one. */
const DEPTH = 2;

type Canonicalized = Extract<ChemTaskResult, { op: 'canonicalize' }>;

export const importJob: JobRunner = async (ctx) => {
  const args = ImportJobArgs.parse(ctx.args);
  const started = Date.now();
  const cpuStart = process.cpuUsage();
  const file = args.fileName ?? basename(args.path);
  const db = openWorkspace(ctx.workspace);
  const pool = new ChemPool(args.threads);
  let collectionId: number | null = null;
  try {
    collectionId = createCollection(db, { name: args.name, kind: 'imported', sourcePath: args.sourcePath, importingJobId: ctx.jobId });
    const cid = collectionId;
    ctx.emit('collections.changed', { collectionId: cid });
    ctx.progress(0, null, `Reading ${file}`);
    // the estimate runs beside the import; until it is known there is no total
    let total: number | null = null;
    void countRecords(args.path, ctx.signal).then(
      (n) => (total = n),
      () => {},
    );

    const writer = new ImportWriter(db, cid, file, args.duplicates);
    const inFlight: { records: SourceRecord[]; result: Promise<Canonicalized> }[] = [];
    let done = 0;
    let lastChanged = 0;
    const writeOldest = async () => {
      const { records, result } = inFlight.shift()!;
      const r = await result;
      writer.writeBatch(records, r.canonical, r.errors, { stripped: r.stripped, removed: r.removed, neutralized: r.neutralized });
      done += records.length;
      ctx.progress(done, total === null ? null : Math.max(total, done), `${writer.imported} imported`);
      if (Date.now() - lastChanged > 1000) {
        lastChanged = Date.now();
        ctx.emit('collections.changed', { collectionId: cid });
      }
    };
    let batch: SourceRecord[] = [];
    const submit = () => {
      const records = batch;
      batch = [];
      inFlight.push({ records, result: pool.canonicalize(records.map((r) => r.structure), { largestFragment: args.largestFragment, neutralize: args.neutralize }) });
    };

    for await (const item of readMoleculeFile(args.path, { fileName: file })) {
      throwIfCancelled(ctx.signal);
      if (item.kind === 'problem') {
        writer.addProblem(item);
        // a warning or note is about a record that is read anyway, or about the file: not one more record
        if ((item.severity ?? 'error') === 'error') done++;
        continue;
      }
      batch.push(item);
      if (batch.length >= BATCH) {
        submit();
        while (inFlight.length >= pool.size * DEPTH) await writeOldest();
      }
    }
    if (batch.length) submit();
    while (inFlight.length) {
      throwIfCancelled(ctx.signal);
      await writeOldest();
    }
    writer.flush();
    finishImport(db, cid);
    ctx.progress(done, done, `${writer.imported} imported`);
    ctx.emit('collections.changed', { collectionId: cid });
    const result: ImportResult = {
      collectionId: cid,
      records: done,
      imported: writer.imported,
      duplicates: writer.duplicates,
      duplicateMode: args.duplicates,
      valueConflicts: writer.valueConflicts,
      problems: writer.problems,
      warnings: writer.warnings,
      notes: writer.notes,
      fragmentsStripped: writer.fragmentsStripped,
      neutralized: writer.neutralized,
      seconds: (Date.now() - started) / 1000,
      cpuSeconds: cpuSecondsSince(cpuStart),
    };
    return result;
  } catch (err) {
    // a half-written collection is worse than none: the user imports again
    if (collectionId !== null) {
      deleteCollection(db, collectionId);
      ctx.emit('collections.changed', { collectionId: null });
    }
    throw err;
  } finally {
    await pool.close();
    db.close();
  }
};

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}
