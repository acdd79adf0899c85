// The file's text encoding when it is not UTF-8 (or its Windows-1252 / Latin-1 lines, which lines.ts reads one by
// one): UTF-16 and UTF-32, either byte order, with or without a byte-order mark. Without a mark, the pattern of
// zero bytes in the first bytes tells: ASCII text in UTF-16LE is "C\0C\0O\0", in UTF-32BE "\0\0\0C".
// A file found to be one of these is turned into UTF-8 as it streams.

export type WideEncoding = 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

export interface DetectedEncoding {
  encoding: WideEncoding;
  /** Bytes of byte-order mark to skip (0 when there is none). */
  bom: number;
}

/** The wide encoding of a text from its first bytes, or null for UTF-8 / single-byte text. */
export function detectWideEncoding(head: Buffer): DetectedEncoding | null {
  const b = head;
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { encoding: 'utf-32le', bom: 4 };
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { encoding: 'utf-32be', bom: 4 };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  const sample = b.subarray(0, Math.min(b.length, 4096) & ~3);
  if (sample.length < 8 || !sample.includes(0)) return null;
  // Share of code units shaped like a non-zero ASCII character in each encoding; text is nearly all of them.
  const shaped = (width: 2 | 4, at: number): number => {
    let hits = 0;
    for (let i = 0; i < sample.length; i += width) {
      let ok = sample[i + at] !== 0 && sample[i + at] < 0x80;
      for (let j = 0; j < width && ok; j++) if (j !== at && sample[i + j] !== 0) ok = false;
      if (ok) hits++;
    }
    return hits / (sample.length / width);
  };
  if (shaped(4, 0) > 0.9) return { encoding: 'utf-32le', bom: 0 };
  if (shaped(4, 3) > 0.9) return { encoding: 'utf-32be', bom: 0 };
  if (shaped(2, 0) > 0.7) return { encoding: 'utf-16le', bom: 0 };
  if (shaped(2, 1) > 0.7) return { encoding: 'utf-16be', bom: 0 };
  return null;
}

/** One wide-encoded chunk stream as UTF-8, characters split across chunks kept whole. */
export async function* toUtf8(chunks: AsyncIterable<Buffer>, detected: DetectedEncoding): AsyncGenerator<Buffer> {
  let skip = detected.bom;
  const decode = detected.encoding.startsWith('utf-16') ? utf16Decoder(detected.encoding as 'utf-16le' | 'utf-16be') : utf32Decoder(detected.encoding === 'utf-32le');
  for await (let chunk of chunks) {
    if (skip) {
      const n = Math.min(skip, chunk.length);
      chunk = chunk.subarray(n);
      skip -= n;
    }
    const text = decode(chunk, false);
    if (text) yield Buffer.from(text);
  }
  const rest = decode(Buffer.alloc(0), true);
  if (rest) yield Buffer.from(rest);
}

function utf16Decoder(encoding: 'utf-16le' | 'utf-16be'): (chunk: Buffer, end: boolean) => string {
  // ignoreBOM: the mark was skipped already; a second one inside the text is a character like any other
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  return (chunk, end) => decoder.decode(chunk, { stream: !end });
}

/** UTF-32 by hand (TextDecoder has no UTF-32): four bytes per code point, invalid ones as U+FFFD. */
function utf32Decoder(littleEndian: boolean): (chunk: Buffer, end: boolean) => string {
  let carry = Buffer.alloc(0);
  return (chunk, end) => {
    const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const whole = bytes.length & ~3;
    carry = Buffer.from(bytes.subarray(whole));
    const parts: string[] = [];
    let codes: number[] = [];
    for (let i = 0; i < whole; i += 4) {
      const c = littleEndian ? bytes.readUInt32LE(i) : bytes.readUInt32BE(i);
      codes.push(c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ? 0xfffd : c);
      if (codes.length === 4096) {
        parts.push(String.fromCodePoint(...codes));
        codes = [];
      }
    }
    if (codes.length) parts.push(String.fromCodePoint(...codes));
    if (end && carry.length) parts.push('\ufffd');
    return parts.join('');
  };
}
