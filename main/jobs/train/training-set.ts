// Adds the training molecules' membership index (models/vae/training-set.ts) to a bundle, canonicalized by the
// same RDKit the app uses to canonicalize what it designs, so "in the training set" compares like with like.
// Run after a bundle is written (the train job does), or by hand on a shipped bundle with add-training-set.ts.
import { addBundleFile } from '../../../models/vae/bundle.ts';
import { readSmilesFile } from '../../../models/vae/data.ts';
import { TRAINING_SET_FILE, encodeTrainingSet } from '../../../models/vae/training-set.ts';
import { loadRDKit } from '../../chem/rdkit.ts';
import { canonicalSmiles } from '../../design/canonical.ts';

/** Canonicalizes every molecule of the training file and writes training_set.bin into the bundle. */
export async function addTrainingSet(bundleDir: string, trainFile: string): Promise<{ molecules: number; unparsed: number }> {
  await loadRDKit();
  const { smiles } = readSmilesFile(trainFile);
  const canon: string[] = [];
  for (const s of smiles) {
    const c = canonicalSmiles(s);
    if (c) canon.push(c);
  }
  addBundleFile(bundleDir, TRAINING_SET_FILE, encodeTrainingSet(canon));
  return { molecules: canon.length, unparsed: smiles.length - canon.length };
}
