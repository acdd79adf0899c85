// Streaming writers: CSV (smiles, name, every computed and user property, RFC 4180 quoting; numbers rounded to
// their column's precision unless raw is asked, the file's own column names kept), SD files
// (2D coordinates from RDKit, the name as title, properties as data fields) and SMILES files
// (smiles<TAB>name). Rows are written as they come, with the stream's back-pressure respected; a path
// ending in .gz is gzipped. Writers never throw on a row: write() answers false for a row it cannot write
// (an SD record needs a structure RDKit can parse).
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { loadRDKit, parseMol } from '../chem/rdkit.ts';
import { PROPERTY_DEFS } from '../api/properties.ts';
import type { UserValue } from './types.ts';

export interface WritableMolecule {
  smiles: string;
  name: string | null;
  /** Computed properties (main/chem). */
  props?: Record<string, UserValue>;
  /** Columns and data fields carried in from the source file. */
  userProps?: Record<string, UserValue>;
}

export type WriteFormat = 'csv' | 'sdf' | 'smiles';

export interface WriterOptions {
  format?: WriteFormat;
  /** The property columns, in order; default: those of the first row (computed, then user). */
  props?: string[];
  userProps?: string[];
  /** CSV delimiter (default ','). */
  delimiter?: string;
  /**
   * Numbers as stored, unrounded (for another program's input). By default a computed property is written to its
   * panel's digits (MW 276.42) and every other number loses its float noise (276.42400000000004 → 276.424).
   */
  raw?: boolean;
}

/** Decimals each computed property is written with (its panel digits; whole numbers for counts). */
const PROPERTY_DIGITS = new Map(PROPERTY_DEFS.filter((d) => d.kind === 'number' || d.kind === 'integer').map((d) => [d.key, d.kind === 'integer' ? 0 : (d.digits ?? 2)]));

/**
 * A number as a file should carry it: a computed property (`computed`: its key) to its panel's digits, any
 * other number to 12 significant digits, which no measurement exceeds and which drops binary float noise.
 */
export function roundForFile(value: number, computed?: string): number {
  if (!Number.isFinite(value)) return value;
  const digits = computed === undefined ? undefined : PROPERTY_DIGITS.get(computed);
  if (digits !== undefined) return Number(value.toFixed(digits));
  return Number(value.toPrecision(12));
}

export interface MoleculeWriter {
  /** Write one row; false when this row cannot be written in this format (the file stays valid). */
  write(row: WritableMolecule): Promise<boolean>;
  /** Flush and close the file. */
  close(): Promise<void>;
  readonly written: number;
}

/** The format a path asks for: .csv/.tsv, .sdf/.sd/.mol, anything else SMILES (.gz ignored). */
export function formatForPath(path: string): WriteFormat {
  const lower = path.toLowerCase().replace(/\.gz$/, '');
  if (/\.(csv|tsv|txt)$/.test(lower)) return 'csv';
  if (/\.(sdf|sd|mol)$/.test(lower)) return 'sdf';
  return 'smiles';
}

export function createMoleculeWriter(path: string, options: WriterOptions = {}): MoleculeWriter {
  const format = options.format ?? formatForPath(path);
  const file = createWriteStream(path);
  let out: Writable = file;
  if (path.toLowerCase().endsWith('.gz')) {
    out = createGzip();
    out.pipe(file);
  }
  let failed: Error | null = null;
  out.on('error', (err) => (failed ??= err));
  file.on('error', (err) => (failed ??= err));
  const delimiter = options.delimiter ?? (path.toLowerCase().replace(/\.gz$/, '').endsWith('.tsv') ? '\t' : ',');
  const rounded = options.raw ? (row: WritableMolecule) => row : roundRow;
  const encoders = { csv: csvEncoder(options, delimiter), sdf: sdfRecord, smiles: smilesLine };
  const encode = (row: WritableMolecule) => encoders[format](rounded(row));
  let written = 0;

  async function put(text: string): Promise<void> {
    if (failed) throw failed;
    if (!out.write(text)) await once(out, 'drain');
  }
  return {
    get written() {
      return written;
    },
    async write(row) {
      // SD records are drawn by RDKit (2D coordinates): load it here rather than trusting every caller to have.
      if (format === 'sdf') await loadRDKit();
      const text = encode(row);
      if (text === null) return false;
      await put(text);
      written++;
      return true;
    },
    async close() {
      out.end();
      await once(file, 'close');
      if (failed) throw failed;
    },
  };
}

