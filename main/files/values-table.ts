// A table of values without structures (e.g. "Name,Act" activities exported from ChEMBL): rows keyed by
// the name/id column, for joining onto an existing collection by name. The SMILES reader says "no SMILES
// column found" for such a file; this reader is what a caller uses instead.
import { openForReading } from './source.ts';
import { binaryKind, detectDelimiter, formatExtension } from './sniff.ts';
import { splitLines } from './lines.ts';
import { problem, typedValue } from './problem.ts';
import { readTable } from './table.ts';
import type { SourceProblem, UserValue } from './types.ts';

export interface ValueRow {
  kind: 'values';
  line: number;
  record: number;
  /** The row's name or id, as text (what molecules are matched on). */
  key: string;
  /** The column the key comes from. */
  keyColumn: string;
  /** Every other column, typed. */
  values: Record<string, UserValue>;
}

export interface ValuesTableOptions {
  fileName?: string;
  /** The key column by its header; default: the name/id column found by header, else the first column. */
  keyColumn?: string;
}

export async function* readValuesTable(source: string | Uint8Array, options: ValuesTableOptions = {}): AsyncGenerator<ValueRow | SourceProblem> {
  const { file, opened, problem: unreadable } = await openForReading(source, options.fileName);
  if (!opened) return yield unreadable;
  // a known binary is refused; binary lines inside a text are the rows' to report, one by one (issue 16, item 1)
  const binary = binaryKind(opened.head);
  if (binary) return yield problem(file, 1, null, `this is ${binary}, not a CSV or TSV text file`);
  const ext = formatExtension(options.fileName ?? (typeof source === 'string' ? source : ''));
  // eslint-disable-next-line no-control-regex -- lines with control characters are junk, not the table's delimiter
  const headText = new TextDecoder().decode(opened.head).split(/\r\n|\r|\n/).filter((l) => !/[\x00-\x08\x0e-\x1f]/.test(l));
  const delimiter = detectDelimiter(headText.slice(0, -1).length ? headText.slice(0, -1) : headText) ?? (ext === 'tsv' ? '\t' : ',');
  let names: string[] = [];
  let keyAt = 0;
  let record = 0;
  let lastLine = 0;
  try {
    for await (const item of readTable(splitLines(opened.chunks), { file, delimiter })) {
      if (item.kind === 'plan') {
        names = item.plan.names;
        const wanted = options.keyColumn === undefined ? -1 : names.indexOf(options.keyColumn);
        if (options.keyColumn !== undefined && wanted < 0) {
          yield problem(file, item.headerLine ?? 1, null, `no column '${options.keyColumn}' (columns: ${names.join(', ')})`);
          return;
        }
        keyAt = wanted >= 0 ? wanted : (item.plan.name ?? 0);
        continue;
      }
      lastLine = item.line;
      if (item.kind === 'problem') {
        yield { ...item, record: item.record ?? ++record };
        continue;
      }
      record++;
      if (item.cells.length !== names.length) {
        yield problem(file, item.line, record, `wrong number of columns: ${item.cells.length} where the table has ${names.length}`, item.text);
        continue;
      }
      const key = item.cells[keyAt].trim();
      if (key === '') {
        yield problem(file, item.line, record, `empty key in column '${names[keyAt]}'`, item.text);
        continue;
      }
      const values: Record<string, UserValue> = {};
      for (let i = 0; i < names.length; i++) if (i !== keyAt) values[names[i]] = typedValue(item.cells[i]);
      yield { kind: 'values', line: item.line, record, key, keyColumn: names[keyAt], values };
    }
  } catch (err) {
    yield problem(file, lastLine + 1, null, `reading stopped after line ${lastLine}: ${(err as Error).message}`);
  }
  for (const fault of opened.faults) yield problem(file, lastLine + 1, null, `gzip: ${fault.reason}`, null, fault.severity);
}
