// Opening a molecule file as a stream of decompressed bytes. Gzip is recognised by its magic bytes (1f 8b),
// never by the name, so "data.csv" that is really gzipped and "data.csv.gz" that is not both read right.
// The first bytes are peeked for format sniffing and then handed on, so nothing is read twice.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { basename } from 'node:path';
import { problem } from './problem.ts';
import type { SourceProblem } from './types.ts';

export interface OpenedSource {
  /** Decompressed bytes, from the first one (the peeked head included). */
  chunks: AsyncIterable<Buffer>;
  /** The first bytes of the decompressed content (up to the peek size), for sniffing. */
  head: Buffer;
  gzip: boolean;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const HEAD_BYTES = 64 * 1024;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

async function firstBytes(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(2);
    const { bytesRead } = await handle.read(buffer, 0, 2, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A path on disk or the bytes of a dropped file. Throws only for I/O errors (missing file, permissions). */
export async function openSource(source: string | Uint8Array): Promise<OpenedSource> {
  const magic = typeof source === 'string' ? await firstBytes(source) : source.subarray(0, 2);
  const gzip = isGzip(magic);
  const raw: Readable =
    typeof source === 'string' ? createReadStream(source, { highWaterMark: 64 * 1024 }) : Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)]) // a view, not a copy;
  // pipeline: a read error reaches the gunzip stream we iterate, and destroying that one closes the file.
  const stream = gzip ? pipeline(raw, createGunzip(), () => {}) : raw;
  const opened = await peek(stream as AsyncIterable<Buffer>, HEAD_BYTES, gzip);
  const utf16 = utf16Encoding(opened.head);
  if (!utf16) return opened;
  // Excel's "Unicode text" is UTF-16 with a byte-order mark: turn it into UTF-8 as it streams.
  return { gzip, head: Buffer.from(new TextDecoder(utf16).decode(opened.head)), chunks: transcode(opened.chunks, utf16) };
}

function utf16Encoding(head: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

async function* transcode(chunks: AsyncIterable<Buffer>, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(encoding); // drops the byte-order mark, keeps split characters across chunks
  for await (const chunk of chunks) yield Buffer.from(decoder.decode(chunk, { stream: true }));
  const rest = decoder.decode();
  if (rest) yield Buffer.from(rest);
}

async function peek(stream: AsyncIterable<Buffer>, size: number, gzip: boolean): Promise<OpenedSource> {
  const iterator = stream[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let length = 0;
  let done = false;
  let pending: unknown = null;
  try {
    while (length < size) {
      const next = await iterator.next();
      if (next.done) {
        done = true;
        break;
      }
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      buffered.push(chunk);
      length += chunk.length;
    }
  } catch (err) {
    // A corrupt gzip fails while peeking: keep what was decompressed, rethrow when the reader gets there.
    pending = err;
    done = true;
  }
  const head = Buffer.concat(buffered).subarray(0, size);
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      yield* buffered;
      if (pending) throw pending;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
    } finally {
      // A reader that stops early (the import was cancelled) closes the file here.
      await iterator.return?.();
    }
  }
  return { chunks: chunks(), head, gzip };
}

/**
 * What every reader does first: name the source for messages, open it, and turn a file that cannot be opened or
 * is empty into the one problem to report (line 1) instead of an exception.
 */
export async function openForReading(
  source: string | Uint8Array,
  fileName?: string,
): Promise<{ file: string; opened: OpenedSource; problem: null } | { file: string; opened: null; problem: SourceProblem }> {
  const file = fileName ?? (typeof source === 'string' ? basename(source) : 'upload');
  let opened: OpenedSource;
  try {
    opened = await openSource(source);
  } catch (err) {
    return { file, opened: null, problem: problem(file, 1, null, `cannot open the file: ${(err as Error).message}`) };
  }
  if (opened.head.length === 0) return { file, opened: null, problem: problem(file, 1, null, 'the file is empty') };
  return { file, opened, problem: null };
}
