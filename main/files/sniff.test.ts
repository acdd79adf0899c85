// Format sniffing: extension first (after .gz), content when the extension says nothing, and the
// delimiter of a table from its first lines.
import { describe, expect, it } from 'vitest';
import { detectDelimiter, formatExtension, looksBinary, sniffFormat } from './sniff.ts';

const b = (s: string) => Buffer.from(s);

describe('sniff', () => {
  it('reads the extension under .gz, case-insensitively', () => {
    expect(['a.sdf.gz', 'A.CSV', 'dir.v2/x.smi', 'noext', 'x.tsv.GZ'].map(formatExtension)).toEqual(['sdf', 'csv', 'smi', '', 'tsv']);
  });

  it('detects comma, tab, semicolon and pipe, ignoring delimiters inside quotes', () => {
    expect(detectDelimiter(['a,b,c', '1,2,3'])).toBe(',');
    expect(detectDelimiter(['a\tb', '1\t2'])).toBe('\t');
    expect(detectDelimiter(['name;value', '"x,y";1,5', 'z;2'])).toBe(';');
    expect(detectDelimiter(['a|b|c', '1|2|3'])).toBe('|');
    expect(detectDelimiter(['CCO', 'CCN'])).toBeNull();
  });

  it('picks the reader by extension, by content otherwise', () => {
    expect(sniffFormat('x.smi', b('CCO a\n'))).toEqual({ format: 'smiles' });
    expect(sniffFormat('x.smi', b('SMILES,Name\nCCO,ethanol\n'))).toEqual({ format: 'csv', delimiter: ',' });
    expect(sniffFormat('x.smi', b('CCO ethanol, absolute\nCCN amine\n'))).toEqual({ format: 'smiles' });
    expect(sniffFormat('x.tsv', b('a\tb\n1\t2\n'))).toEqual({ format: 'csv', delimiter: '\t' });
    expect(sniffFormat('x.csv', b('a;b\n1;2\n'))).toEqual({ format: 'csv', delimiter: ';' });
    expect(sniffFormat('x.txt', b('\n  RDKit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n'))).toEqual({ format: 'sdf' });
    expect(sniffFormat('x', b('smiles,name\nCCO,e\n'))).toEqual({ format: 'csv', delimiter: ',' });
    expect(sniffFormat('x', b('CCO\tethanol\nCCN\tamine\n'))).toEqual({ format: 'smiles' });
    expect(sniffFormat('x', b('smiles\tid\tpIC50\nCCO\te\t5\n'))).toEqual({ format: 'csv', delimiter: '\t' });
    expect(sniffFormat('x', b('CCO\nc1ccccc1\n'))).toEqual({ format: 'smiles' });
  });

  it('recognises what no reader handles', () => {
    expect(sniffFormat('book.xlsx', b('PK\u0003\u0004...')).format).toBe('unsupported');
    expect(sniffFormat('x.mol2', b('@<TRIPOS>MOLECULE\n')).format).toBe('unsupported');
    expect(looksBinary(Buffer.from([0x41, 0x00, 0x42]))).toBe(true);
    expect(looksBinary(b('CCO é\n'))).toBe(false);
  });
});
