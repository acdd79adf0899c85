// Opening a molecule file as a stream of decompressed UTF-8 bytes. Gzip is recognised by its magic bytes (1f 8b),
// never by the name, so "data.csv" that is really gzipped and "data.csv.gz" that is not both read right; a gzip
// fault (a wrong checksum, bytes after the stream, a cut file) keeps the content read and is reported as a fault.
// UTF-16 and UTF-32 (with or without a byte-order mark) are turned into UTF-8 as they stream. The first bytes
// are peeked for format sniffing and then handed on, so nothing is read twice.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { basename } from 'node:path';
import { gunzipKeepingContent, type SourceFault } from './gunzip.ts';
import { problem } from './problem.ts';
import { detectWideEncoding, toUtf8, type WideEncoding } from './text-encoding.ts';
import type { SourceProblem } from './types.ts';

export type { SourceFault } from './gunzip.ts';

export interface OpenedSource {
  /** Decompressed bytes as UTF-8, from the first one (the peeked head included). */
  chunks: AsyncIterable<Buffer>;
  /** The first bytes of the decompressed content (up to the peek size), for sniffing. */
  head: Buffer;
  gzip: boolean;
  /** The file's encoding when it is UTF-16 or UTF-32 (already turned into UTF-8), else null. */
  encoding: WideEncoding | null;
  /** Whether a byte-order mark named that encoding (else it was told from the pattern of zero bytes). */
  bom: boolean;
  /** Gzip faults, filled in as the content streams: complete once `chunks` has ended. */
  faults: SourceFault[];
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
  const raw: AsyncIterable<Buffer> =
    typeof source === 'string'
      ? createReadStream(source, { highWaterMark: 64 * 1024 })
      : Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)]); // a view, not a copy
  const faults: SourceFault[] = [];
  const stream = gzip ? gunzipKeepingContent(raw, faults) : raw;
  const opened = await peek(stream, HEAD_BYTES);
  const wide = detectWideEncoding(opened.head);
  if (!wide) return { ...opened, gzip, encoding: null, bom: false, faults };
  // Excel's "Unicode text" (UTF-16 with a byte-order mark) and the rarer UTF-32: UTF-8 as it streams.
  const chunks = toUtf8(opened.chunks, wide);
  const converted = await peek(chunks, HEAD_BYTES);
  return { ...converted, gzip, encoding: wide.encoding, bom: wide.bom > 0, faults };
}

async function peek(stream: AsyncIterable<Buffer>, size: number): Promise<{ chunks: AsyncIterable<Buffer>; head: Buffer }> {
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
    // A read error while peeking: keep what was read, rethrow when the reader gets there.
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
  return { chunks: chunks(), head };
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
