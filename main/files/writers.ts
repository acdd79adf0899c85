// Streaming writers: CSV (smiles, name, every computed and user property, RFC 4180 quoting), SD files
// (2D coordinates from RDKit, the name as title, properties as data fields) and SMILES files
// (smiles<TAB>name). Rows are written as they come, with the stream's back-pressure respected; a path
// ending in .gz is gzipped. Writers never throw on a row: write() answers false for a row it cannot write
// (an SD record needs a structure RDKit can parse).
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { loadRDKit, parseMol } from '../chem/rdkit.ts';
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
  const encode = format === 'csv' ? csvEncoder(options, delimiter) : format === 'sdf' ? sdfRecord : smilesLine;
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
      const taken = new Set(['smiles', 'name', ...props.map((p) => p.toLowerCase())]);
      // A user column that would clash with smiles, name or a computed property is written as user_<name>.
      const userHeader = (u: string) => (taken.has(u.toLowerCase()) ? `user_${u}` : u);
      columns = [
        { header: 'smiles', get: (r) => r.smiles },
        { header: 'name', get: (r) => r.name },
        ...props.map((p) => ({ header: p, get: (r: WritableMolecule) => r.props?.[p] })),
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
  const fields: [string, UserValue][] = Object.entries(row.props ?? {});
  const taken = new Set(fields.map(([k]) => k.toLowerCase()));
  // As in CSV, a user field that would clash with a computed property is written as user_<name>.
  for (const [k, v] of Object.entries(row.userProps ?? {})) fields.push([taken.has(k.toLowerCase()) ? `user_${k}` : k, v]);
  for (const [key, value] of fields) {
    const body = fieldValue(value);
    text += `> <${fieldName(key)}>\n${body ? `${body}\n` : ''}\n`;
  }
  return `${text}$$$$\n`;
}
