// From a training run folder (run.json + checkpoint.bin + curves.jsonl) to a model bundle: export the graphs,
// encode training molecules for the latent statistics (PCA of their means), measure what can be measured
// without a chemistry toolkit (string-exact greedy reconstruction of validation molecules, syntax validity of
// prior samples with and without the constraint), and write the bundle. RDKit-based metrics (canonical
// reconstruction, validity, uniqueness, novelty...) are added by the app's `molscape evaluate` later.
import fs from 'node:fs';
import { Rng } from '../graph/rng.ts';
import { greedyDecode } from '../runtime/decode.ts';
import { SmilesSyntax } from '../runtime/syntax.ts';
import { VaeRuntime } from '../runtime/vae-runtime.ts';
import { readCheckpoint } from '../train/checkpoint.ts';
import { writeBundle } from './bundle.ts';
import type { BundleManifest, LatentStats } from './bundle.ts';
import { readSmilesFile } from './data.ts';
import { exportInferenceGraphs } from './export.ts';
import { pca } from './pca.ts';
import type { Pca } from './pca.ts';
import { Vocabulary } from './tokenizer.ts';
import { readCurves, runFiles } from './train.ts';
import type { RunInfo } from './train.ts';

export interface FinishOptions {
  name: string;
  version: string;
  /** Longest decode in tokens (default: the largest bucket + 24). */
  maxLength?: number;
  /** Training molecules encoded for the latent statistics. */
  statsMolecules?: number;
  /** Validation molecules / prior samples for the quick metrics. */
  evalMolecules?: number;
  threads?: number;
  /** Training molecules projected on the first two principal axes, drawn faintly behind the latent map. */
  backgroundMolecules?: number;
  log?: (line: string) => void;
  /** More metrics to record (e.g. held-out figures before and after fine-tuning) */
  metrics?: Record<string, unknown>;
  /** What the model learnt from, as the user knows it (default: the run's data file) */
  trainingData?: BundleManifest['training']['data'];
  /** More manifest fields (what a fine-tuned model started from) */
  extraManifest?: Record<string, unknown>;
  /** The checkpoint to export (default the run's last; e.g. its best by validation loss) */
  checkpoint?: string;
}

/** The first `n` rows projected on the PCA plane p, rounded to 4 decimals (the JSON stays small). */
function projectBackground(p: Pca, mu: Float32Array, rows: number, dim: number, n: number): { x: number[]; y: number[] } {
  const x: number[] = [], y: number[] = [];
  const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
  for (let r = 0; r < Math.min(n, rows); r++) {
    let a = 0, b = 0;
    for (let i = 0; i < dim; i++) {
      const d = mu[r * dim + i] - p.mean[i];
      a += d * p.axes[0][i];
      b += d * p.axes[1][i];
    }
    x.push(r4(a));
    y.push(r4(b));
  }
  return { x, y };
}

export async function bundleFromRun(runDir: string, bundleDir: string, o: FinishOptions): Promise<BundleManifest> {
  const files = runFiles(runDir);
  const run = JSON.parse(fs.readFileSync(files.run, 'utf8')) as RunInfo;
  const ck = readCheckpoint(o.checkpoint ?? files.checkpoint);
  const c = run.model;
  const vocabulary = Vocabulary.fromJSON(run.vocabulary);
  const maxLength = o.maxLength ?? Math.max(...run.config.buckets) + 24;
  const log = o.log ?? (() => {});
  const runtime = await VaeRuntime.create(
    { vocabulary, latent: c.latent, decoderHidden: c.decoderHidden, properties: c.properties, maxLength, graphs: exportInferenceGraphs(c, ck.params) },
    { threads: o.threads ?? 2 },
  );
  try {
    // evenly spaced over the whole file: a file that is two data sets one after the other (ZINC then ChEMBL)
    // must not give the statistics (and the map's background) of the first alone
    const all = readSmilesFile(run.config.data).smiles;
    const want = Math.min(all.length, o.statsMolecules ?? 20000);
    const stats = { smiles: Array.from({ length: want }, (_, i) => all[Math.floor((i * all.length) / want)]) };
    const enc = await runtime.encode(stats.smiles);
    log(`latent statistics from ${enc.rows.length} training molecules`);
    const plane = pca(enc.mu, enc.rows.length, c.latent);
    const latentStats: LatentStats = { ...plane, background: projectBackground(plane, enc.mu, enc.rows.length, c.latent, o.backgroundMolecules ?? 5000) };

    const metrics: Record<string, unknown> = { ...o.metrics };
    const n = o.evalMolecules ?? 500;
    if (run.config.valid) {
      const valid = readSmilesFile(run.config.valid, n).smiles;
      const ve = await runtime.encode(valid);
      const dec = await greedyDecode(runtime, ve.mu, ve.rows.length);
      const exact = dec.filter((d, j) => d.smiles === valid[ve.rows[j]]).length;
      metrics.reconstructionStringExact = { value: exact / valid.length, molecules: valid.length, note: 'greedy decode of the mean equals the input string (a lower bound of canonical reconstruction)' };
    }
    const rng = new Rng(2024);
    const z = Float32Array.from(rng.normals(n * c.latent));
    const syntax = new SmilesSyntax(vocabulary.tokens, maxLength - 1);
    const free = await greedyDecode(runtime, z, n);
    metrics.priorSyntaxValidGreedy = { value: free.filter((d) => d.ended && syntax.accepts(d.ids, false)).length / n, samples: n, note: 'syntax only (no chemistry check)' };
    const last = readCurves(runDir).at(-1);
    if (last?.valid) metrics.validationLoss = { ...last.valid, step: last.step };
    log(`metrics ${JSON.stringify(metrics)}`);

    return writeBundle(bundleDir, {
      name: o.name, version: o.version, config: c, vocabulary, maxLength, normalization: run.normalization, weights: ck.params,
      training: { data: o.trainingData ?? run.data, steps: ck.step, config: run.config, curves: readCurves(runDir) },
      metrics, latentStats, extraManifest: o.extraManifest,
    });
  } finally {
    await runtime.release();
  }
}
