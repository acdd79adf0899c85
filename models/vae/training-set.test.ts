import { describe, expect, it } from 'vitest';
import { TrainingSetIndex, encodeTrainingSet } from './training-set.ts';

describe('training-set index', () => {
  it('answers membership for what it was built from and nothing else', () => {
    const members = Array.from({ length: 2000 }, (_, i) => `C${'C'.repeat(i % 40)}O${i}`);
    const index = TrainingSetIndex.fromBytes(encodeTrainingSet([...members, members[0]]));
    expect(index.size).toBe(2000);
    expect(members.every((s) => index.has(s))).toBe(true);
    const others = Array.from({ length: 2000 }, (_, i) => `N${i}`);
    expect(others.some((s) => index.has(s))).toBe(false);
    expect(index.has('')).toBe(false);
  });

  it('refuses a truncated or unsorted file', () => {
    const bytes = encodeTrainingSet(['CCO', 'c1ccccc1', 'CC(=O)O']);
    expect(() => TrainingSetIndex.fromBytes(bytes.subarray(0, 13))).toThrow(/8-byte/);
    const swapped = new Uint8Array(bytes);
    swapped.set(bytes.subarray(0, 8), 8);
    swapped.set(bytes.subarray(8, 16), 0);
    expect(() => TrainingSetIndex.fromBytes(swapped)).toThrow(/sorted/);
    expect(TrainingSetIndex.fromBytes(new Uint8Array(0)).has('CCO')).toBe(false);
  });
});
