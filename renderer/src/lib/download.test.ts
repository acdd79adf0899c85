import { describe, expect, it } from 'vitest';
import { fromBase64, safeFileName } from './download.ts';

describe('download helpers', () => {
  it('decodes base64 to the exact bytes, UTF-8 included', () => {
    const text = 'smiles,name\nc1ccccc1,benzène Å²\n';
    const base64 = btoa(String.fromCharCode(...new TextEncoder().encode(text)));
    expect(new TextDecoder().decode(fromBase64(base64))).toBe(text);
    expect(fromBase64('')).toHaveLength(0);
  });

  it('makes a file name every system accepts from a collection name', () => {
    expect(safeFileName('esol (filtered) / clogp<3', 'csv')).toBe('esol_filtered_clogp_3.csv');
    expect(safeFileName('...', 'sdf')).toBe('molecules.sdf');
    expect(safeFileName('nci-200.props', 'smi')).toBe('nci-200.props.smi');
  });
});
