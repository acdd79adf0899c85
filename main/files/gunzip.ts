// Gzip decompression that keeps everything that inflated. Node's gunzip stream throws away the last block of
// output when the trailer's checksum or length is wrong or bytes follow the stream, so a file whose content is
// intact read as nothing. Here the gzip framing (header, members, trailer) is read by hand and only the deflate
// data goes through zlib's streaming raw inflate; every fault (a wrong CRC or length, bytes after the stream, a
// truncated file, corrupt compressed data) becomes a fault with its byte offset, and the content read stays.
import { constants, crc32, createInflateRaw } from 'node:zlib';

export interface SourceFault {
  /** Byte offset in the compressed file where the fault is. */
  offset: number;
  /** Bytes of content (decompressed) read before the fault. */
  contentBytes: number;
  reason: string;
  /** 'warning': the content read is intact as far as it goes; 'error': content was lost. */
  severity: 'warning' | 'error';
}

const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const FHCRC = 2;
/** Compressed bytes per inflate write: deflate expands at most ~1032x, so one write yields at most ~16 MB. */
const STEP = 16 * 1024;

/** Raw bytes with a cursor: what is buffered, its offset in the file, and more on demand. */
class ByteQueue {
  private buffer: Buffer = Buffer.alloc(0);
  /** File offset of buffer[0]. */
  offset = 0;
  private done = false;
  constructor(private readonly source: AsyncIterator<Buffer>) {}
  get available(): number {
    return this.buffer.length;
  }
  /** Reads until n bytes are buffered or the file ends; false when it ended first. */
  async fill(n: number): Promise<boolean> {
    while (this.buffer.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else this.buffer = this.buffer.length ? Buffer.concat([this.buffer, next.value]) : next.value;
    }
    return this.buffer.length >= n;
  }
  peek(n: number): Buffer {
    return this.buffer.subarray(0, n);
  }
  take(n: number): Buffer {
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    this.offset += out.length;
    return out;
  }
  /** The next piece of at most `max` bytes (reading more when none is buffered); null at the end. */
  async piece(max: number): Promise<Buffer | null> {
    if (!this.buffer.length && !(await this.fill(1))) return null;
    return this.take(Math.min(max, this.buffer.length));
  }
  /** Puts bytes back at the front (the unconsumed end of the last write). */
  unshift(bytes: Buffer): void {
    if (!bytes.length) return;
    this.buffer = this.buffer.length ? Buffer.concat([bytes, this.buffer]) : Buffer.from(bytes);
    this.offset -= bytes.length;
  }
  async close(): Promise<void> {
    await this.source.return?.();
  }
}

