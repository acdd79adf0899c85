// The doctor on a file made to hold one of each problem, read with the real reader, RDKit and the shipped
// model's vocabulary.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../models/vae/bundle.ts';
import { Vocabulary } from '../../models/vae/tokenizer.ts';
import { loadRDKit } from '../chem/rdkit.ts';
import { tempDir } from '../store/test-util.ts';
import { TRAIN_TOKENS_PER_SECOND, doctor } from './doctor.ts';
import { defaultModelDir } from './model-path.ts';
import { readMoleculeFile } from './molecule-input.ts';

const tmp = tempDir('molscape-doctor-');
const lines = [
  'CCO ethanol',
  'OCC ethanol-again',
  'CC(=O)[O-].[Na+] sodium-acetate',
  'C[Xe]C xenon',
  '',
  'C1CC open-ring',
  'not_smiles junk',
  `${'C'.repeat(150)} long`,
  'c1ccccc1 benzene',
];

beforeAll(async () => {
  await loadRDKit();
  fs.writeFileSync(tmp.file('data.smi'), lines.join('\n') + '\n');
});
afterAll(() => tmp.remove());

describe('doctor', () => {
  it('finds unknown tokens, mixtures, duplicates, invalid SMILES and long molecules, with their lines', () => {
    const { manifest } = verifyBundle(defaultModelDir());
    const vocab = Vocabulary.fromJSON(manifest.vocabulary);
    const mols = readMoleculeFile(tmp.file('data.smi'));
    const r = doctor(mols, { vocabulary: vocab, modelName: 'zinc250k', maxLength: manifest.architecture.maxLength });
    expect(r.molecules).toBe(8);
    const lineOf = (name: string) => lines.findIndex((l) => l.endsWith(` ${name}`)) + 1;
    expect(r.outOfVocabulary!.examples.map((e) => [e.line, e.token])).toContainEqual([lineOf('xenon'), '[Xe]']);
    expect(r.outOfVocabulary!.tokens.map((t) => t.token)).toContain('[Xe]');
    expect(r.mixtures.examples.map((e) => e.line)).toEqual([lineOf('sodium-acetate')]);
    expect(r.duplicates.examples).toEqual([expect.objectContaining({ line: lineOf('ethanol-again'), firstLine: lineOf('ethanol') })]);
    expect(r.invalid.examples.map((e) => e.line).sort()).toEqual([lineOf('open-ring'), lineOf('junk')].sort());
    expect(r.lengths.tooLong.map((e) => e.line)).toEqual([lineOf('long')]);
    expect(r.lengths.max).toBe(152);
    expect(r.trainingEstimate.secondsPerEpoch).toBeCloseTo(r.trainingEstimate.tokens / TRAIN_TOKENS_PER_SECOND, 9);
  });

  it('without a model there is no vocabulary check', () => {
    const r = doctor(readMoleculeFile(tmp.file('data.smi')));
    expect(r.outOfVocabulary).toBeNull();
    expect(r.vocabulary.tokens.find((t) => t.token === '[Xe]')?.count).toBe(1);
  });
});
