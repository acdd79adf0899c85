// Splitting a byte stream into numbered text lines with bounded memory: a line longer than maxBytes is cut
// (and flagged) instead of growing without end, so a binary file with no newlines cannot exhaust memory.
// Accepts \n, \r\n and old-Mac \r endings; drops a UTF-8 byte-order mark at the start. Text is UTF-8; a
// line that is not valid UTF-8 is read as Windows-1252 (what Excel on Windows writes), so an accented name
// in an old file stays readable instead of turning into replacement characters.

export interface TextLine {
  /** 1-based line number. */
  line: number;
  /** The text without its line ending (cut to maxBytes when `cut`). */
  text: string;
  /** True when the line was longer than maxBytes and only its start is kept. */
  cut: boolean;
  /** Length of the whole line in bytes (even when cut). */
  bytes: number;
}

const LF = 0x0a;
const CR = 0x0d;

export async function* splitLines(chunks: AsyncIterable<Buffer>, maxBytes = 1 << 20): AsyncGenerator<TextLine> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const cp1252 = new TextDecoder('windows-1252');
  const decode = (buf: Buffer): string => {
    try {
      return utf8.decode(buf);
    } catch {
      return cp1252.decode(buf);
    }
  };
  let parts: Buffer[] = [];
  let kept = 0;
  let total = 0;
  let lineNo = 0;
  let first = true;
  let lastWasCR = false;

  const finish = (): TextLine => {
    let buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    if (first && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    first = false;
    const line: TextLine = { line: ++lineNo, text: decode(buf), cut: total > kept, bytes: total };
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

  for await (const chunk of chunks) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (byte !== LF && byte !== CR) continue;
      if (byte === LF && lastWasCR && i === start && parts.length === 0 && total === 0) {
        // the \n of a \r\n split across chunks, or right after \r: already ended the line
        lastWasCR = false;
        start = i + 1;
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
    }
    if (start < chunk.length) {
      append(chunk.subarray(start));
      lastWasCR = false;
    }
  }
  if (total > 0) yield finish();
}