/** Length of the gzip header at the front of the queue, or a reason it is not one. */
async function headerLength(q: ByteQueue): Promise<number | string> {
  if (!(await q.fill(10))) return 'a gzip header is cut short';
  const h = q.peek(10);
  if (h[0] !== 0x1f || h[1] !== 0x8b) return 'not a gzip header';
  if (h[2] !== 8) return `unknown compression method ${h[2]}`;
  const flags = h[3];
  let at = 10;
  if (flags & FEXTRA) {
    if (!(await q.fill(at + 2))) return 'a gzip header is cut short';
    at += 2 + q.peek(at + 2).readUInt16LE(at);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    // a zero-terminated string; bounded so a header without its zero cannot hold the whole file
    for (;;) {
      if (!(await q.fill(at + 1))) return 'a gzip header is cut short';
      if (q.peek(at + 1)[at] === 0) break;
      if (++at > 1 << 20) return 'a gzip header name longer than 1 MiB';
    }
    at++;
  }
  if (flags & FHCRC) at += 2;
  if (!(await q.fill(at))) return 'a gzip header is cut short';
  return at;
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * The decompressed content of gzip bytes (one or more members), streamed; faults are pushed to `faults` as they
 * are found (the caller reports them once the content is read).
 */
export async function* gunzipKeepingContent(raw: AsyncIterable<Buffer>, faults: SourceFault[]): AsyncGenerator<Buffer> {
  const q = new ByteQueue(raw[Symbol.asyncIterator]());
  let content = 0;
  let members = 0;
  try {
    for (;;) {
      if (members > 0) {
        // after a member: nothing, another member, zero padding (tape blocks), or bytes that are not gzip
        if (!(await q.fill(1))) return;
        if (!(await q.fill(2)) || q.peek(2)[0] !== 0x1f || q.peek(2)[1] !== 0x8b) {
          const at = q.offset;
          let extra = 0;
          let zeros = true;
          for (let p = await q.piece(1 << 16); p; p = await q.piece(1 << 16)) {
            extra += p.length;
            if (zeros && p.some((b) => b !== 0)) zeros = false;
          }
          if (!zeros)
            faults.push({ offset: at, contentBytes: content, severity: 'warning', reason: `${count(extra)} bytes after the end of the gzip data (at byte ${count(at)}) are not gzip and were not read; the content before them is complete` });
          return;
        }
      }
      const header = await headerLength(q);
      if (typeof header === 'string') {
        faults.push({ offset: q.offset, contentBytes: content, severity: 'error', reason: `${header} at byte ${count(q.offset)}: the rest of the file could not be read` });
        return;
      }
      q.take(header);
      members++;
      const member = yield* inflateMember(q, (n) => (content += n));
      if (member.error) {
        faults.push({ offset: member.at, contentBytes: content, severity: 'error', reason: `corrupt compressed data near byte ${count(member.at)} (${member.error}): the content after it is lost` });
        return;
      }
      if (!member.ended) {
        faults.push({ offset: member.at, contentBytes: content, severity: 'warning', reason: `the gzip file is truncated at byte ${count(member.at)}: the content ends there (its last line may be cut)` });
        return;
      }
      if (!(await q.fill(8))) {
        q.take(q.available);
        faults.push({ offset: q.offset, contentBytes: content, severity: 'warning', reason: `the gzip trailer (checksum and length) is cut short at byte ${count(q.offset)}; the content is complete but unchecked` });
        return;
      }
      const at = q.offset;
      const trailer = q.take(8);
      const crcOk = trailer.readUInt32LE(0) === member.crc;
      const sizeOk = trailer.readUInt32LE(4) === member.size % 2 ** 32;
      if (!crcOk || !sizeOk) {
        const what = !crcOk && !sizeOk ? 'checksum (CRC-32) and length' : !crcOk ? 'checksum (CRC-32)' : 'length (ISIZE)';
        faults.push({ offset: at, contentBytes: content, severity: 'warning', reason: `the gzip trailer's ${what} at byte ${count(at)} does not match the content read (${count(member.size)} bytes): the content may be damaged; every line was checked as usual` });
      }
    }
  } finally {
    await q.close();
  }
}

interface Member {
  ended: boolean;
  error: string | null;
  /** File offset where the deflate data ended, failed or was cut. */
  at: number;
  crc: number;
  size: number;
}

/** Inflates one member's deflate data from the queue, yielding its output; leaves the queue at its trailer. */
async function* inflateMember(q: ByteQueue, counted: (n: number) => void): AsyncGenerator<Buffer, Member> {
  // Z_SYNC_FLUSH at the end: a truncated stream gives what it has instead of an error
  const inflate = createInflateRaw({ finishFlush: constants.Z_SYNC_FLUSH });
  const out: Buffer[] = [];
  let error: Error | null = null;
  /** The wait for the current write: its callback does not come after an error, so the error ends it too. */
  let waiting: (() => void) | null = null;
  inflate.on('data', (c: Buffer) => out.push(c));
  inflate.on('error', (e) => {
    error = e;
    waiting?.();
  });
  let crc = 0;
  let size = 0;
  let fed = 0;
  const start = q.offset;
  const emit = function* (): Generator<Buffer> {
    for (const c of out.splice(0)) {
      crc = crc32(c, crc);
      size += c.length;
      counted(c.length);
      yield c;
    }
  };
  try {
    for (;;) {
      const piece = await q.piece(STEP);
      if (!piece) {
        await new Promise<void>((resolve) => {
          inflate.once('end', resolve);
          inflate.once('error', () => resolve());
          inflate.end();
          inflate.resume();
        });
        yield* emit();
        return { ended: false, error: error ? (error as Error).message : null, at: start + fed, crc, size };
      }
      await new Promise<void>((resolve) => {
        if (error) return resolve();
        waiting = resolve;
        inflate.write(piece, () => resolve());
      });
      waiting = null;
      fed += piece.length;
      yield* emit();
      if (error) return { ended: false, error: (error as Error).message, at: start + inflate.bytesWritten, crc, size };
      const consumed = inflate.bytesWritten;
      if (consumed < fed) {
        // the deflate data ended inside this piece: what follows is the trailer
        q.unshift(piece.subarray(piece.length - (fed - consumed)));
        return { ended: true, error: null, at: start + consumed, crc, size };
      }
    }
  } finally {
    inflate.destroy();
  }
}
