// Fuzzing every reader with mutated, truncated and binary-garbage variants of the shared samples, from a
// seeded PRNG so a failure names a variant that reproduces. Each variant must end (no hang: a generous
// per-variant guard), must not throw, and every problem must say file, a line and why.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRDKit } from '../chem/rdkit.ts';
import { readMoleculeFile } from './read.ts';
import { readValuesTable } from './values-table.ts';
import type { ReadItem } from './types.ts';
import type { ValueRow } from './values-table.ts';

const SAMPLES = join(import.meta.dirname, '../../../shared/data/samples');
const NAMES = ['bbbp.csv', 'chembl2321810-activities.csv', 'chembl2321810-series.smi', 'esol.csv', 'lipophilicity.csv', 'nci-200.props.sdf'];
const SLICE = 8_000; // bytes of each sample the variants start from: enough for several records of every kind
const VARIANTS = 1000;
const HANG_GUARD_MS = 10_000;

/** mulberry32: a small, well-mixed 32-bit PRNG; deterministic for a seed. */
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

type Mutation = (bytes: Buffer, rnd: () => number) => Buffer;
const at = (rnd: () => number, n: number) => Math.floor(rnd() * n);
const garbage = (rnd: () => number, n: number) => Buffer.from(Array.from({ length: n }, () => at(rnd, 256)));
const SNIPPETS = ['"', '""', ',', ';', '\t', '\n', '\r', '$$$$\n', 'M  END\n', '> <X>\n', '  0  0  0     0  0            999 V3000\n', '#', '\u0000', '\u00e9', '\ufeff'];

const MUTATIONS: [string, Mutation][] = [
  ['truncate', (b, r) => b.subarray(0, at(r, b.length))],
  ['flip bytes', (b, r) => {
    const c = Buffer.from(b);
    for (let i = 0, n = 1 + at(r, 20); i < n; i++) c[at(r, c.length)] = at(r, 256);
    return c;
  }],
  ['insert garbage', (b, r) => {
    const p = at(r, b.length);
    return Buffer.concat([b.subarray(0, p), garbage(r, 1 + at(r, 400)), b.subarray(p)]);
  }],
  ['delete range', (b, r) => {
    const p = at(r, b.length);
    return Buffer.concat([b.subarray(0, p), b.subarray(p + at(r, 2000))]);
  }],
  ['insert snippets', (b, r) => {
    let c = b;
    for (let i = 0, n = 1 + at(r, 10); i < n; i++) {
      const p = at(r, c.length);
      c = Buffer.concat([c.subarray(0, p), Buffer.from(SNIPPETS[at(r, SNIPPETS.length)]), c.subarray(p)]);
    }
    return c;
  }],
  ['shuffle lines', (b, r) => {
    const lines = b.toString('latin1').split('\n');
    for (let i = 0, n = 1 + at(r, 30); i < n; i++) {
      const [x, y] = [at(r, lines.length), at(r, lines.length)];
      [lines[x], lines[y]] = [lines[y], lines[x]];
    }
    return Buffer.from(lines.join('\n'), 'latin1');
  }],
  ['duplicate and drop lines', (b, r) => {
    const lines = b.toString('latin1').split('\n');
    const out = lines.flatMap((l) => (r() < 0.05 ? [] : r() < 0.05 ? [l, l] : [l]));
    return Buffer.from(out.join('\n'), 'latin1');
  }],
  ['long line', (b, r) => {
    const p = at(r, b.length);
    return Buffer.concat([b.subarray(0, p), Buffer.alloc(20_000 + at(r, 100_000), 'C'), b.subarray(p)]);
  }],
  ['CRLF and BOM', (b) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(b.toString('latin1').replaceAll('\n', '\r\n'), 'latin1')])],
  ['pure garbage', (_b, r) => garbage(r, at(r, 5000))],
  ['gzip of a truncation', (b, r) => gzipSync(b.subarray(0, at(r, b.length)))],
  ['truncated gzip', (b, r) => {
    const z = gzipSync(b);
    return z.subarray(0, at(r, z.length));
  }],
];
const EXTENSIONS = ['', '.smi', '.csv', '.tsv', '.sdf', '.txt'];

interface Variant {
  id: number;
  label: string;
  fileName: string;
  bytes: Buffer;
}

function variants(): Variant[] {
  const sources = NAMES.map((n) => readFileSync(join(SAMPLES, n)).subarray(0, SLICE));
  const out: Variant[] = [];
  for (let id = 0; id < VARIANTS; id++) {
    const rnd = prng(0x5eed + id);
    const s = id % NAMES.length;
    const [label, mutate] = MUTATIONS[Math.floor(id / NAMES.length) % MUTATIONS.length];
    // Every reader sees every kind of content: the file name keeps its own extension or takes another's.
    const ext = EXTENSIONS[at(rnd, EXTENSIONS.length)];
    const fileName = ext ? `${NAMES[s].replace(/\.[^.]+$/, '')}${ext}` : NAMES[s];
    out.push({ id, label: `${label} of ${NAMES[s]} as ${fileName}`, fileName, bytes: mutate(sources[s], rnd) });
  }
  return out;
}

async function drain<T>(items: AsyncIterable<T>, label: string): Promise<T[]> {
  const out: T[] = [];
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`variant did not finish in ${HANG_GUARD_MS} ms: ${label}`)), HANG_GUARD_MS);
  });
  const run = (async () => {
    for await (const item of items) out.push(item);
  })();
  try {
    await Promise.race([run, guard]);
  } finally {
    clearTimeout(timer);
  }
  return out;
}

function checkItems(items: (ReadItem | ValueRow)[], v: Variant): void {
  const where = `variant ${v.id} (${v.label})`;
  let lastRecordLine = 0;
  for (const item of items) {
    expect(Number.isInteger(item.line) && item.line >= 1, `${where}: line ${item.line}`).toBe(true);
    if (item.kind === 'problem') {
      expect(item.file, where).toBe(v.fileName);
      expect(item.reason.length, where).toBeGreaterThan(0);
      expect(item.record === null || (Number.isInteger(item.record) && item.record > 0), where).toBe(true);
      expect(item.text === null || item.text.length <= 200, where).toBe(true);
    } else {
      expect(item.record, where).toBeGreaterThan(0);
      expect(item.line, `${where}: records in file order`).toBeGreaterThan(lastRecordLine);
      lastRecordLine = item.line;
      if (item.kind === 'record') expect(item.structure.length, where).toBeGreaterThan(0);
    }
  }
}

beforeAll(async () => {
  await loadRDKit();
});

describe('fuzz', () => {
  const all = variants();
  it(`${VARIANTS} variants through readMoleculeFile: no crash, no hang, every problem located`, async () => {
    const kinds = new Set<string>();
    let problems = 0;
    for (const v of all) {
      const items = await drain(readMoleculeFile(v.bytes, { fileName: v.fileName }), v.label);
      checkItems(items, v);
      // Something always comes out: records, or a problem saying why there are none.
      expect(items.length, `variant ${v.id} (${v.label})`).toBeGreaterThan(0);
      for (const i of items) if (i.kind === 'problem') problems++;
      kinds.add(v.label.split(' of ')[0]);
    }
    expect(kinds.size).toBe(MUTATIONS.length);
    expect(problems).toBeGreaterThan(VARIANTS / 2);
  });

  it('the tabular variants through readValuesTable too', async () => {
    for (const v of all.filter((x) => /\.(csv|tsv|txt)$/.test(x.fileName)).slice(0, 120)) {
      checkItems(await drain(readValuesTable(v.bytes, { fileName: v.fileName }), v.label), v);
    }
  });
});
