// The molecules a training run learns from, read from any file the app imports (SMILES, CSV/TSV with a SMILES
// column, SD, gzip) or given as a collection's SMILES: each standardized as the import does (largest fragment,
// RDKit's canonical SMILES, the form the models are trained and queried on), duplicates collapsed, molecules the
// model cannot take (too long, unreadable) left out with the reason and where, then split into a training and a
// held-out part by a seeded hash of the canonical SMILES (the same molecules are held out every time for the
// same data and seed, whatever the file order), and a small validation part of the rest that picks the checkpoint
// kept (so the held-out figures are never used to choose the model they measure). Written into the run folder as
// train.smi, valid.smi and holdout.smi.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tokenize } from '../../../models/vae/tokenizer.ts';
import { loadRDKit, withMol } from '../../chem/rdkit.ts';
import type { InputMolecule } from '../../design/molecule-input.ts';
import { readMoleculeFile } from '../../files/read.ts';
import { standardize } from '../../files/standardize.ts';

export interface TrainingMolecule {
  smiles: string;
  /** where it came from: "file.csv:12" or "collection 3, row 12" */
  where: string;
}

export interface PreparedData {
  /** the source as the user knows it (file name or collection) */
  label: string;
  /** sha256 of the source file's bytes (of the SMILES list, for a collection) */
  sha256: string;
  /** records read */
  records: number;
  /** molecules kept after standardizing and collapsing duplicates */
  molecules: number;
  train: number;
  holdout: number;
  /** molecules set apart from training to choose the best checkpoint by (not the held-out ones) */
  valid: number;
  duplicates: number;
  /** records left out: unreadable, empty, too long (with where and why) */
  problems: { where: string; reason: string }[];
  problemCount: number;
  /** how many records lost a salt or solvent fragment */
  fragmentsStripped: number;
}

export const PREPARED_FILES = { train: 'train.smi', valid: 'valid.smi', holdout: 'holdout.smi', summary: 'data.json' } as const;

/** Reads a file as the import does; a file without a single readable molecule is an error that says why. */
export async function moleculesOfFile(file: string): Promise<{ molecules: TrainingMolecule[]; problems: { where: string; reason: string }[]; fragmentsStripped: number; records: number }> {
  if (!fs.existsSync(file)) throw new Error(`There is no file ${file}.`);
  if (!fs.statSync(file).isFile()) throw new Error(`${file} is not a regular file.`);
  await loadRDKit();
  const name = path.basename(file);
  const molecules: TrainingMolecule[] = [];
  const problems: { where: string; reason: string }[] = [];
  let fragmentsStripped = 0, records = 0;
  for await (const item of readMoleculeFile(file)) {
    if (item.kind === 'problem') {
      // a warning or note (a gzip checksum, a line read as Latin-1) is about a record that is read all the same
      if ((item.severity ?? 'error') === 'error') problems.push({ where: `${name}:${item.line}`, reason: item.reason });
      continue;
    }
    records++;
    const s = standardize(item.structure, { largestFragment: true });
    if (!s) {
      problems.push({ where: `${name}:${item.line}`, reason: 'RDKit cannot read the structure' });
      continue;
    }
    if (s.removedFragments.length) fragmentsStripped++;
    molecules.push({ smiles: s.smiles, where: `${name}:${item.line}` });
  }
  return { molecules, problems, fragmentsStripped, records };
}

/**
 * A file's molecules as written (SD records as RDKit's SMILES), for the dataset doctor, which reports mixtures
 * and unreadable structures itself; the reader's own problems become unreadable entries.
 */
export async function inputMoleculesOfFile(file: string): Promise<InputMolecule[]> {
  if (!fs.existsSync(file)) throw new Error(`There is no file ${file}.`);
  if (!fs.statSync(file).isFile()) throw new Error(`${file} is not a regular file.`);
  await loadRDKit();
  const out: InputMolecule[] = [];
  for await (const item of readMoleculeFile(file)) {
    if (item.kind === 'problem') continue;
    const smiles = item.format === 'molblock' ? (withMol(item.structure, (m) => m.get_smiles()) ?? '') : item.structure;
    out.push({ smiles, name: item.name ?? `line ${item.line}`, line: item.line });
  }
  return out;
}

