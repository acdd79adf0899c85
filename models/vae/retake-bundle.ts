// Re-takes a shipped bundle from a fine-tune that started from it (`molscape train --from BUNDLE ... --out RUN`):
//   node --import tsx models/vae/retake-bundle.ts resources/models/zinc-chembl /path/to/RUN
// RUN's files replace the bundle's; the manifest is RUN's with the bundle's history kept: its base model (and the
// tokens that base gained), its earlier curve points, and its steps, which RUN's steps are counted on from. Its
// report card (beside the manifest) no longer matches and must be measured again (`molscape evaluate
// --report-card --save-card`).
import fs from 'node:fs';
import path from 'node:path';
import { verifyBundle } from './bundle.ts';

const [dst, src] = process.argv.slice(2);
if (!dst || !src) throw new Error('usage: retake-bundle.ts BUNDLE RUN_BUNDLE');
const old = verifyBundle(dst).manifest;
const neu = verifyBundle(src).manifest;
if (neu.base?.sha256 && neu.base.name !== old.name) throw new Error(`${src} was not fine-tuned from ${old.name} but from ${neu.base.name}`);
for (const f of Object.keys(neu.files)) fs.copyFileSync(path.join(src, f), path.join(dst, f));
const offset = old.training.steps;
const curves = (neu.training.curves as { step: number }[]).map((c) => ({ ...c, step: c.step + offset }));
const merged = {
  ...neu,
  name: old.name,
  training: { ...neu.training, steps: offset + neu.training.steps, curves: [...old.training.curves, ...curves] },
  ...(old.base ? { base: old.base } : {}),
};
fs.writeFileSync(path.join(dst, 'manifest.json'), JSON.stringify(merged, null, 1));
verifyBundle(dst);
console.log(`${dst}: steps ${offset} -> ${merged.training.steps}; base ${merged.base?.name ?? 'none'}; measure its report card again`);
