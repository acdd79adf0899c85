// design.check and the optimize job's live reports ('optimize.progress'): molecules judged against a seed with
// the optimizer's own constraint code, drawn with the changed atoms; the reporter's best so far and front.
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../api/contract.ts';
import { calls } from '../../api/contract.ts';
import { loadRDKit } from '../../chem/rdkit.ts';
import { checkMolecules } from './check-handler.ts';
import type { Candidate, Evaluator } from './evaluator.ts';
import { parseObjective } from './objectives.ts';
import { OptimizeProgressReporter } from './optimize-progress.ts';

beforeAll(async () => {
  await loadRDKit();
});

const check = (a: unknown) => checkMolecules(calls['design.check'].args.parse(a));

describe('design.check', () => {
  it('judges each molecule against the seed: similarity, SMARTS kept, windows, PAINS, objective values, changed atoms', async () => {
    const r = await check({
      seed: 'CC(=O)Nc1ccc(O)cc1',
      smiles: ['CC(=O)Nc1ccc(OC)cc1', 'c1ccccc1', 'not a smiles', 'Oc1ccc(O)cc1N=Nc1ccccc1'],
      objectives: ['qed:max', 'mw:min'],
      constraints: { similarity: 0.4, keep: ['NC(=O)C'], windows: ['mw<=200'], noPains: true },
      draw: { width: 200, height: 150 },
    });
    expect(r.problem).toBeNull();
    const seed = r.seed!;
    expect(seed.smiles).toBe('CC(=O)Nc1ccc(O)cc1');
    expect(seed.keeps).toEqual([true]);
    expect(seed.values[0]).toBeCloseTo(0.595, 2);
    expect(seed.svg).toContain('<svg');
    const [ether, benzene, bad, azo] = r.molecules;
    expect(ether.keeps).toEqual([true]);
    expect(ether.violations).toEqual([]);
    expect(ether.changedAtoms.length).toBeGreaterThan(0);
    expect(ether.changedAtoms.length).toBeLessThan(6);
    expect(ether.svg).toContain('<svg');
    expect(benzene.violations.map((v) => v.code).sort()).toEqual(['similarity', 'substructure']);
    expect(bad.smiles).toBeNull();
    expect(bad.violations.map((v) => v.code)).toEqual(['invalid']);
    expect(azo.violations.map((v) => v.code)).toEqual(expect.arrayContaining(['window', 'pains', 'substructure']));
  });

  it('says what is wrong with a SMARTS, a window, an objective or the seed, as an answer', async () => {
    const problem = async (a: unknown) => (await check(a)).problem;
    expect(await problem({ seed: 'CCO', smiles: [], constraints: { keep: ['C(('] } })).toBe("'C((' is not a SMARTS RDKit can read");
    expect(await problem({ seed: 'CCO', smiles: [], constraints: { windows: ['mw<<3'] } })).toContain('NAME>=V');
    expect(await problem({ seed: 'CCO', smiles: [], objectives: ['colour:max'], constraints: {} })).toContain('colour');
    expect(await problem({ seed: 'C1CC', smiles: [], constraints: {} })).toBe("RDKit cannot read the seed 'C1CC'.");
    expect(await check({ seed: 'C1CC', smiles: ['CCO'], constraints: {} })).toMatchObject({ seed: null, molecules: [] });
    expect(await problem({ seed: 'CCO', smiles: [], constraints: { keep: ['[OX2H]'] } })).toBeNull();
  });
});

describe('OptimizeProgressReporter', () => {
  const cand = (smiles: string, values: number[], feasible = true): Candidate =>
    ({ smiles, raw: smiles, z: new Float32Array(), facts: null, values, utilities: values, score: values.reduce((s, v) => s + v, 0), violations: [], feasible, inTraining: false, inWorkspace: false, iteration: 0, decodes: 0 }) as Candidate;

  it('sends the best so far over the job and the current start’s front, and only what is new each time', () => {
    const sent: EventPayload<'optimize.progress'>[] = [];
    const r = new OptimizeProgressReporter({ jobId: 7, emit: (_e, p) => sent.push(p as EventPayload<'optimize.progress'>) }, 3, [parseObjective('qed:max'), parseObjective('sa:max')], 2, 100, 0);
    const ev = { archive: new Map<string, Candidate>() } as Evaluator;
    ev.archive.set('A', cand('A', [1, 0]));
    ev.archive.set('B', cand('B', [0, 1]));
    ev.archive.set('C', cand('C', [0.5, 0]));
    ev.archive.set('D', cand('D', [5, 5], false));
    r.report(0, 10, ev);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ jobId: 7, collectionId: 3, start: 0, starts: 2, decodes: 10, total: 100, valid: 4, feasible: 3, objectives: ['qed:max', 'sa:max'] });
    expect(sent[0].front.map((f) => f.smiles).sort()).toEqual(['A', 'B']);
    expect(sent[0].best).toMatchObject({ smiles: 'A', score: 1 });
    ev.archive.set('E', cand('E', [2, 2]));
    r.report(0, 20, ev);
    expect(sent[1].front.map((f) => f.smiles)).toEqual(['E']);
    expect(sent[1].best).toMatchObject({ smiles: 'E', score: 4, values: [2, 2] });
    // the next start: a front of its own, the job's best kept
    const ev2 = { archive: new Map<string, Candidate>([['F', cand('F', [0, 0.5])]]) } as Evaluator;
    r.report(1, 60, ev2);
    expect(sent[2]).toMatchObject({ start: 1, valid: 1, feasible: 1, best: { smiles: 'E' } });
    expect(sent[2].front.map((f) => f.smiles)).toEqual(['F']);
  });

  it('sends at most one report per interval, the latest when it is over', async () => {
    const sent: EventPayload<'optimize.progress'>[] = [];
    const r = new OptimizeProgressReporter({ jobId: 1, emit: (_e, p) => sent.push(p as EventPayload<'optimize.progress'>) }, 3, [parseObjective('qed:max')], 1, 100, 60);
    const ev = { archive: new Map<string, Candidate>() } as Evaluator;
    for (let d = 1; d <= 5; d++) r.report(0, d, ev);
    expect(sent.map((s) => s.decodes)).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(sent.map((s) => s.decodes)).toEqual([1, 5]);
    r.report(0, 6, ev);
    r.flush();
    expect(sent.map((s) => s.decodes)).toEqual([1, 5, 6]);
  });
});
