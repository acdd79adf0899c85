import { describe, expect, it } from 'vitest';
import { PROPERTY_DEFS } from '../../../main/api/properties.ts';
import { molecule } from '../test-support/memory-core.ts';
import { columnsFor, DEFAULT_PROPERTIES, formatProperty, minTableWidth, userValue } from './columns.ts';

const def = (key: string) => PROPERTY_DEFS.find((d) => d.key === key)!;

describe('userValue', () => {
  it('writes file values as read: whole numbers as they are, others to 2 decimals', () => {
    expect(userValue(8)).toBe('8');
    expect(userValue(7.23456)).toBe('7.23');
    expect(userValue('active')).toBe('active');
    expect(userValue(true)).toBe('yes');
    expect(userValue(null)).toBe('');
    expect(userValue(undefined)).toBe('');
  });
});

describe('columns', () => {
  it('shows the five basics by default, in the panel order, after the fixed columns', () => {
    const ids = columnsFor(DEFAULT_PROPERTIES, []).map((c) => c.id);
    expect(ids).toEqual(['position', 'structure', 'name', 'smiles', 'mol_wt', 'clogp', 'tpsa', 'hbd', 'hba']);
  });

  it('puts chosen properties in the panel order whatever order they were picked in, then the file columns', () => {
    const ids = columnsFor(['qed', 'mol_wt', 'pains'], ['pIC50']).map((c) => c.id);
    expect(ids.slice(4)).toEqual(['mol_wt', 'qed', 'pains', 'user:pIC50']);
  });

  it('ignores a property name the panel does not know', () => {
    expect(columnsFor(['no_such_thing'], []).map((c) => c.id)).toHaveLength(4);
  });

  it('writes each kind of property as a chemist reads it', () => {
    expect(formatProperty(def('exact_mw'), 180.06338)).toBe('180.0634');
    expect(formatProperty(def('qed'), 0.55123)).toBe('0.551');
    expect(formatProperty(def('tpsa'), 63.6)).toBe('63.60');
    expect(formatProperty(def('hbd'), 2)).toBe('2');
    expect(formatProperty(def('veber_pass'), true)).toBe('yes');
    expect(formatProperty(def('veber_pass'), false)).toBe('no');
    expect(formatProperty(def('pains'), 'ene_rhod_A')).toBe('ene_rhod_A');
    expect(formatProperty(def('mol_wt'), null)).toBe('');
  });

  it('reads each shown cell from the row', () => {
    const row = { ...molecule(1, 3, true), props: { ...molecule(1, 3, true).props, qed: 0.5, veber_pass: true } };
    const cells = columnsFor(['qed', 'veber_pass'], []).filter((c) => c.value).map((c) => c.value!(row));
    expect(cells).toEqual(['3', row.name, row.canonicalSmiles, '0.500', 'yes']);
  });

  it('asks for more room as columns are added', () => {
    const few = minTableWidth(columnsFor(DEFAULT_PROPERTIES, []));
    const more = minTableWidth(columnsFor([...DEFAULT_PROPERTIES, 'qed', 'sa'], ['pIC50']));
    expect(more).toBeGreaterThan(few);
  });
});
