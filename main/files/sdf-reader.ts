// SD files (V2000 and V3000): records split on $$$$, the molblock passed on as the structure, the title line
// as the name (or a NAME/ID data field when the title is blank), data fields as typed user properties.
// Only the shape of a molblock is checked here (counts line, atom and bond block, M  END); RDKit parses it
// in the import job. A record's problems are reported at the record's first line.
// A missing $$$$ does not glue records together: a counts line where a record's header cannot be (after its
// M  END) starts the next record three lines earlier, with a warning per missing separator; junk before a
// record (no M  END, or too large) costs only itself.
import { nameColumnByHeader } from './columns.ts';
import { splitLines, type EncodingNotes } from './lines.ts';
import { controlCharacter, problem, typedValue } from './problem.ts';
import type { ReadItem, UserValue } from './types.ts';

export interface SdfReadOptions {
  file: string;
  /** Largest record kept, in bytes; larger ones are reported and skipped (default 16 MiB). */
  maxRecordBytes?: number;
  /** Where lines read in another encoding than UTF-8 are counted. */
  notes?: EncodingNotes;
}

const FIELD_HEADER = /^>.*?<([^>]*)>/;
const ATOM_V2000 = /^\s*-?\d+\.\d+\s+-?\d+\.\d+\s+-?\d+\.\d+\s+\S/;
const BOND_V2000 = /^\s*\d+\s*\d+\s*\d+/;
/** A molblock's counts line (the fourth line of a record): atom and bond counts, ending in V2000 or V3000. */
const COUNTS_LINE = /^\s*\d+\s*\d+.*V[23]000\s*$/;

export async function* readSdfRecords(chunks: AsyncIterable<Buffer>, options: SdfReadOptions): AsyncGenerator<ReadItem> {
  const { file } = options;
  const maxBytes = options.maxRecordBytes ?? 16 << 20;
  let lines: string[] = [];
  let firstLine = 1;
  let bytes = 0;
  let oversized = false;
  let record = 0;
  /** Index of the current record's M  END line, -1 before it. */
  let end = -1;
  /** The last three lines (kept while an oversized record drops its lines): the next record's header. */
  let recent: string[] = [];
  const restart = (from: number, head: string[]) => {
    lines = head;
    firstLine = from;
    bytes = head.reduce((n, l) => n + l.length + 1, 0);
    oversized = false;
    end = -1;
  };
  for await (const line of splitLines(chunks, 1 << 20, options.notes)) {
    if (line.text.trimEnd() === '$$$$') {
      if (!oversized && lines.every((l) => l.trim() === '')) {
        // An empty record ($$$$ right after $$$$) is a problem: some writer lost a molecule here.
        yield problem(file, firstLine, ++record, 'empty record (nothing before $$$$)', null);
      } else {
        yield parseRecord(lines, { file, firstLine, record: ++record, oversized, terminated: true });
      }
      restart(line.line + 1, []);
      recent = [];
      continue;
    }
    if (COUNTS_LINE.test(line.text) && (oversized ? recent.length === 3 : lines.length > 3)) {
      // A counts line where this record's cannot be: the next record began three lines up, without a $$$$.
      const head = oversized ? recent : lines.slice(-3);
      const before = oversized ? [] : lines.slice(0, -3);
      const at = line.line - 3;
      if (oversized) {
        yield parseRecord([], { file, firstLine, record: ++record, oversized: true, terminated: false });
      } else if (end >= 0 && end < before.length) {
        yield parseRecord(before, { file, firstLine, record: ++record, oversized: false, terminated: true });
        yield problem(file, at, null, `missing $$$$ before line ${at}: the record ending on line ${at - 1} and the one starting here are read as two`, null, 'warning');
      } else if (before.some((l) => l.trim() !== '')) {
        yield problem(file, firstLine, ++record, `lines ${firstLine}–${at - 1} are not a complete record (no 'M  END' before the next record's header on line ${at}): skipped`, before.find((l) => l.trim() !== '') ?? null);
      }
      restart(at, head);
      recent = [];
    }
    recent.push(line.text.length > 1024 ? line.text.slice(0, 1024) : line.text);
    if (recent.length > 3) recent.shift();
    if (oversized) continue;
    bytes += line.bytes + 1;
    if (bytes > maxBytes || line.cut) {
      oversized = true;
      lines = [];
      continue;
    }
    if (end < 0 && line.text.startsWith('M  END')) end = lines.length;
    lines.push(line.text);
  }
  // The last record may lack its $$$$ (common); blank lines at the end are not a record.
  if (oversized || lines.some((l) => l.trim() !== '')) {
    yield parseRecord(lines, { file, firstLine, record: ++record, oversized, terminated: false });
  }
}

