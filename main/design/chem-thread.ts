// A worker thread with its own RDKit that makes the chemistry of decodes made ahead of a slider drag (the
// panel, similarity, changed atoms and drawing: chemPart). On the core's thread that work (~8 ms a molecule)
// would hold up a real slider move arriving meanwhile; here it runs beside it. One molecule per message.
import { parentPort } from 'node:worker_threads';
import { loadRDKit } from '../chem/rdkit.ts';
import { chemPart, seedChem } from './designed-molecule.ts';
import type { SeedChem } from './designed-molecule.ts';
import type { ChemAheadReply, ChemAheadTask } from './chem-ahead.ts';
import { Lru } from './lru.ts';

const seeds = new Lru<string, SeedChem | null>(16);

// RDKit and the property tables (SA fragments, PAINS, drawing code) load at once, and a few molecules get the
// WebAssembly past its first, slower compilation tier; then the core hears that the thread is ready: until
// then a real move makes its own chemistry rather than wait here
const WARM_UP = ['CC(=O)Nc1ccc(O)cc1', 'Cc1n[nH]cc1-c1ccccc1Oc1ccc(S(=O)(=O)Nc2nccs2)cc1C(N)=O', 'O=C(O)c1ccccc1OC(=O)C', 'CN1CCN(c2ccc(Cl)cc2)CC1', 'c1ccc2[nH]ccc2c1'];
void loadRDKit()
  .then(() => {
    const seed = seedChem('CC(=O)Nc1ccc(OC)cc1');
    for (let round = 0; round < 4; round++) for (const s of WARM_UP) chemPart(s, seed, { width: 340, height: 250 });
  })
  .then(() => parentPort!.postMessage({ ready: true } satisfies ChemAheadReply), () => {});

parentPort!.on('message', async (task: ChemAheadTask) => {
  let reply: ChemAheadReply;
  try {
    await loadRDKit();
    let seed: SeedChem | null | undefined = null;
    if (task.seed !== null) {
      seed = seeds.get(task.seed);
      if (seed === undefined) seeds.set(task.seed, (seed = seedChem(task.seed)));
      if (!seed) throw new Error(`RDKit cannot read the seed ${task.seed}`);
    }
    reply = { seq: task.seq, part: chemPart(task.smiles, seed, task.draw) };
  } catch (err) {
    // a bug or a toolkit that cannot load: this molecule is made on the core's thread instead
    reply = { seq: task.seq, error: (err as Error)?.message ?? String(err) };
  }
  parentPort!.postMessage(reply);
});
