// The property table a training run needs (clogp, qed, sa per SMILES, TSV as models/vae/data.ts reads it),
// computed with main/chem on the chemistry threads (both cores), in batches, so a long table shows progress
// and can be cancelled. A molecule RDKit cannot read gets empty cells (its properties are masked in training).
import fs from 'node:fs';
import { ChemPool } from '../import/chem-pool.ts';

export const TRAIN_PROPERTIES = ['clogp', 'qed', 'sa'] as const;
const BATCH = 500;

export async function writePropertyTable(
  smiles: readonly string[], file: string, o: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; threads?: number } = {},
): Promise<void> {
  const pool = new ChemPool(o.threads);
  const rows = [['smiles', ...TRAIN_PROPERTIES].join('\t')];
  try {
    const batches: string[][] = [];
    for (let i = 0; i < smiles.length; i += BATCH) batches.push(smiles.slice(i, i + BATCH) as string[]);
    // two batches in flight per thread keep both cores busy
    const inFlight: { batch: string[]; result: ReturnType<ChemPool['properties']> }[] = [];
    let next = 0, done = 0;
    const fill = () => {
      while (next < batches.length && inFlight.length < pool.size * 2) inFlight.push({ batch: batches[next], result: pool.properties(batches[next++]) });
    };
    fill();
    while (inFlight.length) {
      if (o.signal?.aborted) throw new Error('cancelled while computing properties');
      const { batch, result } = inFlight.shift()!;
      const { props } = await result;
      batch.forEach((s, i) => {
        const p = props[i];
        const cell = (k: string) => (p && typeof p[k] === 'number' && Number.isFinite(p[k]) ? (p[k] as number).toFixed(4) : '');
        rows.push([s, ...TRAIN_PROPERTIES.map(cell)].join('\t'));
      });
      done += batch.length;
      o.onProgress?.(done, smiles.length);
      fill();
    }
  } finally {
    await pool.close();
  }
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, rows.join('\n') + '\n');
  fs.renameSync(tmp, file);
}
