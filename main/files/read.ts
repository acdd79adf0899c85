// The one entry point for reading a molecule file: opens it (gzip by content, UTF-16/32 by content), picks the
// reader by extension or, failing that, by content, and yields records and problems in file order.
// Never throws on bad content, and a fault costs only the records it touches: a run of binary junk is one
// problem (its lines and bytes), a gzip fault after intact content is a warning, lines in another encoding are
// read and named. Memory stays bounded whatever the file: at most MAX_PROBLEMS problems are listed per file,
// the rest counted in one last problem.
import { EncodingNotes, type LineEncoding } from './lines.ts';
import { openForReading } from './source.ts';
import { sniffFormat } from './sniff.ts';
import type { Sniffed } from './sniff.ts';
import { BINARY_REASON, problem } from './problem.ts';
import { readSmilesLines } from './smiles-reader.ts';
import { readCsvMolecules } from './csv-reader.ts';
import { readSdfRecords } from './sdf-reader.ts';
import type { ReadItem, ReadOptions, SourceProblem } from './types.ts';

export const DEFAULT_MAX_LENGTH = 1000;
/** Problems listed per file; beyond them only a count (a file of junk must not become a list of junk). */
export const MAX_PROBLEMS = 10_000;

const count = (n: number) => n.toLocaleString('en-US');

const ENCODING_NAMES: Record<string, string> = {
  'utf-16le': 'UTF-16 (little-endian)',
  'utf-16be': 'UTF-16 (big-endian)',
  'utf-32le': 'UTF-32 (little-endian)',
  'utf-32be': 'UTF-32 (big-endian)',
  'windows-1252': 'Windows-1252 (Latin-1)',
};

export async function* readMoleculeFile(source: string | Uint8Array, options: ReadOptions = {}): AsyncGenerator<ReadItem> {
  const maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
  const { file, opened, problem: unreadable } = await openForReading(source, options.fileName);
  if (!opened) {
    yield unreadable;
    return;
  }
  let sniffed = sniffFormat(options.fileName ?? (typeof source === 'string' ? source : ''), opened.head);
  if (options.format || options.delimiter) {
    const format = options.format ?? (sniffed.format === 'unsupported' ? 'csv' : sniffed.format);
    const delimiter = options.delimiter ?? (sniffed.format === 'csv' ? sniffed.delimiter : undefined) ?? ',';
    sniffed = format === 'csv' ? { format, delimiter } : { format };
  }
  if (sniffed.format === 'unsupported') {
    yield problem(file, 1, null, `unsupported format: ${sniffed.reason}`);
    return;
  }
  // a byte-order mark says what the text is; without one the encoding was told from the bytes: say so
  if (opened.encoding && !opened.bom)
    yield problem(file, 1, null, `the file is ${ENCODING_NAMES[opened.encoding]} text without a byte-order mark: read as such`, null, 'info');
  const notes = new EncodingNotes();
  const limit = new ProblemLimit(file);
  let lastLine = 0;
  let records = 0;
  let junkOnly = true;
  const runs = new JunkRuns();
  const take = (item: ReadItem): ReadItem | null => {
    lastLine = Math.max(lastLine, item.line);
    if (item.kind === 'record') {
      records++;
      notes.confirmFrom(item.line);
    } else if (!BINARY_REASON.test(item.reason) && !item.reason.startsWith('binary content')) junkOnly = false;
    return limit.pass(item);
  };
  try {
    for await (const item of pickReader(sniffed, opened.chunks, file, maxLength, notes)) {
      for (const out of runs.push(item)) {
        const kept = take(out);
        if (kept) yield kept;
      }
    }
    for (const out of runs.end()) {
      const kept = take(out);
      if (kept) yield kept;
    }
  } catch (err) {
    for (const out of runs.end()) {
      const kept = take(out);
      if (kept) yield kept;
    }
    // Only stream failures get here (a file removed or unreadable while read): say where reading stopped.
    yield problem(file, lastLine + 1, null, `reading stopped after line ${lastLine}: ${(err as Error).message}`);
  }
  const after = Math.max(1, lastLine + 1);
  for (const fault of opened.faults) yield problem(file, after, null, `gzip: ${fault.reason}`, null, fault.severity);
  // a file of nothing but junk has said so in its one merged problem: its "encodings" are noise
  if (records > 0 || !junkOnly) for (const [encoding, { count: n, lines }] of notes.byEncoding) yield encodingNote(file, encoding, n, lines);
  const more = limit.rest();
  if (more) yield more;
  if (lastLine === 0) yield problem(file, 1, null, 'no molecules found: the file has only blank lines, comments or a header');
}

