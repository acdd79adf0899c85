// Hostile files (issue 16, items 1 and 9): good records around binary junk, broken gzip, UTF-16/32 with and
// without a byte-order mark, mixed encodings, an unclosed quote, an SD file without $$$$, true binaries, and
// floods of problems. Every file is generated here from the shared samples (nothing large is committed); each
// case checks that the good records are all kept, that the problems say where (line or byte), and that memory
// stays bounded (heap and buffers sampled while reading, not a wall clock).
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit } from '../chem/rdkit.ts';
import { MAX_PROBLEMS, readMoleculeFile } from './read.ts';
import { readValuesTable } from './values-table.ts';
import type { SourceProblem, SourceRecord } from './types.ts';

const SAMPLES = join(import.meta.dirname, '../../../shared/data/samples');
const dir = mkdtempSync(join(tmpdir(), 'molscape-hostile-'));
const write = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** A seeded generator (mulberry32), so every run builds the same junk. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const randomBytes = (n: number, seed: number): Buffer => {
  const r = prng(seed);
  return Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
};

interface Read {
  records: SourceRecord[];
  problems: SourceProblem[];
  errors: SourceProblem[];
  warnings: SourceProblem[];
  /** Largest growth of heap + array buffers seen while reading, in MB. */
  peakMB: number;
}

/** Reads a file, sampling memory every 200 items (and at the end); problems by severity. */
async function read(source: string | Buffer, fileName?: string): Promise<Read> {
  globalThis.gc?.();
  const base = process.memoryUsage();
  const used = (m: NodeJS.MemoryUsage) => m.heapUsed + m.arrayBuffers;
  let peak = 0;
  const sample = () => (peak = Math.max(peak, used(process.memoryUsage()) - used(base)));
  const records: SourceRecord[] = [];
  const problems: SourceProblem[] = [];
  let n = 0;
  for await (const item of readMoleculeFile(source, { fileName })) {
    (item.kind === 'record' ? records : problems).push(item as never);
    if (++n % 200 === 0) sample();
  }
  sample();
  const errors = problems.filter((p) => (p.severity ?? 'error') === 'error');
  const warnings = problems.filter((p) => p.severity === 'warning');
  return { records, problems, errors, warnings, peakMB: peak / 2 ** 20 };
}

const seriesText = readFileSync(join(SAMPLES, 'chembl2321810-series.smi'), 'utf8');
const seriesLines = seriesText.split('\n').filter((l) => l.trim() !== '');
const sdfText = readFileSync(join(SAMPLES, 'nci-200.props.sdf'), 'utf8');
const sdfRecords = sdfText.split(/^\$\$\$\$\n/m).filter((r) => r.trim() !== '');
const names = (r: Read) => r.records.map((x) => x.name);
const seriesNames = seriesLines.map((l) => l.split(/\s+/)[1]);

beforeAll(async () => {
  await loadRDKit(); // CSV column planning may ask RDKit
});

