// The encoder as exported (A: encoder.onnx, two ONNX GRU ops) against the stepped encoder (B, stepped-encoder.ts),
// in one process, interleaved round by round (A B A B …) so load from other work falls on both alike:
//   reference   the architecture of ../shared/bench/reference-config.json with freshly initialized weights (as
//               bench.ts --reference builds it): 256 molecules padded to pad_to, as PyTorch's reference encodes
//               them (what bench:infer times against PyTorch); ms a batch
//   bundle      a shipped bundle's encode of the first --n molecules of each test split (ZINC-250k, ChEMBL 31)
//               at their own lengths, in batches of 256 sorted by length (what an import or a job does); ms per
//               1,000 molecules; and one molecule at a time (--single molecules), ms a molecule
// First reports how far B's mu is from A's (largest absolute difference) and how many greedy decodes of the two
// differ. Usage: node --import tsx models/runtime/ab-encoder.ts [--bundle DIR] [--rounds 7] [--n 1024] [--single 100]
// Prints one JSON line: per figure, A's and B's median and range over the rounds.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { abFigures } from '../bench/alternate.ts';
import { readSmiles } from '../train/smiles-data.ts';
import { loadBundle } from '../vae/bundle.ts';
import { greedyDecode } from './decode.ts';
import { referenceArchitecture } from './reference-architecture.ts';
import { VaeRuntime } from './vae-runtime.ts';

const data = path.resolve(import.meta.dirname, '../../../shared/data');
const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string', default: path.resolve(import.meta.dirname, '../../resources/models/zinc-chembl') },
    rounds: { type: 'string', default: '7' },
    n: { type: 'string', default: '1024' },
    single: { type: 'string', default: '100' },
    threads: { type: 'string', default: '2' },
  },
});
const rounds = Number(a.rounds), single = Number(a.single), threads = Number(a.threads);
const variants = { A: { threads, steppedEncoder: false }, B: { threads, steppedEncoder: true } };

const { model: refModel, padTo: T, batch: BI, sequences } = referenceArchitecture();
const padded = sequences.slice(0, BI).map((s) => Int32Array.from({ length: T }, (_, i) => (i < s.length ? (s[i] > 2 ? s[i] + 1 : s[i]) : 0)));
const refRt = { A: await VaeRuntime.create(refModel, variants.A), B: await VaeRuntime.create(refModel, variants.B) };
const bundleRt = { A: (await loadBundle(a.bundle!, variants.A)).runtime, B: (await loadBundle(a.bundle!, variants.B)).runtime };
const smiles = [...readSmiles(path.join(data, 'zinc250k/test.smi.gz'), Number(a.n)), ...readSmiles(path.join(data, 'chembl31/test.smi.gz'), Number(a.n))];

// how far apart, and everything warmed up
const [ra, rb] = [await refRt.A.encodeIds(padded, BI), await refRt.B.encodeIds(padded, BI)];
const [ea, eb] = [await bundleRt.A.encode(smiles), await bundleRt.B.encode(smiles)];
const maxDiff = (x: Float32Array, y: Float32Array) => x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
const rows = ea.rows.length;
const [da, db] = [await greedyDecode(bundleRt.A, ea.mu, rows), await greedyDecode(bundleRt.A, eb.mu, rows)];
for (const rt of Object.values(bundleRt)) await rt.encode(smiles.slice(0, 1));

const loadBefore = os.loadavg()[0];
const t: Record<string, Record<'A' | 'B', number[]>> = {};
const record = (figure: string, k: 'A' | 'B', x: number) => ((t[figure] ??= { A: [], B: [] })[k].push(x));
for (let r = 0; r < rounds; r++)
  for (const k of r % 2 ? (['B', 'A'] as const) : (['A', 'B'] as const)) {
    let t0 = performance.now();
    await refRt[k].encodeIds(padded, BI);
    record('reference batch 256 padded to pad_to, ms a batch', k, performance.now() - t0);
    t0 = performance.now();
    await bundleRt[k].encode(smiles);
    record('bundle ZINC + ChEMBL test, ms per 1,000 molecules', k, ((performance.now() - t0) / smiles.length) * 1000);
    t0 = performance.now();
    for (let i = 0; i < single; i++) await bundleRt[k].encode([smiles[i]]);
    record('bundle one molecule, ms a molecule', k, (performance.now() - t0) / single);
  }
for (const rt of [...Object.values(refRt), ...Object.values(bundleRt)]) await rt.release();

const figures = abFigures(t, ['A_exported', 'B_stepped'], 'A_over_B');
console.log(JSON.stringify({
  bundle: path.basename(a.bundle!), threads, rounds, molecules: smiles.length, single,
  mu_max_abs_difference: { reference: maxDiff(ra.mu, rb.mu), bundle: maxDiff(ea.mu, eb.mu) },
  greedy_decodes_differing: `${da.filter((d, i) => d.smiles !== db[i].smiles).length} of ${rows}`,
  ...figures, load_average_1m: { before: loadBefore, after: os.loadavg()[0] },
}));

