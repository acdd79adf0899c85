import { describe, expect, it } from 'vitest';
import { defaultObjective, isLearned, objectiveSpec, objectiveText, optimizeLabel, settingProblems, specGoal, specName, windowSpec } from './optimize-spec.ts';

describe('optimize settings as the core takes them', () => {
  it('writes objectives and windows in the CLI / contract syntax', () => {
    expect(objectiveSpec(defaultObjective('qed'))).toBe('qed:max');
    expect(objectiveSpec(defaultObjective('sa'))).toBe('sa:min');
    expect(objectiveSpec(defaultObjective('clogp'))).toBe('clogp:target=2.5:window=0.5');
    expect(objectiveSpec({ property: 'tpsa', goal: 'target', target: 80, window: 0, weight: 2 })).toBe('tpsa:target=80:weight=2');
    expect(objectiveSpec({ property: 'mw', goal: 'min', target: 0, window: 0, weight: 0.1 + 0.2 })).toBe('mw:min:weight=0.3');
    expect(windowSpec({ property: 'mw', min: null, max: 450 })).toBe('mw<=450');
    expect(windowSpec({ property: 'clogp', min: 1, max: 3 })).toBe('clogp=1..3');
    expect(windowSpec({ property: 'hbd', min: 1, max: null })).toBe('hbd>=1');
    expect(windowSpec({ property: 'hbd', min: null, max: null })).toBeNull();
    expect(objectiveText(defaultObjective('clogp'))).toBe('cLogP → 2.5 ± 0.5');
  });

  it('names each mistake before anything is sent', () => {
    const qed = defaultObjective('qed');
    expect(settingProblems([qed], [], 'gradient', false)).toEqual([]);
    expect(settingProblems([], [], 'gradient', false)).toEqual(['Add an objective: what should get better?']);
    expect(settingProblems([qed, defaultObjective('tpsa')], [], 'gradient', false)).toEqual([
      "The gradient method climbs the model's property head, which predicts cLogP, QED and SA only: TPSA needs CMA-ES.",
    ]);
    expect(settingProblems([qed, defaultObjective('tpsa')], [], 'cmaes', false)).toEqual([]);
    expect(settingProblems([qed, qed], [], 'gradient', false)).toContain('QED is an objective twice: give it one goal.');
    expect(settingProblems([qed], [], 'gradient', true)).toEqual(['A Pareto front needs two or three objectives.']);
    expect(settingProblems([{ ...qed, weight: 0 }], [], 'gradient', false)).toEqual(['The weight of QED must be a number above 0.']);
    expect(settingProblems([qed], [{ property: 'mw', min: 500, max: 300 }], 'gradient', false)).toEqual(["The MW window's lower bound is above its upper bound."]);
    expect(settingProblems([qed], [{ property: 'mw', min: null, max: null }], 'gradient', false)).toEqual(['The MW window needs a lower or an upper bound.']);
  });
});

describe('learned objectives in specs', () => {
  it('keeps a measured column whole in its name, and reads its goal after it', () => {
    expect(specName('user:IC50 nM:min')).toBe('user:IC50 nM');
    expect(specGoal('user:IC50 nM:min')).toBe('min');
    expect(specName('qed:max')).toBe('qed');
    expect(specGoal('clogp:target=2.5:window=0.5')).toBe('target=2.5');
    expect(isLearned('taste')).toBe(true);
    expect(isLearned('user:pIC50')).toBe(true);
    expect(isLearned('qed')).toBe(false);
    expect(optimizeLabel('user:pIC50')).toBe('pIC50 (learned)');
    expect(objectiveSpec({ ...defaultObjective('user:pIC50'), goal: 'target', target: 7, window: 0.5 })).toBe('user:pIC50:target=7:window=0.5');
  });
});