describe('binary bytes inside a text file cost only their lines', () => {
  it('a SMILES file with NUL and other binary bytes on 14 lines keeps the other lines, each bad line named', async () => {
    const bad = new Set([3, 40, 41, 100, 222, 223, 300, 301, 302, 500, 640, 800, 901, 1000]);
    const r = prng(14);
    const lines = seriesLines.map((l, i) => (bad.has(i + 1) ? `${l.slice(0, 10)}\u0000${String.fromCharCode(1 + Math.floor(r() * 8))}${l.slice(10)}` : l));
    const got = await read(write('nul-lines.smi', `${lines.join('\n')}\n`));
    expect(got.records).toHaveLength(seriesLines.length - bad.size);
    expect(names(got)).toEqual(seriesNames.filter((_, i) => !bad.has(i + 1)));
    // consecutive bad lines are one problem naming its lines; every bad line is inside a reported one
    const covered = new Set<number>();
    for (const p of got.errors) {
      const range = /lines ([\d,]+)–([\d,]+)/.exec(p.reason);
      const [a, b] = range ? [Number(range[1].replace(/,/g, '')), Number(range[2].replace(/,/g, ''))] : [p.line, p.line];
      for (let l = a; l <= b; l++) covered.add(l);
    }
    expect([...covered].sort((a, b) => a - b)).toEqual([...bad].sort((a, b) => a - b));
  });

  it('200 KB of random bytes between good records: every good record kept, the junk one problem at its line', async () => {
    const before = seriesLines.slice(0, 400);
    const after = seriesLines.slice(400);
    const bytes = Buffer.concat([Buffer.from(`${before.join('\n')}\n`), randomBytes(200 * 1024, 7), Buffer.from(`\n${after.join('\n')}\n`)]);
    for (const name of ['junk.smi', 'junk.txt']) {
      const got = await read(write(name, bytes));
      expect(names(got), name).toEqual(seriesNames);
      expect(got.errors.length, name).toBeGreaterThanOrEqual(1);
      expect(got.errors[0].line, name).toBe(401);
      expect(got.errors[0].reason, name).toMatch(/binary content on lines 401–[\d,]+ .*from byte [\d,]+/);
      expect(got.errors.length, `${name}: the junk is a few problems, not hundreds`).toBeLessThanOrEqual(10);
    }
  });

  it('200 KB of random bytes before the records (the head is all junk) still reads them', async () => {
    const bytes = Buffer.concat([randomBytes(200 * 1024, 8), Buffer.from(`\n${seriesLines.join('\n')}\n`)]);
    const got = await read(write('junk-first.smi', bytes));
    expect(names(got)).toEqual(seriesNames);
    expect(got.errors[0].line).toBe(1);
  });

  it('random bytes between CSV rows and between SD records cost no good row or record', async () => {
    const csv = readFileSync(join(SAMPLES, 'bbbp.csv'), 'utf8').split('\n').filter((l) => l !== '');
    const csvBytes = Buffer.concat([Buffer.from(`${csv.slice(0, 1001).join('\n')}\n`), randomBytes(200 * 1024, 9), Buffer.from(`\n${csv.slice(1001).join('\n')}\n`)]);
    const clean = await read(write('clean.csv', `${csv.join('\n')}\n`));
    const junk = await read(write('junk.csv', csvBytes));
    expect(names(junk)).toEqual(names(clean));
    expect(junk.errors.length).toBeLessThanOrEqual(10);
    expect(junk.errors[0].line).toBe(1002);

    const sdf = Buffer.concat([Buffer.from(sdfRecords.slice(0, 100).map((r) => `${r}$$$$\n`).join('')), randomBytes(200 * 1024, 10), Buffer.from(`\n$$$$\n${sdfRecords.slice(100).map((r) => `${r}$$$$\n`).join('')}`)]);
    const all = await read(write('clean.sdf', sdfText));
    const got = await read(write('junk.sdf', sdf));
    expect(names(got)).toEqual(names(all));
    expect(got.errors).toHaveLength(1);
  });

  it('50 MB of NULs between good records: all kept, the run located by line and byte, memory bounded', async () => {
    // 50 records first: the NULs start inside the first 8 KB, where a sniff of the head would see them
    const path = join(dir, 'nuls.smi');
    const fd = openSync(path, 'w');
    writeSync(fd, `${seriesLines.slice(0, 50).join('\n')}\n`);
    const startOffset = Buffer.byteLength(`${seriesLines.slice(0, 50).join('\n')}\n`);
    const mb = Buffer.alloc(1 << 20);
    for (let i = 0; i < 50; i++) writeSync(fd, mb);
    writeSync(fd, `\n${seriesLines.slice(50).join('\n')}\n`);
    closeSync(fd);
    const got = await read(path);
    expect(names(got)).toEqual(seriesNames);
    expect(got.errors).toHaveLength(1);
    expect(got.errors[0]).toMatchObject({ line: 51, offset: startOffset });
    expect(got.errors[0].reason).toMatch(/52,428,800 bytes/);
    expect(got.peakMB).toBeLessThan(64);

    // the same gzipped (50 MB from 50 KB): inflated a few MB at a time
    const gz = await read(write('nuls.smi.gz', gzipSync(readFileSync(path))));
    expect(names(gz)).toEqual(seriesNames);
    expect(gz.errors).toHaveLength(1);
    expect(gz.peakMB).toBeLessThan(64);
  }, 60_000);
});

