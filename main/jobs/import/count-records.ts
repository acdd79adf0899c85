// A quick first pass that estimates how many records a file holds, so an import can show a total and an
// ETA: SD files count their '$$$$' lines (or their 'M  END' lines when there is no '$$$$'), everything else its
// non-blank, non-comment lines (a CSV header makes it one too many, which only matters for the last second of
// the ETA). Gzip is read through.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { gunzipKeepingContent } from '../../files/gunzip.ts';

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

export async function countRecords(path: string, signal?: AbortSignal): Promise<number> {
  const raw = createReadStream(path, { signal });
  // the readers' gunzip: a file with a bad checksum or bytes after its stream is counted, not refused
  const stream = (await isGzip(path)) ? gunzipKeepingContent(raw, []) : raw;
  let lines = 0;
  let records = 0;
  let molblocks = 0; // 'M  END' lines: the records of an SD file that lost its $$$$ separators
  let atLineStart = true;
  let lineUseful = false;
  let lineStart = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (c === 10) {
        if (lineUseful) lines++;
        if (lineStart.trimEnd() === '$$$$') records++;
        else if (lineStart.startsWith('M  EN')) molblocks++;
        atLineStart = true;
        lineUseful = false;
        lineStart = '';
        continue;
      }
      if (atLineStart) {
        atLineStart = false;
        if (c === 35 /* # */) {
          lineStart = '#';
          continue;
        }
      }
      if (lineStart.length < 5) lineStart += String.fromCharCode(c);
      if (!lineUseful && c > 32 && lineStart[0] !== '#') lineUseful = true;
    }
  }
  if (lineUseful) lines++;
  if (lineStart.trimEnd() === '$$$$') records++;
  return records > 0 ? records : molblocks > 0 ? molblocks : lines;
}
