// Which column of a table holds the SMILES and which the name or id: by header first (case and punctuation
// ignored), by content when no header says it. Also decides whether the first row is a header at all.
import { typedValue } from './problem.ts';

export interface ColumnPlan {
  /** True when the first row holds column names (and is not data). */
  header: boolean;
  /** One name per column, unique and never empty. */
  names: string[];
  smiles: number | null;
  name: number | null;
  /** How the SMILES column was found, for messages. */
  smilesBy: 'header' | 'content' | null;
}

const SMILES_HEADERS = [
  'smiles', 'canonicalsmiles', 'isomericsmiles', 'smi', 'cansmi', 'isosmi', 'structure', 'mol', 'molecule',
  'smilesstring', 'canonsmiles', 'rdkitsmiles', 'parentsmiles', 'molsmiles', 'compoundsmiles', 'structuresmiles',
];
const NAME_HEADERS = [
  'name', 'id', 'compound', 'compoundid', 'compoundname', 'title', 'chemblid', 'cmpdchemblid', 'moleculechemblid',
  'molname', 'moleculename', 'identifier', 'molid', 'moleculeid', 'cid', 'pubchemcid', 'regno', 'registrynumber',
  'label', 'code', 'cmpdid', 'compoundidentifier', 'drugname', 'mol_id', 'catalogid', 'zincid', 'sampleid',
];

export const normalizeHeader = (h: string): string => h.trim().toLowerCase().replace(/[^a-z0-9]/g, '');

/** Index of the SMILES column by header: an exact alias first, then any name containing "smiles". */
export function smilesColumnByHeader(cells: string[]): number | null {
  const norm = cells.map(normalizeHeader);
  const exact = norm.findIndex((h) => SMILES_HEADERS.includes(h));
  if (exact >= 0) return exact;
  const loose = norm.findIndex((h) => h.includes('smiles'));
  return loose >= 0 ? loose : null;
}

/** Index of the name/id column by header: an exact alias, then a name containing "name", then one ending in "id". */
export function nameColumnByHeader(cells: string[], exclude: number | null): number | null {
  const norm = cells.map(normalizeHeader);
  const tests = [(h: string) => NAME_HEADERS.includes(h), (h: string) => h.includes('name'), (h: string) => h.endsWith('id')];
  for (const test of tests) {
    const i = norm.findIndex((h, j) => j !== exclude && test(h));
    if (i >= 0) return i;
  }
  return null;
}

/** Characters a SMILES may contain: a quick filter before asking RDKit. */
export const SMILES_CHARS = /^[A-Za-z0-9@+\-[\]()=#$%/\\.:*~&!?>,;'^]+$/;

function looksLikeSmiles(value: string, parses: (s: string) => boolean): boolean {
  return value.length > 0 && SMILES_CHARS.test(value) && typeof typedValue(value) !== 'number' && parses(value);
}

/** The column whose values parse as SMILES in at least half the sampled rows (the best such), or null. */
export function smilesColumnByContent(rows: string[][], width: number, parses: (s: string) => boolean): number | null {
  let best: { column: number; score: number } | null = null;
  for (let c = 0; c < width; c++) {
    const values = rows.map((r) => (r[c] ?? '').trim()).filter((v) => v !== '');
    if (values.length === 0) continue;
    const score = values.filter((v) => looksLikeSmiles(v, parses)).length / values.length;
    if (score >= 0.5 && (!best || score > best.score)) best = { column: c, score };
  }
  return best?.column ?? null;
}

/** A name column by content: the first other column of text (not numbers) that is filled and mostly distinct. */
function nameColumnByContent(rows: string[][], width: number, exclude: number | null): number | null {
  for (let c = 0; c < width; c++) {
    if (c === exclude) continue;
    const values = rows.map((r) => (r[c] ?? '').trim());
    if (values.length === 0 || values.some((v) => v === '')) continue;
    if (values.every((v) => typeof typedValue(v) === 'number' && !Number.isInteger(typedValue(v)))) continue;
    if (new Set(values).size >= values.length * 0.9) return c;
  }
  return null;
}

function uniqueNames(cells: string[], width: number): string[] {
  const seen = new Set<string>();
  const names: string[] = [];
  for (let i = 0; i < width; i++) {
    const base = (cells[i] ?? '').trim() || `column${i + 1}`;
    let name = base;
    for (let n = 2; seen.has(name); n++) name = `${base}_${n}`;
    seen.add(name);
    names.push(name);
  }
  return names;
}

/**
 * Plan the columns from the first rows of a table (the first row included). `parses` tells whether a text is
 * a SMILES RDKit accepts; it is only called when no header names the SMILES column.
 */
export function planColumns(rows: string[][], parses: (s: string) => boolean): ColumnPlan {
  const first = rows[0] ?? [];
  const width = first.length;
  const bySmilesHeader = smilesColumnByHeader(first);
  const byNameHeader = nameColumnByHeader(first, bySmilesHeader);
  if (bySmilesHeader !== null) {
    return { header: true, names: uniqueNames(first, width), smiles: bySmilesHeader, name: byNameHeader, smilesBy: 'header' };
  }
  const data = rows.slice(1);
  const byContent = smilesColumnByContent(data.length ? data : rows, width, parses);
  // No header names the SMILES column. The first row is data when its cell in that column is a SMILES too
  // and no cell of it is a known column name.
  const firstIsData =
    byContent !== null && byNameHeader === null && looksLikeSmiles((first[byContent] ?? '').trim(), parses);
  if (firstIsData) {
    return {
      header: false,
      names: uniqueNames([], width),
      smiles: byContent,
      name: nameColumnByContent(rows, width, byContent),
      smilesBy: 'content',
    };
  }
  return {
    header: true,
    names: uniqueNames(first, width),
    smiles: byContent,
    name: byNameHeader ?? (byContent !== null ? nameColumnByContent(data, width, byContent) : null),
    smilesBy: byContent === null ? null : 'content',
  };
}