describe('gzip faults after intact content are warnings', () => {
  const text = `${seriesLines.join('\n')}\n`;
  const gz = gzipSync(Buffer.from(text));
  const variants: [string, Buffer, RegExp][] = [
    ['wrong CRC', (() => { const b = Buffer.from(gz); b[b.length - 8] ^= 0xff; return b; })(), /checksum \(CRC-32\) at byte [\d,]+ does not match/],
    ['wrong ISIZE', (() => { const b = Buffer.from(gz); b[b.length - 1] ^= 0xff; return b; })(), /length \(ISIZE\) at byte [\d,]+ does not match/],
    ['trailing bytes', Buffer.concat([gz, Buffer.from('these bytes follow the gzip stream')]), /34 bytes after the end of the gzip data \(at byte [\d,]+\)/],
    ['trailer cut', gz.subarray(0, gz.length - 3), /trailer .* is cut short/],
  ];
  for (const [label, bytes, reason] of variants) {
    it(`${label}: every record kept, one warning`, async () => {
      const got = await read(write(`${label.replace(/ /g, '-')}.smi.gz`, bytes));
      expect(names(got)).toEqual(seriesNames);
      expect(got.errors).toEqual([]);
      expect(got.warnings).toHaveLength(1);
      expect(got.warnings[0].reason).toMatch(reason);
      expect(got.warnings[0].line).toBe(seriesLines.length + 1);
    });
  }

  it('two gzip members and zero padding read as one file, silently', async () => {
    const half = Math.floor(seriesLines.length / 2);
    const bytes = Buffer.concat([gzipSync(`${seriesLines.slice(0, half).join('\n')}\n`), gzipSync(`${seriesLines.slice(half).join('\n')}\n`), Buffer.alloc(512)]);
    const got = await read(write('members.smi.gz', bytes));
    expect(names(got)).toEqual(seriesNames);
    expect(got.problems).toEqual([]);
  });

  it('a truncated gzip keeps every whole line before the cut', async () => {
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const got = await read(write('cut.smi.gz', cut));
    expect(got.records.length).toBeGreaterThan(seriesLines.length * 0.5);
    expect(names(got).slice(0, -1)).toEqual(seriesNames.slice(0, got.records.length - 1));
    expect(got.warnings.at(-1)!.reason).toMatch(/truncated at byte [\d,]+/);
  });

  it('corrupt compressed data in the middle keeps the records before it, with an error naming the byte', async () => {
    const big = gzipSync(Buffer.from(text.repeat(20)));
    const b = Buffer.from(big);
    for (let i = 0; i < 64; i++) b[Math.floor(b.length / 2) + i] = 0xff;
    const got = await read(write('corrupt.smi.gz', b));
    expect(got.records.length).toBeGreaterThan(seriesLines.length * 5);
    expect(names(got).slice(0, seriesLines.length)).toEqual(seriesNames);
    expect(got.problems.some((p) => /gzip: (corrupt compressed data near byte|the gzip trailer)/.test(p.reason))).toBe(true);
  });
});

