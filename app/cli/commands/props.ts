// molscape props FILE [--out FILE.csv]: the property panel for every valid record of a molecule file, as CSV
// (stdout without --out). Structures are canonicalized and their properties computed on the import job's
// pool of RDKit threads (one per core); every problem goes to stderr as FILE:LINE: reason. Exit 0 when a
// row was written, 1 when none was.
import { Command } from 'commander';
import { createWriteStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { readMoleculeFile } from '../../../main/files/read.ts';
import type { SourceRecord, UserValue } from '../../../main/files/types.ts';
import { csvCell } from '../../../main/files/writers.ts';
import { ChemPool } from '../../../main/jobs/import/chem-pool.ts';
import { EXIT_NOTHING, EXIT_OK } from '../exit-codes.ts';
import { printable } from '../terminal-text.ts';

export const PROPS_COLUMNS = [
  'line', 'name', 'smiles', 'canonical_smiles', 'mol_wt', 'exact_mw', 'clogp', 'mr', 'tpsa', 'hbd', 'hba', 'rotatable_bonds',
  'heavy_atoms', 'rings', 'aromatic_rings', 'fraction_csp3', 'qed', 'sa', 'penalized_logp', 'lipinski_violations', 'veber_pass', 'pains',
] as const;

/** Records per thread task; a few batches in flight per thread keep both cores busy. */
const BATCH = 500;

type Props = Record<string, UserValue>;
interface Batch {
  records: SourceRecord[];
  result: Promise<{ canonical: (string | null)[]; errors: (string | null)[]; props: (Props | null)[] }>;
}

export function propsCommand(setExit: (code: number) => void): Command {
  return new Command('props')
    .description('Compute the property panel (RDKit) for every record of a SMILES/CSV/SD file, as CSV.')
    .argument('<file>', 'the molecule file')
    .option('-o, --out <file.csv>', 'write the CSV here (default: stdout)')
    .action(async (file: string, opts: { out?: string }) => setExit(await runProps(file, opts.out)));
}

async function runProps(file: string, outPath: string | undefined): Promise<number> {
  // as import does: a FIFO, a device or a folder is refused here, before a read that could block for ever
  let stat;
  try {
    stat = statSync(file);
  } catch {
    process.stderr.write(`molscape props: ${printable(file)}: there is no such file\n`);
    return EXIT_NOTHING;
  }
  if (!stat.isFile()) {
    process.stderr.write(`molscape props: ${printable(file)}: it is not a file\n`);
    return EXIT_NOTHING;
  }
  const out: Writable = outPath ? createWriteStream(outPath) : process.stdout;
  let failed: Error | null = null;
  out.on('error', (err) => (failed ??= err));
  const write = async (text: string) => {
    if (out.write(text) || failed) return;
    // wait for drain, or for an error (then the listeners go, so long files do not pile them up)
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('error', done);
        resolve();
      };
      out.on('drain', done);
      out.on('error', done);
    });
  };
  const fileName = basename(file);
  // CSV shown on a terminal has its names and SMILES escaped (terminal-text.ts); a file or a pipe gets them as read
  const cell = !outPath && process.stdout.isTTY ? (v: UserValue | undefined) => printable(csvCell(v)) : csvCell;
  const problem = (line: number, reason: string) => process.stderr.write(`${printable(fileName)}:${line}: ${printable(reason)}\n`);
  const pool = new ChemPool();
  const inFlight: Batch[] = [];
  let rows = 0;
  const submit = (records: SourceRecord[]) => {
    const result = pool.canonicalize(records.map((r) => r.structure)).then(async ({ canonical, errors }) => {
      const valid = canonical.filter((c): c is string => c !== null);
      const computed = valid.length ? (await pool.properties(valid)).props : [];
      let k = 0;
      return { canonical, errors, props: canonical.map((c) => (c === null ? null : (computed[k++] as Props | null))) };
    });
    inFlight.push({ records, result });
  };
  const writeOldest = async () => {
    const { records, result } = inFlight.shift()!;
    const { canonical, errors, props } = await result;
    let text = '';
    records.forEach((r, i) => {
      const c = canonical[i];
      if (c === null) return problem(r.line, errors[i] ?? 'RDKit could not parse the structure');
      const p = props[i];
      if (!p) return problem(r.line, 'RDKit could not compute the properties');
      const cells: Record<string, UserValue> = {
        ...p,
        line: r.line,
        name: r.name,
        smiles: r.format === 'smiles' ? r.structure : c,
        canonical_smiles: c,
        pains: typeof p.pains === 'string' ? p.pains.split(', ').filter(Boolean).join(';') : null,
      };
      text += `${PROPS_COLUMNS.map((k) => cell(cells[k])).join(',')}\n`;
      rows++;
    });
    if (text) await write(text);
  };
  try {
    await write(`${PROPS_COLUMNS.join(',')}\n`);
    let batch: SourceRecord[] = [];
    for await (const item of readMoleculeFile(file, { fileName })) {
      if (failed) break; // the output is gone (a full disk, or `| head` closed the pipe)
      if (item.kind === 'problem') {
        problem(item.line, item.reason);
        continue;
      }
      batch.push(item);
      if (batch.length >= BATCH) {
        submit(batch);
        batch = [];
        while (inFlight.length >= pool.size * 2) await writeOldest();
      }
    }
    if (batch.length) submit(batch);
    while (inFlight.length) await writeOldest();
  } finally {
    await pool.close();
    if (outPath) {
      out.end();
      await once(out, 'close').catch(() => {});
    }
  }
  // a reader that stopped early (`| head`) is not an error
  if (failed && !outPath && (failed as NodeJS.ErrnoException).code === 'EPIPE') return EXIT_OK;
  if (failed) {
    process.stderr.write(`molscape props: cannot write ${printable(outPath ?? 'stdout')}: ${printable((failed as Error).message)}\n`);
    return EXIT_NOTHING;
  }
  return rows > 0 ? EXIT_OK : EXIT_NOTHING;
}
