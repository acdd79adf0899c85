// Rows of a delimited text file (CSV, TSV, semicolon...) with the line each row starts on, and a problem for
// every malformed row instead of a stop. csv-parse (its streaming parser) splits and unquotes the fields; in
// front of it a small framer cuts the text into whole records (a quoted field may span lines) and checks
// their quotes, so that one bad quote costs one row, not the rest of the file: csv-parse cannot resynchronize
// after a quoting error by itself. An unclosed quote swallows at most MAX_FRAME_LINES lines before it is
// reported and reading restarts on the line after it.
import { parse } from 'csv-parse';
import type { Parser } from 'csv-parse';
import type { TextLine } from './lines.ts';
import { controlCharacter, problem } from './problem.ts';
import { EXCEL_SEP } from './sniff.ts';
import type { SourceProblem } from './types.ts';

export interface CsvRow {
  kind: 'row';
  /** 1-based line the row starts on. */
  line: number;
  cells: string[];
  /** The row as written (for problem messages), cut to a few hundred characters. */
  text: string;
}

export interface CsvRowOptions {
  file: string;
  delimiter: string;
  /** Longest record in bytes; longer ones are reported and skipped. */
  maxRecordBytes?: number;
  /** Lines starting with this are skipped before the header (default '#'). */
  comment?: string;
}

const MAX_FRAME_LINES = 100;
const MAX_QUEUED = 1000;
const QUOTE = '"';

type FrameCheck = { state: 'complete' } | { state: 'open' } | { state: 'bad'; reason: string };

/** Whether text (one or more lines joined by \n) is a whole record with well-formed quotes. */
export function checkFrame(text: string, delimiter: string): FrameCheck {
  let fieldStart = true;
  let quoted = false;
  let afterClose = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === QUOTE) {
        if (text[i + 1] === QUOTE) i++;
        else {
          quoted = false;
          afterClose = true;
        }
      }
    } else if (afterClose) {
      if (c === delimiter) {
        afterClose = false;
        fieldStart = true;
      } else if (c !== ' ' && c !== '\r') {
        return { state: 'bad', reason: `malformed quotes: '${c}' after a closing quote at column ${column(text, i)}` };
      }
    } else if (c === QUOTE && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else {
      fieldStart = c === delimiter;
    }
  }
  return quoted ? { state: 'open' } : { state: 'complete' };
}

function column(text: string, index: number): number {
  return index - text.lastIndexOf('\n', index - 1);
}

/** A line source that can take lines back, to restart after an unclosed quote. */
class Rewindable {
  private readonly back: TextLine[] = [];
  constructor(private readonly lines: AsyncIterator<TextLine>) {}
  async next(): Promise<TextLine | null> {
    if (this.back.length) return this.back.pop()!;
    const next = await this.lines.next();
    return next.done ? null : next.value;
  }
  unread(lines: TextLine[]): void {
    for (let i = lines.length - 1; i >= 0; i--) this.back.push(lines[i]);
  }
}

export async function* readCsvRows(lines: AsyncIterable<TextLine>, options: CsvRowOptions): AsyncGenerator<CsvRow | SourceProblem> {
  const { file, delimiter } = options;
  const maxBytes = options.maxRecordBytes ?? 1 << 20;
  const comment = options.comment ?? '#';
  const source = new Rewindable(lines[Symbol.asyncIterator]());
  // Frames fed to csv-parse and waiting for their row, with the problems found between them, so that
  // everything comes out in file order although csv-parse holds each row until it sees the next one.
  const pending: ({ kind: 'frame'; line: number; text: string } | SourceProblem)[] = [];
  let failure: Error | null = null;
  const newParser = (): Parser => {
    const p = parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false, bom: false });
    p.on('error', (err) => (failure = err));
    return p;
  };
  let parser = newParser();
  let seenRow = false;

  function* emit(record: string[]): Generator<CsvRow | SourceProblem> {
    yield* problemsAhead();
    const frame = pending.shift();
    if (frame?.kind === 'frame') yield { kind: 'row', line: frame.line, cells: record, text: frame.text };
    yield* problemsAhead();
  }
  function* problemsAhead(): Generator<SourceProblem> {
    while (pending.length && pending[0].kind === 'problem') yield pending.shift() as SourceProblem;
  }
  function* drain(): Generator<CsvRow | SourceProblem> {
    let out: string[] | null;
    while ((out = parser.read() as string[] | null) !== null) yield* emit(out);
    if (failure) {
      // Not expected after the framer's checks; if csv-parse still refuses, report the rows it held and go on.
      const reason = `malformed row: ${failure.message}`;
      for (const item of pending.splice(0)) yield item.kind === 'frame' ? problem(file, item.line, null, reason, item.text) : item;
      failure = null;
      parser = newParser();
    }
  }
  const report = (p: SourceProblem): void => {
    pending.push(p);
  };
  /** Problems queued behind a held row are let out early past MAX_QUEUED, to keep memory bounded. */
  function* overflow(): Generator<SourceProblem> {
    if (pending.length <= MAX_QUEUED) return;
    const held = pending.filter((p) => p.kind === 'frame');
    for (const item of pending) if (item.kind === 'problem') yield item;
    pending.splice(0, pending.length, ...held);
  }

  for (;;) {
    const first = await source.next();
    if (!first) break;
    if (first.text.trim() === '') continue;
    if (!seenRow && comment && first.text.startsWith(comment)) continue;
    if (!seenRow && EXCEL_SEP.test(first.text.trim())) continue;
    seenRow = true;
    if (first.cut) {
      report({ ...problem(file, first.line, null, `row too long (${first.bytes.toLocaleString('en-US')} bytes, from byte ${first.offset.toLocaleString('en-US')})`, first.text), offset: first.offset });
      yield* overflow();
      continue;
    }
    const bad = controlCharacter(first.text);
    if (bad >= 0) {
      report({ ...problem(file, first.line, null, `binary or control character (code ${first.text.charCodeAt(bad)}) at column ${bad + 1}`, first.text), offset: first.offset });
      yield* overflow();
      continue;
    }
    const frame: TextLine[] = [first];
    let text = first.text;
    let bytes = first.bytes;
    let check = checkFrame(text, delimiter);
    while (check.state === 'open' && frame.length < MAX_FRAME_LINES && bytes < maxBytes) {
      const more = await source.next();
      if (!more) break;
      frame.push(more);
      text += `\n${more.text}`;
      bytes += more.bytes + 1;
      check = checkFrame(text, delimiter);
    }
    if (check.state === 'open' || (check.state === 'bad' && frame.length > 1)) {
      // The quote opened on this line pairs with none (or with one on a later row): skip this line only.
      report(problem(file, first.line, null, 'malformed quotes: a quoted field is never closed (the row is skipped)', first.text));
      source.unread(frame.slice(1));
      yield* problemsAhead();
      yield* overflow();
      continue;
    }
    if (check.state === 'bad') {
      report(problem(file, first.line, null, check.reason, text));
      yield* problemsAhead();
      yield* overflow();
      continue;
    }
    pending.push({ kind: 'frame', line: first.line, text: text.length > 300 ? text.slice(0, 300) : text });
    parser.write(`${text}\n`);
    yield* drain();
  }
  // The last row is held by csv-parse until the input ends, and its flush is asynchronous.
  parser.end();
  try {
    for await (const out of parser as AsyncIterable<string[]>) yield* emit(out);
  } catch (err) {
    failure = err as Error;
  }
  yield* drain();
  yield* problemsAhead();
}
