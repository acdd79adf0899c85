// Which reader a file needs: by its extension first (after a .gz), by its content when the extension says
// nothing. Also recognises files no reader handles (images, archives, documents by their magic bytes; other
// chemistry formats by extension) so the user is told what the file is instead of seeing a thousand unparseable
// lines. Binary bytes elsewhere do not refuse a file: a text file with a few bad lines, or good records before
// and after a run of junk, is read and the junk reported where it is (read.ts).

export type FileFormat = 'smiles' | 'csv' | 'sdf';
export type Sniffed = { format: FileFormat; delimiter?: string } | { format: 'unsupported'; reason: string };

const BY_EXTENSION: Record<string, FileFormat> = {
  smi: 'smiles', smiles: 'smiles', ism: 'smiles', can: 'smiles', cxsmi: 'smiles',
  csv: 'csv', tsv: 'csv', tab: 'csv', psv: 'csv',
  sdf: 'sdf', sd: 'sdf', mol: 'sdf', mdl: 'sdf',
};

const UNSUPPORTED_EXTENSION: Record<string, string> = {
  xlsx: 'Excel workbooks are not read: save the sheet as CSV',
  xls: 'Excel workbooks are not read: save the sheet as CSV',
  ods: 'spreadsheets are not read: save the sheet as CSV',
  mol2: 'Mol2 files are not supported: convert to SD or SMILES',
  pdb: 'PDB files are not supported: convert to SD or SMILES',
  cdx: 'ChemDraw files are not supported: export as SD or SMILES',
  cdxml: 'ChemDraw files are not supported: export as SD or SMILES',
  rxn: 'reaction files are not supported',
  zip: 'zip archives are not read: unpack the file first',
};

/** The extension that tells the format: "a.sdf.gz" -> "sdf", "a.CSV" -> "csv", "a" -> "". */
export function formatExtension(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').toLowerCase();
  const parts = base.split('.');
  if (parts.length > 1 && (parts.at(-1) === 'gz' || parts.at(-1) === 'gzip')) parts.pop();
  return parts.length > 1 ? parts.at(-1)! : '';
}

/** Files that are certainly not text, by their first bytes: what they are, for the message. */
const MAGIC: { bytes: (number | null)[]; what: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], what: 'a TIFF image' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], what: 'a TIFF image' },
  { bytes: [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50], what: 'a WebP image' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'an old Office document (.xls, .doc)' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz archive' },
  { bytes: [0x42, 0x5a, 0x68, null, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59], what: 'a bzip2 archive' },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: 'a zstd archive' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF)' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0x20, 0x33, 0x00], what: 'an SQLite database (a Molscape workspace?)' },
];

/** What a binary file is, by its magic bytes, or null when it is not one of the formats known to be binary. */
export function binaryKind(head: Buffer): string | null {
  for (const { bytes, what } of MAGIC) {
    if (head.length >= bytes.length && bytes.every((b, i) => b === null || head[i] === b)) return what;
  }
  return null;
}

/** True when the bytes look like binary data rather than text (NULs, or many control characters). */
export function looksBinary(head: Buffer): boolean {
  if (head.length === 0) return false;
  const sample = head.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  }
  if (control / sample.length > 0.05) return true;
  // Invalid UTF-8 everywhere (not just a Latin-1 name or two) is binary too.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(sample);
  let bad = 0;
  for (const ch of text) if (ch === '\uFFFD') bad++;
  return bad / text.length > 0.1;
}

const DELIMITERS = [',', '\t', ';', '|'];

/**
 * The delimiter of a delimited text, from its first lines: the candidate that appears the same non-zero
 * number of times on most lines (quoted parts ignored), ties broken by count. Null when none appears.
 */
export function detectDelimiter(lines: string[]): string | null {
  const sample = lines.filter((l) => l.trim() !== '' && !l.startsWith('#')).slice(0, 50);
  if (sample.length === 0) return null;
  let best: { delimiter: string; score: number } | null = null;
  for (const delimiter of DELIMITERS) {
    const counts = sample.map((l) => countOutsideQuotes(l, delimiter));
    if (counts[0] === 0 && counts.every((c) => c === 0)) continue;
    const mode = modeOf(counts.filter((c) => c > 0));
    const consistent = counts.filter((c) => c === mode).length / counts.length;
    const score = consistent * 1000 + mode;
    if (mode > 0 && (!best || score > best.score)) best = { delimiter, score };
  }
  return best?.delimiter ?? null;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) count++;
  }
  return count;
}

