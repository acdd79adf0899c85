// Inference speed of a model bundle: encode molecules/s (batch 256), greedy-decode molecules/s (batch 256,
// from the encoded means) and single-molecule greedy decode latency p50/p95 (what a slider needs). Prints one
// JSON line. Usage: node --import tsx models/runtime/bench.ts --bundle DIR [--threads 2] [--n 1024]
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readSmiles } from '../train/smiles-data.ts';
import { loadBundle } from '../vae/bundle.ts';
import { greedyDecode } from './decode.ts';

const { values: a } = parseArgs({
  options: {
    bundle: { type: 'string' },
    threads: { type: 'string', default: '2' },
    n: { type: 'string', default: '1024' },
    data: { type: 'string', default: path.resolve(import.meta.dirname, '../../../shared/data/zinc250k/test.smi.gz') },
  },
});
if (!a.bundle) {
  console.error('bench: --bundle DIR is required');
  process.exit(2);
}
const b = await loadBundle(a.bundle, { threads: Number(a.threads) });
const rt = b.runtime, L = rt.latent;
const smiles = readSmiles(a.data!, Number(a.n));
const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

await rt.encode(smiles.slice(0, 256)); // warm-up
let t = performance.now();
const enc = await rt.encode(smiles, 256);
const encodeSec = (performance.now() - t) / 1000;

t = performance.now();
let ended = 0;
for (let s = 0; s < enc.rows.length; s += 256) {
  const rows = Math.min(256, enc.rows.length - s);
  const out = await greedyDecode(rt, enc.mu.subarray(s * L, (s + rows) * L), rows);
  ended += out.filter((d) => d.ended).length;
}
const decodeSec = (performance.now() - t) / 1000;

const single: number[] = [];
for (let i = 0; i < 100; i++) {
  const t0 = performance.now();
  await greedyDecode(rt, enc.mu.subarray(i * L, (i + 1) * L), 1);
  single.push(performance.now() - t0);
}
console.log(JSON.stringify({
  bundle: b.manifest.name, version: b.manifest.version, threads: Number(a.threads), molecules: enc.rows.length,
  encode_molecules_per_s: Math.round(enc.rows.length / encodeSec),
  greedy_decode_molecules_per_s: Math.round(enc.rows.length / decodeSec),
  greedy_decodes_ended: ended,
  single_decode_ms_p50: Number(pct(single, 0.5).toFixed(2)),
  single_decode_ms_p95: Number(pct(single, 0.95).toFixed(2)),
}));
await rt.release();
