// The dispatcher and the SMILES reader on real files: the shared samples, gzip, and hand-made bad input.
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collect } from './collect.ts';
import { readMoleculeFile } from './read.ts';
import type { ReadItem, SourceProblem, SourceRecord } from './types.ts';

export const SAMPLES = join(import.meta.dirname, '../../../shared/data/samples');
const dir = mkdtempSync(join(tmpdir(), 'molscape-read-'));

async function readAll(source: string | Uint8Array, fileName?: string): Promise<{ records: SourceRecord[]; problems: SourceProblem[] }> {
  const items: ReadItem[] = [];
  for await (const item of readMoleculeFile(source, fileName ? { fileName } : {})) items.push(item);
  return {
    records: items.filter((i): i is SourceRecord => i.kind === 'record'),
    problems: items.filter((i): i is SourceProblem => i.kind === 'problem'),
  };
}

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('SMILES files', () => {
  it('reads the ChEMBL series with ids, every line a record', async () => {
    const path = join(SAMPLES, 'chembl2321810-series.smi');
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const { records, problems } = await readAll(path);
    expect(problems).toEqual([]);
    expect(records.length).toBe(lines.length);
    const [smiles, id] = lines[0].split(' ');
    expect(records[0]).toMatchObject({ line: 1, record: 1, structure: smiles, name: id, format: 'smiles' });
    const last = lines.at(-1)!.split(' ');
    expect(records.at(-1)).toMatchObject({ structure: last[0], name: last[1], record: lines.length });
  });

  it('skips comments, blank lines and a header; keeps names with spaces; tab columns become properties', async () => {
    const path = write('mixed.smi', '# a comment\nSMILES\tID\tpIC50\n\nCCO\tethanol\t5.5\nc1ccccc1\tbenzene\t\n');
    const { records, problems } = await readAll(path);
    expect(problems).toEqual([]);
    expect(records).toEqual([
      { kind: 'record', line: 4, record: 1, structure: 'CCO', format: 'smiles', name: 'ethanol', userProps: { pIC50: 5.5 } },
      { kind: 'record', line: 5, record: 2, structure: 'c1ccccc1', format: 'smiles', name: 'benzene', userProps: { pIC50: null } },
    ]);
    const spaced = await readAll(write('spaced.smi', 'smiles name\r\nCCN  ethyl amine\r\nCC\n'));
    expect(spaced.records.map((r) => [r.line, r.structure, r.name])).toEqual([[2, 'CCN', 'ethyl amine'], [3, 'CC', null]]);
    const cx = await readAll(write('cx.smi', 'C[C@H](F)Cl |&1:1| racemic one\nCCO |$R1;;$|\n'));
    expect(cx.records.map((r) => [r.structure, r.name])).toEqual([['C[C@H](F)Cl |&1:1|', 'racemic one'], ['CCO |$R1;;$|', null]]);
  });

  it('reports too long, control characters and non-SMILES text with line and record, keeping good lines', async () => {
    const long = 'C'.repeat(1200);
    const path = write('bad.smi', `CCO a\n${long} b\nCC\u0001O c\n{"json": 1}\nCCCl d\n`);
    const { records, problems } = await readAll(path);
    expect(records.map((r) => r.name)).toEqual(['a', 'd']);
    expect(problems.map((p) => [p.file, p.line, p.record])).toEqual([['bad.smi', 2, 2], ['bad.smi', 3, 3], ['bad.smi', 4, 4]]);
    expect(problems[0].reason).toMatch(/too long/);
    expect(problems[0].text!.length).toBeLessThanOrEqual(200);
    expect(problems[1].reason).toMatch(/control character/);
    expect(problems[2].reason).toMatch(/not a SMILES/);
  });
});

