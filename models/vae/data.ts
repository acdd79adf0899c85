// Training data for the VAE: SMILES from a .smi / .smi.gz file (first column) and, optionally, a property table
// (CSV or TSV with a header; first column the SMILES, then one column per property) joined by SMILES string.
// Properties are normalized to mean 0, standard deviation 1 over the training set; the normalization goes into
// the bundle so predictions can be turned back into real units.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { VaeExample } from './model.ts';
import type { Problem, Vocabulary } from './tokenizer.ts';

function readText(file: string): string {
  const buf = fs.readFileSync(file);
  return (file.endsWith('.gz') ? zlib.gunzipSync(buf) : buf).toString('utf8');
}

/** SMILES of the first column, with their 1-based line numbers; blank lines and '#' comments skipped. */
export function readSmilesFile(file: string, limit = Infinity): { smiles: string[]; lines: number[] } {
  const smiles: string[] = [], lines: number[] = [];
  const rows = readText(file).split('\n');
  for (let i = 0; i < rows.length && smiles.length < limit; i++) {
    const s = rows[i].trim().split(/\s+/)[0];
    if (!s || s.startsWith('#')) continue;
    smiles.push(s);
    lines.push(i + 1);
  }
  return { smiles, lines };
}

export interface PropertyTable {
  names: string[];
  values: Map<string, Float64Array>;
}

/** A CSV/TSV with a header row: SMILES first, then numeric columns (empty or non-numeric cells are missing). */
export function readPropertyTable(file: string): PropertyTable {
  const rows = readText(file).split('\n').filter((r) => r.trim());
  if (rows.length === 0) throw new Error(`${file}: empty property table`);
  const sep = rows[0].includes('\t') ? '\t' : ',';
  const names = rows[0].split(sep).slice(1).map((s) => s.trim());
  const values = new Map<string, Float64Array>();
  for (const r of rows.slice(1)) {
    const cells = r.split(sep);
    values.set(cells[0].trim(), Float64Array.from(names, (_, k) => {
      const v = cells[k + 1]?.trim();
      return v ? Number(v) : NaN;
    }));
  }
  return { names, values };
}

export interface Normalization {
  names: string[];
  mean: number[];
  std: number[];
}

export function normalizationOf(table: PropertyTable, smiles: readonly string[]): Normalization {
  const n = table.names.length;
  const sum = new Float64Array(n), sq = new Float64Array(n), count = new Float64Array(n);
  for (const s of smiles) {
    const v = table.values.get(s);
    if (!v) continue;
    for (let k = 0; k < n; k++)
      if (Number.isFinite(v[k])) {
        sum[k] += v[k];
        sq[k] += v[k] * v[k];
        count[k]++;
      }
  }
  const mean = Array.from(sum, (s, k) => (count[k] ? s / count[k] : 0));
  const std = Array.from(sq, (s, k) => (count[k] > 1 ? Math.sqrt(Math.max(1e-12, s / count[k] - mean[k] ** 2)) : 1));
  return { names: [...table.names], mean, std };
}

/** Encoded examples; a SMILES that does not fit the vocabulary is a Problem carrying its line number. */
export function buildExamples(
  vocabulary: Vocabulary,
  data: { smiles: readonly string[]; lines: readonly number[] },
  props?: { table: PropertyTable; norm: Normalization },
): { examples: VaeExample[]; problems: (Problem & { line: number })[] } {
  const examples: VaeExample[] = [];
  const problems: (Problem & { line: number })[] = [];
  data.smiles.forEach((s, i) => {
    const e = vocabulary.encode(s, i);
    if (!e.ok) {
      problems.push({ ...e.problem, line: data.lines[i], message: `line ${data.lines[i]}: ${e.problem.message}` });
      return;
    }
    let p: Float32Array | undefined;
    const raw = props?.table.values.get(s);
    if (props && raw) p = Float32Array.from(props.norm.names, (_, k) => (raw[k] - props.norm.mean[k]) / props.norm.std[k]);
    examples.push({ ids: e.ids, props: p });
  });
  return { examples, problems };
}

/** SHA-256 of a file's bytes, hex. */
export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
