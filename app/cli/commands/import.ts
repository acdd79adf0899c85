// molscape import FILE --workspace DB: import a molecule file as a new collection (the same import job the
// app runs), wait for it and for its properties, and print a summary. Exit 0 when anything was imported,
// 1 when nothing was.
import { Command, Option } from 'commander';
import { resolve } from 'node:path';
import type { EventPayload, Problem } from '../../../main/api/contract.ts';
import { createCore } from '../../../main/handlers/core.ts';
import type { ImportResult } from '../../../main/jobs/import/import-args.ts';
import { EXIT_INTERRUPTED, EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { formatProgress, ProgressLine } from '../progress-line.ts';
import { finishResumedProperties, liveProperties } from '../resume-properties.ts';
import { printable } from '../terminal-text.ts';

interface ImportOptions {
  workspace: string;
  name?: string;
  properties: boolean;
  largestFragment: boolean;
  neutralize: boolean;
  keepDuplicates: boolean;
  duplicates: 'merge' | 'keep';
  maxProblems: number;
  json: boolean;
}

export function importCommand(setExit: (code: number) => void): Command {
  const cmd = new Command('import');
  return cmd
    .description('Import a SMILES/CSV/SD file (gzip allowed) into a workspace as a new collection.')
    .argument('<file>', 'the molecule file')
    .addOption(new Option('-w, --workspace <db>', 'workspace SQLite file (created when missing)').env('MOLSCAPE_WORKSPACE').makeOptionMandatory())
    .option('-n, --name <name>', 'name of the new collection (default: the file name)')
    .option('--no-properties', 'do not compute properties after the import')
    .option('--no-largest-fragment', 'keep every fragment (default: keep the largest, stripping salts and solvents)')
    .option('--neutralize', 'neutralize charges', false)
    .addOption(
      new Option('--duplicates <mode>', "a molecule whose canonical SMILES came before: 'merge' into the first row (its values fill the first row's empty columns; conflicts are listed) or 'keep' as its own row")
        .choices(['merge', 'keep'])
        .default('merge'),
    )
    .option('--keep-duplicates', 'the same as --duplicates keep', false)
    .addOption(new Option('--max-problems <n>', 'problems, warnings and changes to list in the summary (each)').default(20).argParser(positiveInt))
    .option('--json', 'print the summary as one JSON object', false)
    .action(async (file: string, opts: ImportOptions) => {
      // an empty MOLSCAPE_WORKSPACE counts as given for commander, not for us
      if (!opts.workspace.trim()) cmd.error("error: the workspace is empty: pass -w, --workspace <db> or set MOLSCAPE_WORKSPACE", { exitCode: 2 });
      setExit(await runImport(file, opts));
    });
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a whole number: ${value}`);
  return n;
}

async function runImport(file: string, opts: ImportOptions): Promise<number> {
  const workspace = resolve(opts.workspace);
  // properties an earlier run left unfinished are resumed (beside this import) and waited for in the end
  const core = await createCore({ workspace, host: 'cli', resumeProperties: true });
  const resumed = await liveProperties(core);
  const line = new ProgressLine();
  const titles = new Map<number, string>([]);
  core.onEvent((event, payload) => {
    if (event !== 'job.progress') return;
    const p = payload as EventPayload<'job.progress'>;
    line.show(formatProgress(titles.get(p.jobId) ?? p.kind, p));
  });
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    line.clear();
    process.stderr.write('Interrupted: stopping the import...\n');
    void core.close();
  };
  // Ctrl-C or a polite kill: cancel the jobs (the half-written collection is removed) and exit 130
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigint);
  try {
    let jobId: number;
    try {
      ({ jobId } = await core.handlers['collections.import']({ source: { kind: 'path', path: file }, name: opts.name,
        properties: opts.properties,
        largestFragment: opts.largestFragment,
        neutralize: opts.neutralize,
        duplicates: opts.keepDuplicates ? 'keep' : opts.duplicates,
      }));
    } catch (err) {
      process.stderr.write(`molscape import: ${printable((err as Error).message)}\n`);
      return EXIT_NOTHING;
    }
    titles.set(jobId, 'Importing');
    const job = await core.whenJobFinished(jobId);
    line.clear();
    if (interrupted) return EXIT_INTERRUPTED;
    if (job.status !== 'done') {
      process.stderr.write(`molscape import: the import ${job.status}${job.error ? `: ${printable(job.error)}` : ''}\n`);
      return EXIT_NOTHING;
    }
    const result = job.result as ImportResult & { propertiesJobId?: number };
    const listed = await listBySeverity(core, result.collectionId, opts.maxProblems);
    const collection = await core.handlers['collections.get']({ id: result.collectionId });
    // the import's summary goes out at once; properties (slower) follow on their own line
    if (!opts.json) process.stdout.write(summary(file, workspace, collection.name, result, listed));
    let propertiesNote: string | null = null;
    if (result.propertiesJobId) {
      titles.set(result.propertiesJobId, 'Properties');
      const pjob = await core.whenJobFinished(result.propertiesJobId);
      line.clear();
      if (interrupted) return EXIT_INTERRUPTED;
      propertiesNote = pjob.status === 'done' ? `computed for ${(pjob.result as { computed: number }).computed} molecules` : `${pjob.status}${pjob.error ? `: ${pjob.error}` : ''}`;
      if (!opts.json) process.stdout.write(`Properties: ${printable(propertiesNote)}\n`);
    }
    if (opts.json) {
      const { error: problemList, warning: warningList, info: changeList } = listed;
      process.stdout.write(`${JSON.stringify({ workspace, collection: { id: collection.id, name: collection.name }, ...result, properties: propertiesNote, problemList, warningList, changeList })}\n`);
    }
    return result.imported > 0 ? EXIT_OK : EXIT_NOTHING;
  } finally {
    if (!interrupted) await finishResumedProperties(core, resumed);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await core.close();
  }
}

type Listed = Record<'error' | 'warning' | 'info', Problem[]>;

/**
 * The first `max` of each kind in file order: records not imported, warnings, and changes (salts stripped,
 * duplicates merged or kept), so that 153 stripped salts do not hide the one line that failed. Reads at most
 * four pages of the problems list.
 */
async function listBySeverity(core: Awaited<ReturnType<typeof createCore>>, collectionId: number, max: number): Promise<Listed> {
  const listed: Listed = { error: [], warning: [], info: [] };
  const page = 5000;
  for (let offset = 0; offset < 4 * page; offset += page) {
    const { total, rows } = await core.handlers['collections.problems']({ collectionId, offset, limit: page });
    for (const p of rows) {
      const list = listed[p.severity ?? 'error'];
      if (list.length < max) list.push(p);
    }
    if (offset + page >= total || Object.values(listed).every((l) => l.length >= max)) break;
  }
  return listed;
}

/** The summary for a terminal: the file's name, the collection's and the problems' text escaped (printable). */
function summary(file: string, workspace: string, name: string, r: ImportResult, listed: Listed): string {
  // a rate over a fraction of a second says more about start-up than about the import
  const rate = r.seconds >= 1 ? Math.round(r.records / r.seconds) : null;
  const handled =
    r.duplicateMode === 'keep'
      ? 'kept as their own rows (--duplicates keep)'
      : `merged into the first row: its empty columns took their values${r.valueConflicts ? `; ${r.valueConflicts} with conflicting values (first kept, listed)` : ''}`;
  const out = [
    `Imported ${printable(file)} into ${printable(workspace)} as collection ${r.collectionId} "${printable(name)}"`,
    `  records read: ${r.records}`,
    `  imported:     ${r.imported}`,
    `  duplicates:   ${r.duplicates}`,
    ...(r.duplicates ? [`    ${handled}`] : []),
    `  salts/fragments stripped: ${r.fragmentsStripped}`,
    ...(r.neutralized ? [`  neutralized:  ${r.neutralized}`] : []),
    `  problems:     ${r.problems}`,
    ...(r.warnings ? [`  warnings:     ${r.warnings}`] : []),
    `  time:         ${r.seconds.toFixed(1)} s${rate !== null ? ` (${rate} molecules/s)` : ''}`,
  ];
  const section = (title: string, rows: Problem[], total: number) => {
    if (!rows.length) return;
    out.push(title);
    for (const p of rows) out.push(`  ${printable(p.file)}:${p.line}: ${printable(p.reason)}${p.text ? ` [${printable(p.text)}]` : ''}`);
    if (total > rows.length) out.push(`  ... and ${total - rows.length} more (--max-problems N to list more)`);
  };
  section('Problems (not imported):', listed.error, r.problems);
  section('Warnings (imported; check these):', listed.warning, r.warnings);
  section('Notes (salts stripped, duplicates merged or kept, how the file was read):', listed.info, r.notes);
  return out.join('\n') + '\n';
}
