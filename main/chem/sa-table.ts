// The SA score's fragment contributions (RDKit's fpscores: ~705,000 Morgan environment ids, ~3,500 distinct
// values) in a compact binary form. The published JSON takes ~1.7 s to parse into a Map, paid by every
// process that computes an SA score (each import thread, the server's first walk); this form loads in tens of
// milliseconds and is looked up by binary search. Layout, little-endian:
//   'MSSA' | version u32 = 1 | N u32 | K u32 | unknown f64 | values f64[K] | ids u32[N] (ascending) | index u16[N]
// main/chem/build-sa-table.ts writes it (gzipped) from the JSON; a test checks every entry against the JSON.
import { endianness } from 'node:os';

export interface SaFragmentJson {
  default_contribution_for_unknown_fragment: number;
  fragment_contributions: Record<string, number>;
}

export interface SaTable {
  /** environment ids, ascending */
  ids: Uint32Array;
  /** per id, its value's place in `values` */
  index: Uint16Array;
  values: Float64Array;
  /** the contribution of an environment not in the table */
  unknown: number;
}

const MAGIC = 0x4153534d; // 'MSSA' read as a little-endian u32
const HEADER = 24;

export function encodeSaTable(doc: SaFragmentJson): Buffer {
  const entries = Object.entries(doc.fragment_contributions).map(([id, v]) => [Number(id), v] as const);
  entries.sort((a, b) => a[0] - b[0]);
  const values = [...new Set(entries.map(([, v]) => v))];
  if (values.length > 0xffff) throw new Error(`SA table: ${values.length} distinct values, at most 65535 fit`);
  const place = new Map(values.map((v, i) => [v, i]));
  const n = entries.length, k = values.length;
  const buf = Buffer.alloc(HEADER + 8 * k + 4 * n + 2 * n);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(1, 4);
  buf.writeUInt32LE(n, 8);
  buf.writeUInt32LE(k, 12);
  buf.writeDoubleLE(doc.default_contribution_for_unknown_fragment, 16);
  values.forEach((v, i) => buf.writeDoubleLE(v, HEADER + 8 * i));
  const idsAt = HEADER + 8 * k, indexAt = idsAt + 4 * n;
  entries.forEach(([id, v], i) => {
    if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new Error(`SA table: fragment id ${id} is not a uint32`);
    if (i > 0 && entries[i - 1][0] === id) throw new Error(`SA table: fragment id ${id} twice`);
    buf.writeUInt32LE(id, idsAt + 4 * i);
    buf.writeUInt16LE(place.get(v)!, indexAt + 2 * i);
  });
  return buf;
}

/** A fresh, aligned copy of bytes [at, at + length) of buf. */
const copy = (buf: Buffer, at: number, length: number): ArrayBuffer => buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + length) as ArrayBuffer;

export function decodeSaTable(buf: Buffer): SaTable {
  if (endianness() !== 'LE') throw new Error('The SA table is little-endian; this machine is not.');
  if (buf.length < HEADER || buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== 1) throw new Error('Not an SA fragment table (version 1).');
  const n = buf.readUInt32LE(8), k = buf.readUInt32LE(12);
  const idsAt = HEADER + 8 * k, indexAt = idsAt + 4 * n;
  if (buf.length !== indexAt + 2 * n) throw new Error(`SA fragment table: ${buf.length} bytes, expected ${indexAt + 2 * n} (truncated or corrupt).`);
  return {
    unknown: buf.readDoubleLE(16),
    values: new Float64Array(copy(buf, HEADER, 8 * k)),
    ids: new Uint32Array(copy(buf, idsAt, 4 * n)),
    index: new Uint16Array(copy(buf, indexAt, 2 * n)),
  };
}

/** The contribution of an environment id (binary search; the table's `unknown` when absent). */
export function contribution(t: SaTable, id: number): number {
  let lo = 0, hi = t.ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = t.ids[mid];
    if (m === id) return t.values[t.index[mid]];
    if (m < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return t.unknown;
}