function encodingNote(file: string, encoding: LineEncoding, n: number, lines: number[]): SourceProblem {
  const which = n === 1 ? `line ${lines[0]} is` : `${count(n)} lines are`;
  const listed = n > 1 ? ` (line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}${n > lines.length ? ', …' : ''})` : '';
  return problem(file, lines[0], null, `${which} not UTF-8: read as ${ENCODING_NAMES[encoding]}${listed}; check the names and values there`, null, 'warning');
}

/** At most MAX_PROBLEMS problems pass; the others are counted. Records always pass. */
class ProblemLimit {
  seen = 0;
  private dropped = 0;
  private firstDropped = 0;
  constructor(private readonly file: string) {}
  pass(item: ReadItem): ReadItem | null {
    if (item.kind === 'record') return item;
    this.seen++;
    if (this.seen <= MAX_PROBLEMS) return item;
    if (this.dropped++ === 0) this.firstDropped = item.line;
    return null;
  }
  rest(): SourceProblem | null {
    if (!this.dropped) return null;
    const p = problem(this.file, this.firstDropped, null, `${count(this.dropped)} more problems from line ${count(this.firstDropped)} on are not listed (the first ${count(MAX_PROBLEMS)} are)`);
    p.more = this.dropped;
    return p;
  }
}

/**
 * Consecutive problems that say "binary" (no record between them) as one problem naming the lines and bytes:
 * 200 KB of random bytes is one problem, not eight hundred. A few other problems between two binary ones (a
 * junk line that happens to hold no control character) join the run, and so does one short "record" between
 * two binary lines (random bytes make lines like "Y" or ")>"); anything else ends the run and is kept as it is.
 * A plain class fed item by item (no generator in between): reading a quarter of a million records pays nothing.
 */
export class JunkRuns {
  private static readonly GAP = 8;
  private static readonly SHORT = 16;
  private run: { first: SourceProblem; lastLine: number; lines: number } | null = null;
  /** after the run: joined to it only if a binary problem follows */
  private between: ReadItem[] = [];

  /** The items to pass on now (usually just `item`; none while a run may still grow). */
  push(item: ReadItem): ReadItem[] {
    if (!this.run && (item.kind === 'record' || !BINARY_REASON.test(item.reason) || (item.severity ?? 'error') !== 'error')) return [item];
    const error = item.kind === 'problem' && (item.severity ?? 'error') === 'error';
    if (error && BINARY_REASON.test(item.reason)) {
      if (this.run) {
        this.run.lastLine = item.line;
        this.run.lines += this.between.length + 1;
        this.between = [];
      } else this.run = { first: item, lastLine: item.line, lines: 1 };
      return [];
    }
    if (this.between.length < JunkRuns.GAP) {
      const heldRecord = this.between.some((b) => b.kind === 'record');
      const shortRecord = item.kind === 'record' && !heldRecord && item.format === 'smiles' && item.structure.length <= JunkRuns.SHORT && this.between.length === 0;
      if (error || shortRecord) {
        this.between.push(item);
        return [];
      }
    }
    return [...this.end(), item];
  }

  /** Whatever is held: the run as one problem, then the items after it. */
  end(): ReadItem[] {
    const out: ReadItem[] = [];
    if (this.run) {
      const { first, lastLine, lines } = this.run;
      this.run = null;
      if (lines === 1) out.push(first);
      else {
        const bytes = first.offset !== undefined ? `, from byte ${count(first.offset)}` : '';
        const merged = problem(first.file, first.line, first.record, `binary content on lines ${count(first.line)}–${count(lastLine)} (${count(lines)} lines${bytes}): not SMILES, CSV or SD text, skipped`, first.text);
        if (first.offset !== undefined) merged.offset = first.offset;
        out.push(merged);
      }
    }
    out.push(...this.between);
    this.between = [];
    return out;
  }
}

async function* pickReader(sniffed: Exclude<Sniffed, { format: 'unsupported' }>, chunks: AsyncIterable<Buffer>, file: string, maxLength: number, notes: EncodingNotes): AsyncGenerator<ReadItem> {
  switch (sniffed.format) {
    case 'smiles':
      yield* readSmilesLines(chunks, { file, maxLength, notes });
      return;
    case 'csv':
      yield* readCsvMolecules(chunks, { file, maxLength, delimiter: sniffed.delimiter ?? ',', notes });
      return;
    case 'sdf':
      yield* readSdfRecords(chunks, { file, notes });
      return;
  }
}