describe('encodings', () => {
  const text = `${seriesLines.slice(0, 300).join('\n')}\n`;
  const utf16be = (s: string) => Buffer.from(s, 'utf16le').swap16();
  const utf32 = (s: string, le: boolean) => {
    const cps = [...s].map((c) => c.codePointAt(0)!);
    const b = Buffer.alloc(cps.length * 4);
    cps.forEach((c, i) => (le ? b.writeUInt32LE(c, i * 4) : b.writeUInt32BE(c, i * 4)));
    return b;
  };
  const cases: [string, Buffer][] = [
    ['UTF-16LE without BOM', Buffer.from(text, 'utf16le')],
    ['UTF-16BE without BOM', utf16be(text)],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(text)])],
    ['UTF-32LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32(text, true)])],
    ['UTF-32BE with BOM', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), utf32(text, false)])],
    ['UTF-32LE without BOM', utf32(text, true)],
  ];
  for (const [label, bytes] of cases) {
    it(`${label}: every record`, async () => {
      const got = await read(write(`${label.replace(/ /g, '-')}.smi`, bytes));
      expect(names(got)).toEqual(seriesNames.slice(0, 300));
      expect(got.errors).toEqual([]);
      // without a byte-order mark the guess is said, as information
      expect(got.problems.length).toBe(/without/.test(label) ? 1 : 0);
    });
  }

  it('UTF-16 as a gzipped CSV table reads too', async () => {
    const csv = `smiles,name,pIC50\n${seriesLines.slice(0, 50).map((l, i) => `${l.split(' ')[0]},${l.split(' ')[1]},${(5 + i / 100).toFixed(2)}`).join('\n')}\n`;
    const got = await read(write('table.csv.gz', gzipSync(Buffer.from(csv, 'utf16le'))));
    expect(names(got)).toEqual(seriesNames.slice(0, 50));
    expect(got.records[49].userProps.pIC50).toBe(5.49);
  });

  it('mixed per-line encodings: Latin-1 names and a UTF-16 line in a UTF-8 file, each read and named', async () => {
    const lines = seriesLines.slice(0, 100).map((l) => Buffer.from(`${l}\n`));
    lines[9] = Buffer.from(`CCO éthanol\n`, 'latin1');
    lines[19] = Buffer.from(`CCN Müller-amine\n`, 'latin1');
    lines[29] = Buffer.from(`CCC propane\n`, 'utf16le');
    lines[39] = Buffer.from(`CCCl ½-chloro ✓ utf8\n`);
    const got = await read(write('mixed.smi', Buffer.concat(lines)));
    expect(got.records).toHaveLength(100);
    expect(got.errors).toEqual([]);
    expect(got.records[9].name).toBe('éthanol');
    expect(got.records[19].name).toBe('Müller-amine');
    expect(got.records[29]).toMatchObject({ structure: 'CCC', name: 'propane' });
    expect(got.records[39].name).toBe('½-chloro ✓ utf8');
    const latin = got.warnings.find((w) => /Windows-1252/.test(w.reason))!;
    expect(latin).toMatchObject({ line: 10 });
    expect(latin.reason).toMatch(/2 lines are not UTF-8.*lines 10, 20/);
    expect(got.warnings.find((w) => /UTF-16/.test(w.reason))).toMatchObject({ line: 30 });
  });
});

describe('structure faults', () => {
  it('a TSV with one unclosed quote loses that row only', async () => {
    const rows = seriesLines.slice(0, 200).map((l, i) => `${l.split(' ')[0]}\t${l.split(' ')[1]}\t${i}`);
    rows[50] = `${rows[50].split('\t')[0]}\t"unclosed name\t50`;
    for (const name of ['quote.tsv', 'quote.txt']) {
      const got = await read(write(name, `smiles\tname\tn\n${rows.join('\n')}\n`));
      expect(got.records, name).toHaveLength(199);
      expect(got.errors, name).toHaveLength(1);
      expect(got.errors[0], name).toMatchObject({ line: 52 });
      expect(got.errors[0].reason, name).toMatch(/quote/);
    }
  });

  it('an SD file without $$$$ separators: every record, one warning per missing separator', async () => {
    const records = sdfRecords.slice(0, 50);
    const joined = records.join(''); // no $$$$ at all
    const got = await read(write('nosep.sdf', joined));
    const all = await read(write('sep.sdf', records.map((r) => `${r}$$$$\n`).join('')));
    expect(names(got)).toEqual(names(all));
    expect(got.records.map((r) => r.userProps)).toEqual(all.records.map((r) => r.userProps));
    expect(got.errors).toEqual([]);
    expect(got.warnings).toHaveLength(49);
    // each warning names the first line of the record that lost its separator
    expect(got.warnings.map((w) => w.line)).toEqual(got.records.slice(1).map((r) => r.line));
    expect(got.warnings[0].reason).toMatch(/missing \$\$\$\$ before line \d+/);
  });

  it('an SD record swallowed by 2 MB of NULs costs that record only', async () => {
    const bytes = Buffer.concat([Buffer.from(sdfRecords.slice(0, 10).map((r) => `${r}$$$$\n`).join('')), Buffer.alloc(2 << 20), Buffer.from(`\n${sdfRecords.slice(10, 20).map((r) => `${r}$$$$\n`).join('')}`)]);
    const got = await read(write('nul.sdf', bytes));
    const all = await read(write('twenty.sdf', sdfRecords.slice(0, 20).map((r) => `${r}$$$$\n`).join('')));
    expect(names(got)).toEqual(names(all));
    expect(got.errors).toHaveLength(1);
    expect(got.errors[0].reason).toMatch(/too large/);
  });
});

