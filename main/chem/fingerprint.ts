// Morgan fingerprints (radius 2, 2048 bits; RDKit's get_morgan_fp_as_uint8array) as 64 uint32 words, and
// Tanimoto similarity on them with a table-free popcount.
import type { JSMol } from './rdkit.ts';
import { withMol } from './rdkit.ts';

export const FP_BITS = 2048;
export const FP_WORDS = FP_BITS / 32;
const FP_DETAILS = JSON.stringify({ radius: 2, nBits: FP_BITS });

export function morganFingerprint(mol: JSMol): Uint32Array {
  const bytes = mol.get_morgan_fp_as_uint8array(FP_DETAILS) as Uint8Array;
  const words = new Uint32Array(FP_WORDS);
  new Uint8Array(words.buffer).set(bytes.subarray(0, FP_WORDS * 4));
  return words;
}

/** The fingerprint of a SMILES, or null when RDKit cannot parse it. */
export function morganFingerprintOf(smiles: string): Uint32Array | null {
  return withMol(smiles, morganFingerprint) ?? null;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export function popcount(fp: Uint32Array, offset = 0, words = FP_WORDS): number {
  let n = 0;
  for (let w = 0; w < words; w++) n += popcount32(fp[offset + w]);
  return n;
}

/** Tanimoto similarity |a & b| / |a | b|; 0 when both are empty (as RDKit's TanimotoSimilarity). */
export function tanimoto(a: Uint32Array, b: Uint32Array, aOffset = 0, bOffset = 0): number {
  let both = 0;
  let either = 0;
  for (let w = 0; w < FP_WORDS; w++) {
    const x = a[aOffset + w];
    const y = b[bOffset + w];
    both += popcount32(x & y);
    either += popcount32(x | y);
  }
  return either === 0 ? 0 : both / either;
}