/** A seeded, order-free rank of a molecule for the held-out split. */
const rank = (smiles: string, seed: number) => createHash('sha256').update(`${seed}\u0000${smiles}`).digest().readUInt32BE(0);

/**
 * Collapses duplicates, leaves out what is too long for the model (more than maxTokens tokens) or does not
 * tokenize, splits off the held-out share and writes train.smi, holdout.smi and data.json into `runDir`.
 */
export function prepareTrainingData(
  input: { label: string; sha256: string; records: number; molecules: TrainingMolecule[]; problems: { where: string; reason: string }[]; fragmentsStripped: number },
  o: { runDir: string; holdout: number; seed: number; maxTokens: number },
): PreparedData {
  const problems = [...input.problems];
  const seen = new Map<string, string>();
  let duplicates = 0;
  const kept: string[] = [];
  for (const m of input.molecules) {
    const first = seen.get(m.smiles);
    if (first !== undefined) {
      duplicates++;
      continue;
    }
    seen.set(m.smiles, m.where);
    const t = tokenize(m.smiles);
    if (!t.ok) {
      problems.push({ where: m.where, reason: t.problem.message.replace(/^SMILES '.*'(: )?/, '') || 'not SMILES' });
      continue;
    }
    if (t.tokens.length + 2 > o.maxTokens) {
      problems.push({ where: m.where, reason: `${t.tokens.length} tokens: longer than the model takes (${o.maxTokens - 2})` });
      continue;
    }
    kept.push(m.smiles);
  }
  if (kept.length === 0) {
    const first = problems.slice(0, 3).map((p) => `${p.where}: ${p.reason}`).join('; ');
    throw new Error(`${input.label} holds no molecule the model can train on${first ? ` (${problems.length} problems, first: ${first})` : ''}.`);
  }
  const ordered = kept.map((s) => ({ s, r: rank(s, o.seed) })).sort((a, b) => a.r - b.r || (a.s < b.s ? -1 : 1));
  const nHold = o.holdout > 0 && kept.length >= 10 ? Math.max(1, Math.round(kept.length * o.holdout)) : 0;
  const holdout = ordered.slice(0, nHold).map((x) => x.s);
  // 5 % of the rest (at least 5, at most 2,000) to choose the checkpoint by, when there are enough molecules
  const rest = ordered.length - nHold;
  const nValid = rest >= 40 ? Math.min(2000, Math.max(5, Math.round(rest * 0.05))) : 0;
  const validation = ordered.slice(nHold, nHold + nValid).map((x) => x.s);
  // the training file keeps the source order (epochs are shuffled by the trainer anyway)
  const held = new Set([...holdout, ...validation]);
  const train = kept.filter((s) => !held.has(s));
  const summary: PreparedData = {
    label: input.label, sha256: input.sha256, records: input.records, molecules: kept.length, train: train.length, holdout: holdout.length, valid: validation.length,
    duplicates, problems: problems.slice(0, 200), problemCount: problems.length, fragmentsStripped: input.fragmentsStripped,
  };
  fs.mkdirSync(o.runDir, { recursive: true });
  const write = (f: string, text: string) => {
    const target = path.join(o.runDir, f);
    fs.writeFileSync(`${target}.tmp`, text);
    fs.renameSync(`${target}.tmp`, target);
  };
  write(PREPARED_FILES.train, train.join('\n') + '\n');
  write(PREPARED_FILES.holdout, holdout.join('\n') + (holdout.length ? '\n' : ''));
  write(PREPARED_FILES.valid, validation.join('\n') + (validation.length ? '\n' : ''));
  write(PREPARED_FILES.summary, JSON.stringify(summary, null, 1));
  return summary;
}

export function readPrepared(runDir: string): PreparedData | null {
  const f = path.join(runDir, PREPARED_FILES.summary);
  return fs.existsSync(f) ? (JSON.parse(fs.readFileSync(f, 'utf8')) as PreparedData) : null;
}
