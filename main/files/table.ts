// A delimited table as a plan of its columns followed by its data rows: the first rows are held back (a
// bounded sample) to find the header, the SMILES column and the name column, then everything streams.
import { loadRDKit, parseMol, rdkit } from '../chem/rdkit.ts';
import { readCsvRows } from './csv-rows.ts';
import type { CsvRow } from './csv-rows.ts';
import { planColumns, smilesColumnByHeader } from './columns.ts';
import type { ColumnPlan } from './columns.ts';
import type { TextLine } from './lines.ts';
import type { SourceProblem } from './types.ts';

export type TableItem = { kind: 'plan'; plan: ColumnPlan; headerLine: number | null } | CsvRow | SourceProblem;

const SAMPLE_ROWS = 50;

/** Whether RDKit accepts a SMILES, without RDKit's parse errors on stderr (a sample probes non-SMILES columns). */
function quietParses(smiles: string): boolean {
  const log = rdkit().set_log_capture('rdApp.error');
  try {
    const mol = parseMol(smiles);
    if (!mol) return false;
    const atoms = mol.get_num_atoms();
    mol.delete();
    return atoms > 0;
  } finally {
    log?.delete();
  }
}

export async function* readTable(lines: AsyncIterable<TextLine>, options: { file: string; delimiter: string }): AsyncGenerator<TableItem> {
  const rows = readCsvRows(lines, options);
  const held: (CsvRow | SourceProblem)[] = [];
  let sampled = 0;
  while (sampled < SAMPLE_ROWS) {
    const next = await rows.next();
    if (next.done) break;
    held.push(next.value);
    if (next.value.kind === 'row') sampled++;
  }
  const sample = held.filter((r): r is CsvRow => r.kind === 'row');
  if (sample.length === 0) {
    yield* held;
    return;
  }
  const cells = sample.map((r) => r.cells);
  if (smilesColumnByHeader(cells[0]) === null) await loadRDKit();
  const plan = planColumns(cells, quietParses);
  yield { kind: 'plan', plan, headerLine: plan.header ? sample[0].line : null };
  for (const item of held) if (!(plan.header && item === sample[0])) yield item;
  yield* rows; // the rest, from where the sample stopped
}
