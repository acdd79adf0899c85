import { describe, expect, it } from 'vitest';
import { ModelName } from '../../../main/api/contract.ts';
import { modelNameProblem } from './model-name.ts';

describe('modelNameProblem', () => {
  it("agrees with the contract's ModelName on every kind of name", () => {
    const names = ['series ft', 'A', '9lives', 'ft_v2.1-b', '', ' lead', '-x', '.hidden', 'a/b', 'a\\b', 'ünïcode', 'a..b', 'model.run', 'model.runs', 'x'.repeat(80), 'x'.repeat(81), 'tab\there', 'série'];
    for (const name of names) expect(modelNameProblem(name) === null, name).toBe(ModelName.safeParse(name).success);
  });
});