describe('what is not text is refused, and floods are bounded', () => {
  it('an image, a PDF, a zip are refused with what they are', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(5000, 11)]);
    for (const [name, bytes, what] of [
      ['picture.smi', png, /PNG image/],
      ['paper.txt', Buffer.from('%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n'), /PDF document/],
      ['book.csv', Buffer.from('PK\u0003\u0004rest of a zip'), /zip archive/],
    ] as const) {
      const got = await read(write(name, bytes));
      expect(got.records, name).toEqual([]);
      expect(got.problems, name).toHaveLength(1);
      expect(got.problems[0].reason, name).toMatch(what);
    }
  });

  it('random bytes alone are one problem from line 1', async () => {
    const got = await read(write('random.bin', randomBytes(300 * 1024, 12)));
    expect(got.records).toEqual([]);
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatchObject({ line: 1, offset: 0 });
    expect(got.problems[0].reason).toMatch(/binary content on lines 1–/);
  });

  it(`a file of ${(3 * MAX_PROBLEMS).toLocaleString('en-US')} bad lines lists ${MAX_PROBLEMS.toLocaleString('en-US')} problems and counts the rest`, async () => {
    const bad = Array.from({ length: 3 * MAX_PROBLEMS }, (_, i) => `{not smiles ${i}}`);
    const got = await read(write('flood.smi', `CCO first\n${bad.join('\n')}\nCCN last\n`));
    expect(names(got)).toEqual(['first', 'last']);
    expect(got.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(got.problems.at(-1)!.reason).toMatch(/20,000 more problems from line 10,002 on are not listed/);
    expect(got.peakMB).toBeLessThan(64);
  });
});

describe('values tables (joined onto a collection) read the same way', () => {
  it('binary lines cost their rows, a gzip checksum is a warning, an image is refused', async () => {
    const rows = readFileSync(join(SAMPLES, 'chembl2321810-activities.csv'), 'utf8').split('\n').filter((l) => l !== '');
    const damaged = rows.map((l, i) => (i === 100 || i === 500 ? `${l}\u0000\u0003` : l));
    const gz = gzipSync(`${damaged.join('\n')}\n`);
    gz[gz.length - 8] ^= 0xff;
    const items = [];
    for await (const item of readValuesTable(write('acts.csv.gz', gz))) items.push(item);
    const values = items.filter((i) => i.kind === 'values');
    const problems = items.filter((i) => i.kind === 'problem') as SourceProblem[];
    expect(values).toHaveLength(rows.length - 3); // the header and the two damaged rows
    expect(problems.map((p) => [p.line, p.severity ?? 'error'])).toEqual([[101, 'error'], [501, 'error'], [rows.length + 1, 'warning']]);
    const png = [];
    for await (const item of readValuesTable(write('plot.csv', Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(300, 13)])))) png.push(item);
    expect(png).toHaveLength(1);
    expect((png[0] as SourceProblem).reason).toMatch(/PNG image/);
  });
});
