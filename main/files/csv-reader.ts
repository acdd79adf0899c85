// CSV, TSV and semicolon tables of molecules: the SMILES column and the name column found by header or by
// content, every other column kept as a typed user property, every malformed row reported with its line.
import { SMILES_CHARS } from './columns.ts';
import { splitLines, type EncodingNotes } from './lines.ts';
import { problem, typedValue } from './problem.ts';
import { readTable } from './table.ts';
import type { ReadItem, UserValue } from './types.ts';

export interface CsvReadOptions {
  file: string;
  delimiter: string;
  maxLength: number;
  /** Where lines read in another encoding than UTF-8 are counted. */
  notes?: EncodingNotes;
}

export const NO_SMILES_COLUMN = 'no SMILES column found';

export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d === ',' ? 'comma' : d === ';' ? 'semicolon' : `'${d}'`;
}

export async function* readCsvMolecules(chunks: AsyncIterable<Buffer>, options: CsvReadOptions): AsyncGenerator<ReadItem> {
  const { file, delimiter, maxLength } = options;
  let record = 0;
  let names: string[] = [];
  let smilesAt = -1;
  let nameAt: number | null = null;
  let headerLine: number | null = null;
  for await (const item of readTable(splitLines(chunks, Math.max(maxLength * 64, 1 << 20), options.notes), { file, delimiter })) {
    if (item.kind === 'plan') {
      const { plan } = item;
      if (plan.smiles === null) {
        const columns = plan.header ? `columns: ${plan.names.join(', ')}` : `${plan.names.length} columns, no header`;
        yield problem(
          file,
          item.headerLine ?? 1,
          null,
          `${NO_SMILES_COLUMN} (${columns}; ${delimiterName(delimiter)}-separated): no header names one and no column holds SMILES. ` +
            'A table of values can be joined onto a collection by name or id instead.',
          null,
        );
        return;
      }
      ({ names } = plan);
      smilesAt = plan.smiles;
      nameAt = plan.name;
      headerLine = item.headerLine;
      continue;
    }
    if (item.kind === 'problem') {
      yield { ...item, record: item.record ?? ++record };
      continue;
    }
    record++;
    const { line, cells, text } = item;
    if (cells.length !== names.length) {
      const where = headerLine ? `the header on line ${headerLine} has ${names.length}` : `the first row has ${names.length}`;
      yield problem(file, line, record, `wrong number of columns: ${cells.length} where ${where}`, text);
      continue;
    }
    const structure = cells[smilesAt].trim();
    if (structure === '') {
      yield problem(file, line, record, `empty SMILES in column '${names[smilesAt]}'`, text);
      continue;
    }
    if (structure.length > maxLength) {
      yield problem(file, line, record, `structure too long (${structure.length} characters, at most ${maxLength})`, text);
      continue;
    }
    if (!SMILES_CHARS.test(structure)) {
      const bad = [...structure].find((ch) => !SMILES_CHARS.test(ch));
      yield problem(file, line, record, `not a SMILES in column '${names[smilesAt]}': unexpected character '${bad}'`, text);
      continue;
    }
    const name = nameAt === null ? null : cells[nameAt].trim() || null;
    const userProps: Record<string, UserValue> = {};
    for (let i = 0; i < cells.length; i++) if (i !== smilesAt && i !== nameAt) userProps[names[i]] = typedValue(cells[i]);
    yield { kind: 'record', line, record, structure, format: 'smiles', name, userProps };
  }
  if (record === 0 && headerLine !== null) yield problem(file, headerLine, null, 'no molecules found: the table has a header and no rows');
}
