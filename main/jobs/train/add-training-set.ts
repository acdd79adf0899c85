// Adds training_set.bin to an existing bundle (the shipped one was written by models/vae/train-zinc.ts, which
// cannot use RDKit from main/):  node --import tsx main/jobs/train/add-training-set.ts BUNDLE_DIR TRAIN_FILE
// A script of its own because the train job's bundled worker cannot hold a top-level await.
import { TRAINING_SET_FILE } from '../../../models/vae/training-set.ts';
import { addTrainingSet } from './training-set.ts';

const [bundle, data] = process.argv.slice(2);
if (!bundle || !data) {
  console.error('usage: node --import tsx main/jobs/train/add-training-set.ts BUNDLE_DIR TRAIN_FILE');
  process.exit(2);
}
const r = await addTrainingSet(bundle, data);
console.log(`${TRAINING_SET_FILE}: ${r.molecules} molecules${r.unparsed ? `, ${r.unparsed} RDKit could not parse (left out)` : ''}`);
