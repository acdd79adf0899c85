import { describe, expect, it } from 'vitest';
import { PROPERTY_DEFS } from '../../../main/api/properties.ts';
import { molecule } from '../test-support/memory-core.ts';
import { columnsFor, DEFAULT_PROPERTIES, formatProperty, minTableWidth, nameColumnOf, userValue, type ColumnType } from './columns.ts';

const typed = (key: string, type: ColumnType['type'], decimals = 0): ColumnType => ({ key: `user:${key}`, type, count: 10, missing: 0, distinct: 10, decimals });

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

  it("writes a typed column to the column's own decimals, never float noise, and 0/1 flags as such", () => {
    const mw = typed('mw', 'number', 3);
    expect(userValue(276.42400000000004, mw)).toBe('276.424');
    expect(userValue(46, mw)).toBe('46.000');
    expect(userValue(1, typed('active', 'boolean'))).toBe('1');
    expect(userValue(12, typed('n', 'integer'))).toBe('12');
    expect(userValue('>10', mw)).toBe('>10');
  });
});

describe('the name column', () => {
  it("takes an IUPAC-like file column as the name when there is no name", () => {
    expect(nameColumnOf(['pIC50', 'iupac'])).toBe('iupac');
    expect(nameColumnOf(['IUPAC Name', 'x'])).toBe('IUPAC Name');
    expect(nameColumnOf(['preferred_name'])).toBe('preferred_name');
    expect(nameColumnOf(['pIC50', 'series'])).toBeNull();
    const row = { ...molecule(1, 1, true), name: null, userProps: { iupac: 'benzene', pIC50: 5 } };
    const cols = columnsFor([], ['iupac', 'pIC50'], { nameFrom: 'iupac' });
    expect(cols.find((c) => c.id === 'name')!.value!(row)).toBe('benzene');
    // the IUPAC column is the name now, not a column of its own as well
    expect(cols.map((c) => c.id)).not.toContain('user:iupac');
  });
});

describe('columns', () => {
  it('shows the basics and QED, SA and PAINS by default, in the panel order, after the fixed columns (SMILES when asked)', () => {
    const ids = columnsFor(DEFAULT_PROPERTIES, []).map((c) => c.id);
    expect(ids).toEqual(['position', 'structure', 'name', 'mol_wt', 'clogp', 'tpsa', 'hbd', 'hba', 'qed', 'sa', 'pains_count']);
    expect(columnsFor([], [], { smiles: true }).map((c) => c.id)).toEqual(['position', 'structure', 'name', 'smiles']);
    expect(columnsFor([], [], { density: 'text' }).map((c) => c.id)).toEqual(['position', 'name']);
  });

  it('freezes #, structure and name at the left, one after the other', () => {
    const cols = columnsFor(DEFAULT_PROPERTIES, ['pIC50'], { density: 'compact' });
    expect(cols.filter((c) => c.frozenAt !== undefined).map((c) => [c.id, c.frozenAt])).toEqual([
      ['position', 0],
      ['structure', 56],
      ['name', 56 + 90],
    ]);
  });

  it('aligns a file column by its type, whatever the first row holds', () => {
    const [num, flag, cat] = [typed('pIC50', 'number', 2), typed('active', 'boolean'), typed('series', 'category')];
    const types = new Map([num, flag, cat].map((t) => [t.key, t]));
    const cols = columnsFor([], ['pIC50', 'active', 'series'], { types });
    expect(cols.slice(-3).map((c) => [c.id, c.align])).toEqual([
      ['user:pIC50', 'right'],
      ['user:active', 'center'],
      ['user:series', 'left'],
    ]);
  });

  it('puts chosen properties in the panel order whatever order they were picked in, then the file columns', () => {
    const ids = columnsFor(['qed', 'mol_wt', 'pains'], ['pIC50']).map((c) => c.id);
    expect(ids.slice(3)).toEqual(['mol_wt', 'qed', 'pains', 'user:pIC50']);
  });

  it('ignores a property name the panel does not know', () => {
    expect(columnsFor(['no_such_thing'], []).map((c) => c.id)).toHaveLength(3);
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
    const cells = columnsFor(['qed', 'veber_pass'], [], { smiles: true }).filter((c) => c.value).map((c) => c.value!(row));
    expect(cells).toEqual(['3', row.name, row.canonicalSmiles, '0.500', 'yes']);
  });

  it('asks for more room as columns are added', () => {
    const few = minTableWidth(columnsFor(DEFAULT_PROPERTIES, []));
    const more = minTableWidth(columnsFor([...DEFAULT_PROPERTIES, 'qed', 'sa'], ['pIC50']));
    expect(more).toBeGreaterThan(few);
  });
});

describe("a candidate list's columns", () => {
  it('puts the rating and a wide note beside the name, before the properties', () => {
    const cols = columnsFor(['mol_wt'], ['rating', 'note', 'operation', 'pIC50'], { list: true });
    expect(cols.map((c) => c.id)).toEqual(['position', 'structure', 'name', 'user:rating', 'user:note', 'mol_wt', 'user:operation', 'user:pIC50']);
    expect(cols.find((c) => c.id === 'user:note')!.minWidth).toBeGreaterThanOrEqual(240);
  });
});
