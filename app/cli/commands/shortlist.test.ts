// molscape shortlist through the real CLI process, on the ChEMBL series imported into a real workspace: the
// same seed gives the same picks, the picks are more diverse than the series' first molecules, a substructure
// narrows the pool (SMARTS by default), and mistakes exit with a message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadRDKit, rdkit, withMol } from '../../../main/chem/rdkit.ts';
import { FP_WORDS, morganFingerprintOf } from '../../../main/chem/fingerprint.ts';
import { meanPairwiseTanimoto } from '../../../main/chem/diversity.ts';
import { cliRunner } from '../test-support.ts';

const SERIES = new URL('../../../../shared/data/samples/chembl2321810-series.smi', import.meta.url).pathname;
const { tmp, molscape } = cliRunner('molscape-cli-shortlist-');
const ws = () => tmp.file('ws.sqlite');
const picksOf = (stdout: string) => stdout.trim().split('\n').slice(1).map((line) => line.slice(line.lastIndexOf(',') + 1));

function meanTanimoto(smiles: string[]): number {
  const fps = new Uint32Array(smiles.length * FP_WORDS);
  smiles.forEach((s, i) => fps.set(morganFingerprintOf(s)!, i * FP_WORDS));
  return meanPairwiseTanimoto(fps, smiles.map((_, i) => i));
}

beforeAll(async () => {
  await loadRDKit();
  const run = await molscape('import', SERIES, '--workspace', ws(), '--name', 'series');
  expect(run.code, run.stderr).toBe(0);
}, 180_000);
afterAll(() => tmp.remove());

describe('molscape shortlist', () => {
  it('picks N diverse molecules into a candidate list, the same for the same seed', async () => {
    const a = await molscape('shortlist', '-w', ws(), '-c', 'series', '-n', '8', '--seed', '5');
    const b = await molscape('shortlist', '-w', ws(), '-c', 'series', '-n', '8', '--seed', '5', '--list', 'again');
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/kept 8 of \d+ molecules in the candidate list "series — diverse 8"/);
    const picks = picksOf(a.stdout);
    expect(picks).toHaveLength(8);
    expect(picksOf(b.stdout)).toEqual(picks);
    // the file's first 8 molecules, as a plain pick would take them, are more alike than the picks
    const first8 = readFileSync(SERIES, 'utf8').trim().split('\n').slice(0, 8).map((line) => line.split(/\s+/)[0]);
    expect(meanTanimoto(picks)).toBeLessThan(meanTanimoto(first8));
  }, 120_000);

  it('picks among the molecules holding a substructure', async () => {
    const run = await molscape('shortlist', '-w', ws(), '-c', 'series', '-n', '5', '-s', 'S(=O)(=O)N', '--list', 'sulfonamides');
    expect(run.code, run.stderr).toBe(0);
    const picks = picksOf(run.stdout);
    expect(picks).toHaveLength(5);
    const query = rdkit().get_qmol('S(=O)(=O)N')!;
    try {
      for (const s of picks) expect(withMol(s, (m) => m.get_substruct_match(query) !== '{}')).toBe(true);
    } finally {
      query.delete();
    }
  }, 60_000);

  it('names a query that does not parse and a bad --weight', async () => {
    const bad = await molscape('shortlist', '-w', ws(), '-c', 'series', '-n', '3', '-s', 'c1ccc(');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/Not a valid SMARTS query/);
    const weight = await molscape('shortlist', '-w', ws(), '-c', 'series', '--weight', 'qed');
    expect(weight.code).toBe(2);
    expect(weight.stderr).toMatch(/--weight takes KEY:max or KEY:min/);
  }, 60_000);
});
