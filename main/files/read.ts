// The one entry point for reading a molecule file: opens it (gzip by content), picks the reader by
// extension or, failing that, by content, and yields records and problems in file order.
// Never throws on bad content; I/O errors (a missing file, a corrupt gzip) become a problem too.
import { openForReading } from './source.ts';
import { sniffFormat } from './sniff.ts';
import type { Sniffed } from './sniff.ts';
import { problem } from './problem.ts';
import { readSmilesLines } from './smiles-reader.ts';
import { readCsvMolecules } from './csv-reader.ts';
import { readSdfRecords } from './sdf-reader.ts';
import type { ReadItem, ReadOptions } from './types.ts';

export const DEFAULT_MAX_LENGTH = 1000;

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
  let lastLine = 0;
  try {
    for await (const item of pickReader(sniffed, opened.chunks, file, maxLength)) {
      lastLine = Math.max(lastLine, item.line);
      yield item;
    }
    if (lastLine === 0) yield problem(file, 1, null, 'no molecules found: the file has only blank lines, comments or a header');
  } catch (err) {
    // Only stream failures get here (a corrupt gzip, a file removed while read): say where reading stopped.
    yield problem(file, lastLine + 1, null, `reading stopped after line ${lastLine}: ${(err as Error).message}`);
  }
}

async function* pickReader(sniffed: Sniffed, chunks: AsyncIterable<Buffer>, file: string, maxLength: number): AsyncGenerator<ReadItem> {
  switch (sniffed.format) {
    case 'unsupported':
      yield problem(file, 1, null, `unsupported format: ${sniffed.reason}`);
      return;
    case 'smiles':
      yield* readSmilesLines(chunks, { file, maxLength });
      return;
    case 'csv':
      yield* readCsvMolecules(chunks, { file, maxLength, delimiter: sniffed.delimiter ?? ',' });
      return;
    case 'sdf':
      yield* readSdfRecords(chunks, { file });
      return;
  }
}
