// The decoder step as exported (A) against one recurrent Gemm per gate (B, step-graph.ts), in one process,
// interleaved round by round (A B A B …) so load from other work falls on both alike:
//   reference   the architecture of ../shared/bench/reference-config.json with freshly initialized weights (as
//               bench.ts --reference builds it): 256 decodes of pad_to − 1 steps, no early stop, argmax in JS
//               (what bench:infer times against PyTorch); ms a step
//   bundle      a shipped bundle's greedyDecode of the first 256 ZINC test means as one batch (finished rows
//               compacted out: what a decode job does), ms a batch; and one molecule at a time (--single
//               points), ms a decode
// First checks that both give the same tokens and states (reference) and the same SMILES and log-probabilities
// (bundle). Usage: node --import tsx models/runtime/ab-step-graph.ts [--bundle DIR] [--rounds 9] [--single 100]
// Prints one JSON line: per figure, A's and B's median and range over the rounds.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../graph/rng.ts';
import { abFigures } from '../bench/alternate.ts';
import { readSmiles } from '../train/smiles-data.ts';
import { loadBundle } from '../vae/bundle.ts';
import { greedyDecode } from './decode.ts';
import { referenceArchitecture, referenceGreedyDecode } from './reference-architecture.ts';
import { VaeRuntime } from './vae-runtime.ts';

const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string', default: path.resolve(import.meta.dirname, '../../resources/models/zinc250k') },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz') },
    rounds: { type: 'string', default: '9' },
    single: { type: 'string', default: '100' },
    threads: { type: 'string', default: '2' },
  },
});
const rounds = Number(a.rounds), single = Number(a.single), threads = Number(a.threads);
const variants = { A: { threads, splitGateGemms: false }, B: { threads, splitGateGemms: true } };

// reference architecture, decoded as bench.ts decodes it against PyTorch
const { model: refModel, padTo: T, batch: BI } = referenceArchitecture();
const zRef = Float32Array.from(new Rng(1).normals(BI * refModel.latent));

async function referenceDecode(rt: VaeRuntime, keepTokens = false) {
  const tokens: bigint[] = [];
  const t0 = performance.now();
  const h = await referenceGreedyDecode(rt, zRef, BI, T, keepTokens ? (tok) => tokens.push(...tok) : undefined);
  return { msPerStep: (performance.now() - t0) / (T - 1), tokens, h };
}

const refRt = { A: await VaeRuntime.create(refModel, variants.A), B: await VaeRuntime.create(refModel, variants.B) };
const bundleRt = { A: (await loadBundle(a.bundle!, variants.A)).runtime, B: (await loadBundle(a.bundle!, variants.B)).runtime };
const L = bundleRt.A.latent;
const mu = (await bundleRt.A.encode(readSmiles(a.data!, Math.max(256, single)))).mu;
const batch = mu.subarray(0, 256 * L);

// the same results first (and everything warmed up)
const [ra, rb] = [await referenceDecode(refRt.A, true), await referenceDecode(refRt.B, true)];
const refSame = ra.tokens.every((x, i) => x === rb.tokens[i]) && ra.h.every((x, i) => Object.is(x, rb.h[i]));
const decoded = async (rt: VaeRuntime) => (await greedyDecode(rt, batch, batch.length / L)).map((d) => `${d.smiles} ${d.logProb}`);
const [da, db] = [await decoded(bundleRt.A), await decoded(bundleRt.B)];
const bundleSame = da.every((x, i) => x === db[i]);
for (const rt of Object.values(bundleRt)) await greedyDecode(rt, mu.subarray(0, L), 1);

const loadBefore = os.loadavg()[0];
const t: Record<string, Record<'A' | 'B', number[]>> = {};
const record = (figure: string, k: 'A' | 'B', x: number) => ((t[figure] ??= { A: [], B: [] })[k].push(x));
for (let r = 0; r < rounds; r++)
  for (const k of r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
    record('reference batch 256, ms a step', k, (await referenceDecode(refRt[k])).msPerStep);
    let t0 = performance.now();
    await greedyDecode(bundleRt[k], batch, batch.length / L);
    record('bundle batch 256, ms a batch', k, performance.now() - t0);
    t0 = performance.now();
    for (let i = 0; i < single; i++) await greedyDecode(bundleRt[k], mu.subarray(i * L, (i + 1) * L), 1);
    record('bundle batch 1, ms a decode', k, (performance.now() - t0) / single);
  }
for (const rt of [...Object.values(refRt), ...Object.values(bundleRt)]) await rt.release();

const figures = abFigures(t, ['A_exported', 'B_gate_gemms'], 'B_over_A');
console.log(JSON.stringify({
  bundle: path.basename(a.bundle!), threads, rounds, single, same_results: { reference: refSame, bundle: bundleSame }, ...figures,
  load_average_1m: { before: loadBefore, after: os.loadavg()[0] },
}));