function modeOf(values: number[]): number {
  const tally = new Map<number, number>();
  let best = 0;
  let bestCount = 0;
  for (const v of values) {
    const n = (tally.get(v) ?? 0) + 1;
    tally.set(v, n);
    if (n > bestCount || (n === bestCount && v > best)) [best, bestCount] = [v, n];
  }
  return best;
}

// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const CONTROL = /[\x00-\x08\x0e-\x1f\x7f]/;

/**
 * The head's text lines; lines with binary bytes are left out, so junk before the data cannot decide its format.
 * Where junk fills much of the head, lines that are not UTF-8 are left out too (random bytes make short "lines"
 * with a comma in them), and so are lines too few to judge by.
 */
function headLines(head: Buffer): string[] {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 1) lines.pop(); // the last one may be cut by the peek
  let junk = 0;
  for (const l of lines) if (CONTROL.test(l)) junk += l.length;
  const noisy = junk > 0.3 * text.length;
  const clean = lines.filter((l) => !CONTROL.test(l) && !(noisy && l.includes('\ufffd')));
  return noisy && clean.filter((l) => l.trim() !== '').length < 3 ? [] : clean;
}

/** Looks like an SD file: a V2000/V3000 counts line, an M  END or a $$$$ in the first lines. */
function looksLikeSdf(lines: string[]): boolean {
  return lines.slice(0, 2000).some((l) => /V[23]000\s*$/.test(l) || l.startsWith('M  END') || l.trimEnd() === '$$$$');
}

/** Excel's "sep=;" first line, which names the delimiter of the rest of the file. */
export const EXCEL_SEP = /^"?sep=(.)"?$/i;

export function sniffFormat(fileName: string, head: Buffer): Sniffed {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04)
    return { format: 'unsupported', reason: 'this is a zip archive (an Excel workbook?): save the data as CSV, SD or SMILES' };
  const binary = binaryKind(head);
  if (binary) return { format: 'unsupported', reason: `this is ${binary}, not a SMILES, CSV or SD text file` };
  const ext = formatExtension(fileName);
  if (UNSUPPORTED_EXTENSION[ext]) return { format: 'unsupported', reason: UNSUPPORTED_EXTENSION[ext] };
  const lines = headLines(head);
  const sep = EXCEL_SEP.exec(lines[0]?.trim() ?? '');
  if (sep) return { format: 'csv', delimiter: sep[1] };
  const known = BY_EXTENSION[ext];
  if (known === 'csv') {
    const fallback = ext === 'tsv' || ext === 'tab' ? '\t' : ext === 'psv' ? '|' : ',';
    return { format: 'csv', delimiter: detectDelimiter(lines) ?? fallback };
  }
  if (known === 'smiles') {
    // A table saved as .smi ("SMILES,Name"): commas or semicolons inside the first token of every line,
    // where a SMILES never has them.
    const delimiter = detectDelimiter(lines);
    const sample = lines.filter((l) => l.trim() !== '' && !l.startsWith('#')).slice(0, 50);
    if ((delimiter === ',' || delimiter === ';') && sample.every((l) => l.trim().split(/\s/)[0].includes(delimiter)))
      return { format: 'csv', delimiter };
  }
  if (known) return { format: known };
  // Unknown extension (.txt, none, ...): look at the content.
  if (looksLikeSdf(lines)) return { format: 'sdf' };
  const delimiter = detectDelimiter(lines);
  if (delimiter && delimiter !== '\t' && delimiter !== '|') return { format: 'csv', delimiter };
  if (delimiter === '\t' && lines.filter((l) => l.includes('\t')).length > 0) {
    // Tabbed: a SMILES file with ids, or a TSV table with more columns. Two columns read fine as SMILES.
    const columns = Math.max(...lines.slice(0, 50).map((l) => l.split('\t').length));
    if (columns > 2) return { format: 'csv', delimiter };
  }
  return { format: 'smiles' };
}