describe('dispatcher', () => {
  it('detects gzip by content, whatever the name says', async () => {
    const text = readFileSync(join(SAMPLES, 'chembl2321810-series.smi'));
    const plain = await readAll(join(SAMPLES, 'chembl2321810-series.smi'));
    const gz = await readAll(write('series.smi', gzipSync(text)));
    expect(gz.records).toEqual(plain.records);
    const bytes = await readAll(gzipSync(text), 'dropped.smi.gz');
    expect(bytes.records).toEqual(plain.records);
    expect(bytes.problems).toEqual([]);
  });

  it('reads UTF-16 text (Excel "Unicode text") and an Excel sep= line', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('SMILES\tName\tpIC50\r\nCCO\t\u00e9thanol\t5\r\n', 'utf16le')]);
    const a = await readAll(write('unicode.txt', utf16));
    expect(a.problems).toEqual([]);
    expect(a.records.map((r) => [r.line, r.structure, r.name, r.userProps.pIC50])).toEqual([[2, 'CCO', '\u00e9thanol', 5]]);
    const b = await readAll(write('excel.csv', 'sep=;\nname;smiles\nx;CCN\n'));
    expect(b.problems).toEqual([]);
    expect(b.records.map((r) => [r.line, r.structure, r.name])).toEqual([[3, 'CCN', 'x']]);
    const headerOnly = await readAll(write('header.csv', 'name,smiles\n'));
    expect(headerOnly.problems.map((p) => p.reason)).toEqual(['no molecules found: the table has a header and no rows']);
  });

  it('follows a format or delimiter the caller forces', async () => {
    const path = write('forced.txt', 'CCO|ethanol\nCCN|amine\n');
    const forced = await collect(readMoleculeFile(path, { format: 'csv', delimiter: '|' }));
    expect(forced.records.map((r) => [r.structure, r.name])).toEqual([['CCO', 'ethanol'], ['CCN', 'amine']]);
  });

  it('sniffs the content when the extension says nothing', async () => {
    const { records } = await readAll(write('noext', 'CCO x\nCCN y\n'));
    expect(records.map((r) => r.structure)).toEqual(['CCO', 'CCN']);
  });

  it('reports empty, missing, binary and zip files as one problem each, a truncated gzip as a warning', async () => {
    expect((await readAll(write('empty.smi', ''))).problems[0].reason).toMatch(/empty/);
    expect((await readAll(write('blank.smi', '\n\n# only a comment\n'))).problems[0].reason).toMatch(/no molecules/);
    expect((await readAll(join(dir, 'missing.smi'))).problems[0].reason).toMatch(/cannot open/);
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    const bin = await readAll(write('garbage.smi', binary));
    expect(bin.records).toEqual([]);
    expect(bin.problems).toHaveLength(1);
    expect(bin.problems[0]).toMatchObject({ file: 'garbage.smi', line: 1 });
    expect(bin.problems[0].reason).toMatch(/binary/);
    const zip = await readAll(write('book.xlsx', Buffer.from('PK\u0003\u0004rest of a zip')));
    expect(zip.problems[0].reason).toMatch(/unsupported format.*zip/);
    const gz = gzipSync(readFileSync(join(SAMPLES, 'chembl2321810-series.smi')));
    const cut = await readAll(write('cut.smi.gz', gz.subarray(0, Math.floor(gz.length / 2))));
    expect(cut.records.length).toBeGreaterThan(10);
    // the content that inflated is kept; the cut is a warning after the last line read
    const warning = cut.problems.at(-1)!;
    expect(warning).toMatchObject({ severity: 'warning' });
    expect(warning.reason).toMatch(/gzip: the gzip file is truncated at byte [\d,]+/);
    expect(warning.line).toBeGreaterThan(cut.records.at(-1)!.line);
    expect(cut.problems.length).toBeLessThanOrEqual(2); // and perhaps the cut last line
  });
});

describe('stopping early', () => {
  it('closes the file when the caller stops reading (a cancelled import)', async () => {
    if (!existsSync('/proc/self/fd')) return; // counting open files needs Linux's /proc
    const text = readFileSync(join(SAMPLES, 'chembl2321810-series.smi'));
    const paths = [write('early.smi', Buffer.concat(Array(40).fill(text))), write('early.smi.gz', gzipSync(Buffer.concat(Array(40).fill(text))))];
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 10; i++) {
      for (const path of paths) {
        for await (const item of readMoleculeFile(path)) {
          expect(item.kind).toBe('record');
          break;
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50)); // closing a file descriptor completes asynchronously
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(before);
  });
});
