import { describe, expect, it } from 'vitest';
import { formatDelta, formatValue, propertyLabel } from './design-format.ts';

describe('design formats', () => {
  it('labels properties from the panel definitions, user columns by name', () => {
    expect(propertyLabel('clogp')).toBe('cLogP');
    expect(propertyLabel('user:IC50')).toBe('IC50');
    expect(propertyLabel('unknown_thing')).toBe('unknown_thing');
  });

  it('writes values to their precision and deltas with a sign, nothing for no change', () => {
    expect(formatValue('qed', 0.51234)).toBe('0.512');
    expect(formatValue('hbd', 2)).toBe('2');
    expect(formatValue('mol_wt', null)).toBe('–');
    expect(formatDelta('clogp', 0.4243)).toBe('+0.42');
    expect(formatDelta('clogp', -1.3)).toBe('−1.30');
    expect(formatDelta('clogp', 0.001)).toBe('');
    expect(formatDelta('hbd', -1)).toBe('−1');
    expect(formatDelta('hbd', undefined)).toBe('');
  });

  it("writes the active model's confidence as the table does: fit to 3 decimals, held as yes / no", () => {
    expect(formatValue('model:fit', 0.41251)).toBe('0.413');
    expect(formatValue('model:held', 1)).toBe('yes');
    expect(formatValue('model:held', 0)).toBe('no');
    expect(formatValue('model:fit', null)).toBe('–');
    expect(propertyLabel('model:fit')).toBe('Model fit (−ELBO/token)');
  });
});