interface RecordContext {
  file: string;
  firstLine: number;
  record: number;
  oversized: boolean;
  terminated: boolean;
}

/** One record's lines (without $$$$) as a record, or as the problem that keeps it out. */
export function parseRecord(lines: string[], ctx: RecordContext): ReadItem {
  const { file, firstLine, record } = ctx;
  const fail = (reason: string, text: string | null = lines[0] ?? null) => problem(file, firstLine, record, reason, text);
  if (ctx.oversized) return fail('record too large (a line or the whole record is over the size limit)', null);
  const end = lines.findIndex((l) => l.startsWith('M  END'));
  const where = ctx.terminated ? '' : ' (the file ends inside it)';
  if (end < 0) return fail(`truncated record: no 'M  END' line${where}`);
  if (end < 3) return fail(`malformed record: 'M  END' on line ${firstLine + end}, before the header block (title, program, comment, counts) is complete`);
  for (let i = 0; i <= end; i++) {
    const bad = controlCharacter(lines[i]);
    if (bad >= 0) return fail(`binary or control character on line ${firstLine + i}, column ${bad + 1}`, lines[i]);
  }
  const counts = lines[3];
  const shape = /V3000\s*$/.test(counts) ? checkV3000(lines, end) : checkV2000(lines, end);
  if (shape) return fail(`malformed molblock: ${shape.reason} (line ${firstLine + shape.at})`, lines[shape.at] ?? null);
  const molblock = `${lines.slice(0, end + 1).join('\n')}\n`;
  const userProps = dataFields(lines, end + 1);
  let name: string | null = lines[0].trim() || null;
  if (name === null) {
    const keys = Object.keys(userProps);
    const at = nameColumnByHeader(keys, null);
    if (at !== null && userProps[keys[at]] !== null) name = String(userProps[keys[at]]);
  }
  return { kind: 'record', line: firstLine, record, structure: molblock, format: 'molblock', name, userProps };
}

type Shape = { reason: string; at: number } | null;

function checkV2000(lines: string[], end: number): Shape {
  const counts = lines[3];
  const atoms = Number.parseInt(counts.slice(0, 3), 10);
  const bonds = Number.parseInt(counts.slice(3, 6), 10);
  if (!Number.isInteger(atoms) || !Number.isInteger(bonds) || atoms < 0 || bonds < 0)
    return { reason: 'the counts line does not start with atom and bond counts', at: 3 };
  if (!/V2000\s*$/.test(counts) && counts.trim().split(/\s+/).length < 2) return { reason: 'not a V2000 or V3000 counts line', at: 3 };
  if (4 + atoms + bonds > end) return { reason: `${atoms} atoms and ${bonds} bonds announced but the record has only ${end - 4} lines before M  END`, at: 3 };
  for (let i = 4; i < 4 + atoms; i++) if (!ATOM_V2000.test(lines[i])) return { reason: 'not an atom line', at: i };
  for (let i = 4 + atoms; i < 4 + atoms + bonds; i++) if (!BOND_V2000.test(lines[i])) return { reason: 'not a bond line', at: i };
  return null;
}

function checkV3000(lines: string[], end: number): Shape {
  const begin = lines.findIndex((l, i) => i > 3 && i < end && l.startsWith('M  V30 BEGIN CTAB'));
  if (begin < 0) return { reason: "V3000 record without 'M  V30 BEGIN CTAB'", at: 3 };
  const close = lines.findIndex((l, i) => i > begin && i < end && l.startsWith('M  V30 END CTAB'));
  if (close < 0) return { reason: "V3000 record without 'M  V30 END CTAB'", at: begin };
  const countsLine = lines.findIndex((l, i) => i > begin && i < close && l.startsWith('M  V30 COUNTS'));
  if (countsLine < 0) return { reason: "V3000 record without 'M  V30 COUNTS'", at: begin };
  return null;
}

/** The data fields after M  END: "> <NAME>" then value lines up to a blank line. */
function dataFields(lines: string[], from: number): Record<string, UserValue> {
  const fields: Record<string, UserValue> = {};
  let i = from;
  while (i < lines.length) {
    const header = FIELD_HEADER.exec(lines[i]);
    i++;
    if (!header) continue;
    const value: string[] = [];
    while (i < lines.length && lines[i].trim() !== '' && !FIELD_HEADER.test(lines[i])) value.push(lines[i++]);
    const key = header[1].trim() || `field${Object.keys(fields).length + 1}`;
    fields[key] = value.length === 1 ? typedValue(value[0]) : value.length === 0 ? null : value.join('\n');
  }
  return fields;
}
