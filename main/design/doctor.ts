// The dataset doctor: what a SMILES file holds before it is used to train (or is encoded by) a model —
// vocabulary, tokens the model does not know (which token, which molecule, which line), length distribution
// and outliers, salts and mixtures ('.'), duplicates (same canonical SMILES), SMILES RDKit refuses, and an
// estimate of the training time on this machine.
import { tokenize } from '../../models/vae/tokenizer.ts';
import type { Vocabulary } from '../../models/vae/tokenizer.ts';
import { canonicalSmiles } from './canonical.ts';
import type { InputMolecule } from './molecule-input.ts';
import { problemReason } from './molecule-input.ts';

/**
 * Training throughput in tokens per second (<bos>/<eos> included) of the shipped model's architecture
 * (embedding 64, encoder 2×256, latent 56, decoder 512, batch 128) on this 2-core machine, shared, at nice 15:
 * measured from the ZINC run's curves.jsonl, 500 steps × 128 molecules × 40.4 tokens a molecule in 669 s.
 */
export const TRAIN_TOKENS_PER_SECOND = 3_900;
export const DEFAULT_EPOCHS = 30;

export interface Where {
  line: number;
  name: string;
  smiles: string;
}

export interface DoctorReport {
  molecules: number;
  vocabulary: { size: number; tokens: { token: string; count: number }[] };
  /** Only with a model: tokens outside its vocabulary, and every molecule holding one (up to `listLimit`). */
  outOfVocabulary: { model: string; molecules: number; tokens: { token: string; count: number }[]; examples: (Where & { token: string; reason: string })[] } | null;
  lengths: { min: number; max: number; mean: number; p50: number; p95: number; p99: number; histogram: { from: number; to: number; count: number }[]; modelMaxLength: number | null; tooLong: Where[]; outliers: Where[] };
  mixtures: { count: number; examples: Where[] };
  duplicates: { count: number; examples: (Where & { firstLine: number })[] };
  invalid: { count: number; examples: (Where & { reason: string })[] };
  trainingEstimate: { tokens: number; epochs: number; secondsPerEpoch: number; seconds: number; basis: string };
}

export interface DoctorOptions {
  vocabulary?: Vocabulary;
  modelName?: string;
  /** Longest decode of the model in tokens (<eos> included). */
  maxLength?: number;
  epochs?: number;
  /** Most examples listed per finding. */
  listLimit?: number;
}

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : 0);

export function doctor(mols: readonly InputMolecule[], o: DoctorOptions = {}): DoctorReport {
  const limit = o.listLimit ?? 50;
  const where = (m: InputMolecule): Where => ({ line: m.line, name: m.name, smiles: m.smiles });
  const push = <T>(list: T[], item: T) => list.length < limit && list.push(item);

  const tokenCounts = new Map<string, number>();
  const lengths: { m: InputMolecule; n: number }[] = [];
  const invalid: DoctorReport['invalid'] = { count: 0, examples: [] };
  const oovCounts = new Map<string, number>();
  const oovExamples: NonNullable<DoctorReport['outOfVocabulary']>['examples'] = [];
  let oovMolecules = 0;
  const mixtures: DoctorReport['mixtures'] = { count: 0, examples: [] };
  const duplicates: DoctorReport['duplicates'] = { count: 0, examples: [] };
  const seen = new Map<string, number>();

  for (const m of mols) {
    const t = tokenize(m.smiles);
    if (!t.ok) {
      invalid.count++;
      push(invalid.examples, { ...where(m), reason: problemReason(t.problem.message) });
      continue;
    }
    for (const tok of t.tokens) tokenCounts.set(tok, (tokenCounts.get(tok) ?? 0) + 1);
    lengths.push({ m, n: t.tokens.length + 2 });
    if (o.vocabulary) {
      const e = o.vocabulary.encode(m.smiles);
      if (!e.ok) {
        oovMolecules++;
        const bad = new Set(t.tokens.filter((tok) => o.vocabulary!.id(tok) === undefined || o.vocabulary!.id(tok)! < 4));
        for (const tok of bad) oovCounts.set(tok, (oovCounts.get(tok) ?? 0) + 1);
        push(oovExamples, { ...where(m), token: e.problem.token, reason: problemReason(e.problem.message) });
      }
    }
    if (m.smiles.includes('.')) {
      mixtures.count++;
      push(mixtures.examples, where(m));
    }
    const canon = canonicalSmiles(m.smiles);
    if (canon === null) {
      invalid.count++;
      push(invalid.examples, { ...where(m), reason: 'RDKit cannot parse it' });
      continue;
    }
    const first = seen.get(canon);
    if (first !== undefined) {
      duplicates.count++;
      push(duplicates.examples, { ...where(m), firstLine: first });
    } else seen.set(canon, m.line);
  }

  const sorted = lengths.map((l) => l.n).sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25), q3 = quantile(sorted, 0.75);
  const fence = q3 + 3 * (q3 - q1); // far outliers (Tukey)
  const tooLong: Where[] = [], outliers: Where[] = [];
  for (const { m, n } of lengths) {
    if (o.maxLength !== undefined && n - 1 > o.maxLength) push(tooLong, where(m));
    if (n > fence) push(outliers, where(m));
  }
  const max = sorted.at(-1) ?? 0, min = sorted[0] ?? 0;
  const bin = Math.max(1, Math.ceil((max - min + 1) / 20));
  const histogram: DoctorReport['lengths']['histogram'] = [];
  for (let from = min; from <= max; from += bin) histogram.push({ from, to: from + bin - 1, count: sorted.filter((n) => n >= from && n < from + bin).length });
  const totalTokens = sorted.reduce((s, n) => s + n, 0);
  const epochs = o.epochs ?? DEFAULT_EPOCHS;
  const secondsPerEpoch = totalTokens / TRAIN_TOKENS_PER_SECOND;

  return {
    molecules: mols.length,
    vocabulary: { size: tokenCounts.size, tokens: [...tokenCounts].sort((a, b) => b[1] - a[1]).map(([token, count]) => ({ token, count })) },
    outOfVocabulary: o.vocabulary ? { model: o.modelName ?? '', molecules: oovMolecules, tokens: [...oovCounts].sort((a, b) => b[1] - a[1]).map(([token, count]) => ({ token, count })), examples: oovExamples } : null,
    lengths: {
      min, max, mean: sorted.length ? totalTokens / sorted.length : 0, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), p99: quantile(sorted, 0.99),
      histogram, modelMaxLength: o.maxLength ?? null, tooLong, outliers,
    },
    mixtures, duplicates, invalid,
    trainingEstimate: {
      tokens: totalTokens, epochs, secondsPerEpoch, seconds: secondsPerEpoch * epochs,
      basis: `${TRAIN_TOKENS_PER_SECOND} tokens/s, the shipped model's architecture measured on this machine (2 shared cores)`,
    },
  };
}