/** The row with its numbers rounded as roundForFile says (computed properties by key, the file's own cleaned). */
function roundRow(row: WritableMolecule): WritableMolecule {
  const each = (values: Record<string, UserValue> | undefined, computed: boolean) =>
    values && Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'number' ? roundForFile(v, computed ? k : undefined) : v]));
  return { ...row, props: each(row.props, true), userProps: each(row.userProps, false) };
}

// ---- SMILES ----------------------------------------------------------------------------------------------

const oneLine = (text: string) => text.replace(/[\t\r\n]+/g, ' ').trim();

function smilesLine(row: WritableMolecule): string {
  const name = row.name ? oneLine(row.name) : '';
  return name ? `${row.smiles}\t${name}\n` : `${row.smiles}\n`;
}

// ---- CSV -------------------------------------------------------------------------------------------------

export function csvCell(value: UserValue | undefined, delimiter = ','): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  const needsQuotes = text.includes(delimiter) || /["\r\n]/.test(text) || text !== text.trim();
  return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvEncoder(options: WriterOptions, delimiter: string): (row: WritableMolecule) => string {
  let columns: { header: string; get: (row: WritableMolecule) => UserValue | undefined }[] | null = null;
  return (row) => {
    let head = '';
    if (!columns) {
      const props = options.props ?? Object.keys(row.props ?? {});
      const user = options.userProps ?? Object.keys(row.userProps ?? {});
      // The file's own column names are kept: a computed property whose name a file column has is written as
      // <name>_computed; only a file column called smiles or name (the structure and name columns) becomes user_<name>.
      const fileNames = new Set(user.map((u) => u.toLowerCase()));
      const userHeader = (u: string) => (['smiles', 'name'].includes(u.toLowerCase()) ? `user_${u}` : u);
      const propHeader = (p: string) => (fileNames.has(p.toLowerCase()) ? `${p}_computed` : p);
      columns = [
        { header: 'smiles', get: (r) => r.smiles },
        { header: 'name', get: (r) => r.name },
        ...props.map((p) => ({ header: propHeader(p), get: (r: WritableMolecule) => r.props?.[p] })),
        ...user.map((u) => ({ header: userHeader(u), get: (r: WritableMolecule) => r.userProps?.[u] })),
      ];
      head = `${columns.map((c) => csvCell(c.header, delimiter)).join(delimiter)}\n`;
    }
    return `${head}${columns.map((c) => csvCell(c.get(row), delimiter)).join(delimiter)}\n`;
  };
}

// ---- SD --------------------------------------------------------------------------------------------------

const fieldName = (key: string) => oneLine(key).replace(/[<>]/g, '_') || 'field';

function fieldValue(value: UserValue | undefined): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  // A blank line ends a value in an SD file, and a line of $$$$ ends the record: neither may appear inside.
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((l) => l.trim() !== '' && l.trim() !== '$$$$')
    .join('\n');
}

function sdfRecord(row: WritableMolecule): string | null {
  const mol = parseMol(row.smiles);
  if (!mol) return null;
  let molblock: string;
  try {
    if (!mol.has_coords()) mol.set_new_coords();
    molblock = mol.get_molblock();
  } finally {
    mol.delete();
  }
  const title = row.name ? oneLine(row.name).slice(0, 200) : '';
  const lines = molblock.split('\n');
  lines[0] = title;
  let text = lines.join('\n');
  if (!text.endsWith('\n')) text += '\n';
  // As in CSV, the file's own field names are kept: a computed property of the same name is written as <name>_computed.
  const fileNames = new Set(Object.keys(row.userProps ?? {}).map((k) => k.toLowerCase()));
  const fields: [string, UserValue][] = Object.entries(row.props ?? {}).map(([k, v]) => [fileNames.has(k.toLowerCase()) ? `${k}_computed` : k, v]);
  for (const [k, v] of Object.entries(row.userProps ?? {})) fields.push([k, v]);
  for (const [key, value] of fields) {
    const body = fieldValue(value);
    text += `> <${fieldName(key)}>\n${body ? `${body}\n` : ''}\n`;
  }
  return `${text}$$$$\n`;
}
