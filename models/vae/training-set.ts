// The training set's molecules as a compact membership index, so the app can say whether a designed molecule is
// new without shipping (or reading) the training file: 8 bytes per molecule, the first 64 bits of the sha256 of
// its canonical SMILES, sorted and unique, little-endian. Canonicalization is the caller's job (RDKit, in main/):
// the index only ever compares strings canonicalized by the same toolkit. A false "in training" needs a 64-bit
// collision: about 1 in 10^14 for 250k molecules.
import { createHash } from 'node:crypto';

export const TRAINING_SET_FILE = 'training_set.bin';

export function smilesHash(canonical: string): bigint {
  return createHash('sha256').update(canonical, 'utf8').digest().readBigUInt64BE(0);
}

/** The file's bytes for a set of canonical SMILES (duplicates collapse). */
export function encodeTrainingSet(canonicals: Iterable<string>): Uint8Array {
  const hashes = new BigUint64Array([...new Set([...canonicals].map(smilesHash))]).sort();
  const out = Buffer.alloc(hashes.length * 8);
  hashes.forEach((h, i) => out.writeBigUInt64LE(h, i * 8));
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

/** The union of two index files' entries (a fine-tuned model knows its base's training molecules and its own). */
export function mergeTrainingSets(a: Uint8Array, b: Uint8Array): Uint8Array {
  const read = (x: Uint8Array) => {
    const buf = Buffer.from(x.buffer, x.byteOffset, x.length);
    return Array.from({ length: Math.floor(x.length / 8) }, (_, i) => buf.readBigUInt64LE(i * 8));
  };
  const hashes = new BigUint64Array([...new Set([...read(a), ...read(b)])]).sort();
  const out = Buffer.alloc(hashes.length * 8);
  hashes.forEach((h, i) => out.writeBigUInt64LE(h, i * 8));
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

export class TrainingSetIndex {
  private constructor(private readonly hashes: BigUint64Array) {}

  static fromBytes(bytes: Uint8Array): TrainingSetIndex {
    if (bytes.length % 8 !== 0) throw new Error(`${TRAINING_SET_FILE}: ${bytes.length} bytes is not a whole number of 8-byte entries`);
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const hashes = new BigUint64Array(bytes.length / 8);
    for (let i = 0; i < hashes.length; i++) hashes[i] = b.readBigUInt64LE(i * 8);
    for (let i = 1; i < hashes.length; i++) if (hashes[i] <= hashes[i - 1]) throw new Error(`${TRAINING_SET_FILE}: entries are not sorted and unique (entry ${i + 1})`);
    return new TrainingSetIndex(hashes);
  }

  get size(): number {
    return this.hashes.length;
  }

  /** Whether this canonical SMILES is one of the training molecules (binary search). */
  has(canonical: string): boolean {
    const h = smilesHash(canonical);
    let lo = 0, hi = this.hashes.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1, v = this.hashes[mid];
      if (v === h) return true;
      if (v < h) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
