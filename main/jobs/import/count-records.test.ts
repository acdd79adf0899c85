import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../store/test-util.ts';
import { countRecords } from './count-records.ts';

describe('countRecords', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('counts non-blank, non-comment lines, gzip or not, with or without a final newline', async () => {
    const text = '# a comment\nCCO a\n\n   \nc1ccccc1 b\r\nCCN';
    writeFileSync(tmp.file('a.smi'), text);
    writeFileSync(tmp.file('a.smi.gz'), gzipSync(text));
    expect(await countRecords(tmp.file('a.smi'))).toBe(3);
    expect(await countRecords(tmp.file('a.smi.gz'))).toBe(3);
  });

  it('counts the records of an SD file by their $$$$ lines', async () => {
    const record = 'name\n  RDKit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0    0.0    0.0 C   0  0\nM  END\n> <p>\n1\n\n$$$$\r\n';
    writeFileSync(tmp.file('b.sdf'), record.repeat(7));
    expect(await countRecords(tmp.file('b.sdf'))).toBe(7);
  });

  it('counts an SD file without $$$$ by its M  END lines, and reads a gzip whose checksum is wrong', async () => {
    const record = 'name\n  RDKit\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0    0.0    0.0 C   0  0\nM  END\n> <p>\n1\n\n';
    writeFileSync(tmp.file('c.sdf'), record.repeat(5));
    expect(await countRecords(tmp.file('c.sdf'))).toBe(5);
    const gz = gzipSync('CCO\nCCN\nCCC\n');
    gz[gz.length - 8] ^= 0xff;
    writeFileSync(tmp.file('crc.smi.gz'), gz);
    expect(await countRecords(tmp.file('crc.smi.gz'))).toBe(3);
  });
});
