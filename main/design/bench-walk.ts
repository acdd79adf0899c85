// npm run bench:walk [-- --moves N --seed SMILES --model BUNDLE] — how long one slider move takes in the core:
// latent.walk with a drawing (300×220), the seed already cached (as while a chemist drags a slider), over a
// drag back and forth along the first principal axis and the property directions. Also times the parts of a
// move (the valid-first decode alone; RDKit: panel, fingerprint, changed atoms and drawing) on the same points.
// Prints one JSON object: milliseconds p50 / p95 / max per move, the machine's load, and what was measured.
// --gap MS waits that long between moves (a page drawing the answer; 16 = one frame): the core decodes the
// drag's next position ahead meanwhile (walk-speculation.ts). The decode alone is timed in a second pass over
// the same points, so the speculation cannot run beside it.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { calls } from '../api/contract.ts';
import { designHandlers } from './handlers.ts';

const { values: opt } = parseArgs({ options: { moves: { type: 'string', default: '100' }, seed: { type: 'string', default: 'CC(=O)Nc1ccc(O)cc1' }, model: { type: 'string' }, gap: { type: 'string', default: '0' } } });
const moves = Number(opt.moves);
const gap = Number(opt.gap);
const design = designHandlers();
const walk = design.handlers['latent.walk'];
const model = await design.model(opt.model);
const { directions } = await design.handlers['latent.directions'](calls['latent.directions'].args.parse({ model: opt.model, axes: 2 }));
const names = ['pc1', ...directions.filter((d) => d.kind === 'property' && d.name.endsWith('+')).map((d) => d.name)];
const draw = { width: 300, height: 220 };

/** The i-th move: a triangle wave from −2 to +2 units, switching direction every 25 moves. */
const offsetsAt = (i: number) => {
  const phase = (i % 25) / 24;
  return [{ direction: names[Math.floor(i / 25) % names.length], amount: Number((-2 + 4 * phase).toFixed(3)) }];
};
const args = (i: number) => calls['latent.walk'].args.parse({ seed: opt.seed, offsets: offsetsAt(i), model: opt.model, draw, randomSeed: 0 });

// warm-up: the seed's encoding and directions, RDKit's data tables, ONNX Runtime's first runs
for (let i = 0; i < 5; i++) await walk(args(i));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)].toFixed(1);
};
const summary = (xs: number[]) => ({ p50: pct(xs, 50), p95: pct(xs, 95), max: +Math.max(...xs).toFixed(1), mean: +(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1) });

const total: number[] = [], decode: number[] = [];
let valid = 0, tries = 0;
const distinct = new Set<string>();
const points: Float32Array[] = [];
for (let i = 0; i < moves; i++) {
  if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
  const t = performance.now();
  const r = await walk(args(i));
  total.push(performance.now() - t);
  if (r.molecule.valid) valid++;
  tries += r.molecule.tries;
  if (r.molecule.smiles) distinct.add(r.molecule.smiles);
  points.push(Float32Array.from(r.molecule.z));
}
await new Promise((resolve) => setTimeout(resolve, 500)); // the last speculation ends
// the decode alone at the same points and random seed
for (const z of points) {
  const t2 = performance.now();
  await model.decodeCounted(z, 1, { strategy: 'valid-first', seed: 0 });
  decode.push(performance.now() - t2);
}
await design.close();

console.log(JSON.stringify({
  bench: 'walk',
  what: 'latent.walk with a 300x220 drawing, seed cached, in-process (no transport)',
  model: model.name,
  seed: opt.seed,
  moves,
  gapMs: gap,
  moveMs: summary(total),
  decodeMs: summary(decode),
  restMs: summary(total.map((t, i) => Math.max(0, t - decode[i]))),
  valid,
  distinctMolecules: distinct.size,
  meanTries: +(tries / moves).toFixed(2),
  cpus: os.cpus().length,
  loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
}));
