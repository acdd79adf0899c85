// Training checkpoints: one file with a JSON header (progress counters, learning-rate scale, RNG states, tensor
// directory) followed by the raw float32 tensors (weights and Adam moments). Written atomically: a temporary
// file in the same folder, fsync, then rename, so a crash leaves either the old checkpoint or the new one.
import fs from 'node:fs';
import path from 'node:path';
import type { RngState } from '../graph/rng.ts';

const MAGIC = 'MOLSCAPE-CKPT-1\n';

export interface CheckpointMeta {
  /** Steps run (including skipped non-finite ones). */
  step: number;
  /** Updates applied (Adam's t). */
  updates: number;
  epoch: number;
  /** Batches of the current epoch already done. */
  batchInEpoch: number;
  /** Multiplier on the scheduled learning rate, lowered after non-finite steps. */
  lrScale: number;
  rng: RngState;
  /** Anything the caller wants to keep with it (model config, vocabulary...). */
  extra?: unknown;
}

export interface Checkpoint extends CheckpointMeta {
  params: Map<string, Float32Array>;
  m: Map<string, Float32Array>;
  v: Map<string, Float32Array>;
}

interface Entry {
  group: 'params' | 'm' | 'v';
  name: string;
  length: number;
}

export function writeCheckpoint(file: string, ck: Checkpoint): void {
  const entries: Entry[] = [];
  const chunks: Float32Array[] = [];
  for (const group of ['params', 'm', 'v'] as const)
    for (const [name, data] of ck[group]) {
      entries.push({ group, name, length: data.length });
      chunks.push(data);
    }
  const { params: _p, m: _m, v: _v, ...meta } = ck;
  const header = Buffer.from(JSON.stringify({ ...meta, entries }), 'utf8');
  const prefix = Buffer.alloc(MAGIC.length + 4);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length, MAGIC.length);
  // Pad so the float data starts 4-byte aligned.
  const pad = Buffer.alloc((4 - ((prefix.length + header.length) % 4)) % 4);

  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, prefix);
    fs.writeSync(fd, header);
    fs.writeSync(fd, pad);
    for (const c of chunks) fs.writeSync(fd, new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}

export function readCheckpoint(file: string): Checkpoint {
  const buf = fs.readFileSync(file);
  const bad = (why: string): never => {
    throw new Error(`checkpoint ${file}: ${why}`);
  };
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) bad('not a Molscape checkpoint');
  const hlen = buf.readUInt32LE(MAGIC.length);
  const hstart = MAGIC.length + 4;
  if (hstart + hlen > buf.length) bad('truncated header');
  let header: CheckpointMeta & { entries: Entry[] };
  try {
    header = JSON.parse(buf.toString('utf8', hstart, hstart + hlen));
  } catch (e) {
    return bad(`unreadable header (${(e as Error).message})`);
  }
  let off = hstart + hlen;
  off += (4 - (off % 4)) % 4;
  const out: Checkpoint = { ...header, params: new Map(), m: new Map(), v: new Map() };
  delete (out as unknown as { entries?: unknown }).entries;
  for (const e of header.entries) {
    const bytes = e.length * 4;
    if (off + bytes > buf.length) bad(`truncated at tensor ${e.group}/${e.name}`);
    const data = new Float32Array(e.length);
    new Uint8Array(data.buffer).set(buf.subarray(off, off + bytes));
    out[e.group].set(e.name, data);
    off += bytes;
  }
  if (off !== buf.length) bad(`${buf.length - off} unexpected trailing bytes`);
  return out;
}
