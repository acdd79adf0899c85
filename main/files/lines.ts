// Splitting a byte stream into numbered text lines with bounded memory: a line longer than maxBytes is cut
// (and flagged) instead of growing without end, so a binary file with no newlines cannot exhaust memory.
// Accepts \n, \r\n and old-Mac \r endings; drops a UTF-8 byte-order mark at the start. Text is UTF-8; a
// line that is not valid UTF-8 is read as Windows-1252 (what Excel on Windows writes), so an accented name
// in an old file stays readable instead of turning into replacement characters, and a line in UTF-16 (pasted
// from another file) is read as UTF-16. Lines read in another encoding than UTF-8 are counted in
// `EncodingNotes`, so the reader can say so once per file instead of once per line.

import { controlCharacter } from './problem.ts';

export interface TextLine {
  /** 1-based line number. */
  line: number;
  /** The text without its line ending (cut to maxBytes when `cut`). */
  text: string;
  /** True when the line was longer than maxBytes and only its start is kept. */
  cut: boolean;
  /** Length of the whole line in bytes (even when cut). */
  bytes: number;
  /** Byte offset of the line's start in the (decompressed) content. */
  offset: number;
}

export type LineEncoding = 'windows-1252' | 'utf-16le' | 'utf-16be';

/**
 * Which lines were not UTF-8: a count and the first few line numbers per encoding. Lines are noted as they are
 * split and confirmed only when a record comes from them (`confirmFrom`), so a run of binary junk that happens
 * to decode as Latin-1 is not reported as Latin-1 text.
 */
export class EncodingNotes {
  static readonly KEEP = 10;
  private static readonly PENDING = 10_000;
  readonly byEncoding = new Map<LineEncoding, { count: number; lines: number[] }>();
  private pending: { line: number; encoding: LineEncoding }[] = [];
  note(encoding: LineEncoding, line: number): void {
    this.pending.push({ line, encoding });
    // nothing confirmed for a long while: the oldest are junk (a record always confirms its own lines at once)
    if (this.pending.length > EncodingNotes.PENDING) this.pending = this.pending.slice(EncodingNotes.PENDING / 2);
  }
  /** A record starting on `line` was read: lines from there on are its own; earlier ones were not records. */
  confirmFrom(line: number): void {
    for (const p of this.pending) {
      if (p.line < line) continue;
      let entry = this.byEncoding.get(p.encoding);
      if (!entry) this.byEncoding.set(p.encoding, (entry = { count: 0, lines: [] }));
      entry.count++;
      if (entry.lines.length < EncodingNotes.KEEP) entry.lines.push(p.line);
    }
    this.pending = [];
  }
}

/** UTF-16 code units in a line: zero bytes on one side of nearly every pair, ASCII on the other. */
function utf16Line(buf: Buffer): { encoding: 'utf-16le' | 'utf-16be'; bytes: Buffer } | null {
  let b = buf;
  // the zero byte of a UTF-16 line ending, split off by \r or \n, sits at one end of the line
  if (b.length % 2 === 1) b = b[0] === 0 ? b.subarray(1) : b[b.length - 1] === 0 ? b.subarray(0, -1) : b;
  if (b.length < 2 || b.length % 2 === 1) return null;
  let le = 0;
  let be = 0;
  for (let i = 0; i < b.length; i += 2) {
    if (b[i + 1] === 0 && b[i] !== 0) le++;
    else if (b[i] === 0 && b[i + 1] !== 0) be++;
  }
  const units = b.length / 2;
  if (le / units >= 0.9) return { encoding: 'utf-16le', bytes: b };
  if (be / units >= 0.9) return { encoding: 'utf-16be', bytes: b };
  return null;
}

const LF = 0x0a;
const CR = 0x0d;

export async function* splitLines(chunks: AsyncIterable<Buffer>, maxBytes = 1 << 20, notes?: EncodingNotes): AsyncGenerator<TextLine> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const lenient = new TextDecoder('utf-8');
  const cp1252 = new TextDecoder('windows-1252');
  let previousUtf16le = false;
  const decode = (buf: Buffer, line: number): string => {
    const afterUtf16le = previousUtf16le;
    previousUtf16le = false;
    if (buf.includes(0)) {
      // the zero byte of a UTF-16LE line ending ("\n\0", "\r\0\n\0") starts the line after it
      if (afterUtf16le && buf[0] === 0) {
        buf = buf.subarray(1);
        if (buf.length === 0) {
          previousUtf16le = true; // the "\0" between \r\0 and \n\0: the next line starts with one too
          return '';
        }
      }
    }
    if (buf.includes(0)) {
      const wide = utf16Line(buf);
      if (wide) {
        notes?.note(wide.encoding, line);
        previousUtf16le = wide.encoding === 'utf-16le';
        return new TextDecoder(wide.encoding).decode(wide.bytes);
      }
      return lenient.decode(buf); // binary: the readers see the NUL and report the line
    }
    try {
      return utf8.decode(buf);
    } catch {
      const text = cp1252.decode(buf);
      // binary junk decodes too, to control characters: the reader reports that line, not its encoding
      if (controlCharacter(text) < 0) notes?.note('windows-1252', line);
      return text;
    }
  };
  let parts: Buffer[] = [];
  let kept = 0;
  let total = 0;
  let lineNo = 0;
  let lineStart = 0;
  let first = true;
  let lastWasCR = false;

  const finish = (): TextLine => {
    let buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    if (first && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    first = false;
    lineNo++;
    const line: TextLine = { line: lineNo, text: decode(buf, lineNo), cut: total > kept, bytes: total, offset: lineStart };
    parts = [];
    kept = 0;
    total = 0;
    return line;
  };
  const append = (piece: Buffer): void => {
    total += piece.length;
    if (kept >= maxBytes) return;
    const take = piece.subarray(0, maxBytes - kept);
    parts.push(Buffer.from(take)); // copy: the chunk's memory is not pinned by a short slice
    kept += take.length;
  };

  let base = 0; // offset of the current chunk in the content
  for await (const chunk of chunks) {
    let start = 0;
    // the next \r and \n from a position, found natively (a 50 MB run without line ends is one scan)
    let nextLF = -2;
    let nextCR = -2;
    let i = 0;
    for (;;) {
      if (nextLF !== -1 && nextLF < i) nextLF = chunk.indexOf(LF, i);
      if (nextCR !== -1 && nextCR < i) nextCR = chunk.indexOf(CR, i);
      if (nextLF === -1 && nextCR === -1) break;
      i = nextLF === -1 ? nextCR : nextCR === -1 ? nextLF : Math.min(nextLF, nextCR);
      const byte = chunk[i];
      if (byte === LF && lastWasCR && i === start && parts.length === 0 && total === 0) {
        // the \n of a \r\n split across chunks, or right after \r: already ended the line
        lastWasCR = false;
        start = i + 1;
        lineStart = base + start;
        i++;
        continue;
      }
      append(chunk.subarray(start, i));
      yield finish();
      lastWasCR = byte === CR;
      start = i + 1;
      if (byte === CR && i + 1 < chunk.length && chunk[i + 1] === LF) {
        i++;
        start = i + 1;
        lastWasCR = false;
      }
      lineStart = base + start;
      i++;
    }
    if (start < chunk.length) {
      append(chunk.subarray(start));
      lastWasCR = false;
    }
    base += chunk.length;
  }
  if (total > 0) yield finish();
}
