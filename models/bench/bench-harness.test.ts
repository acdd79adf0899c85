// The benchmark harness: runs alternate A B A B and say when B is missing; the reference model's FLOPs match the
// hand count (encoder ≈ 0.08, decoder ≈ 0.16 GFLOP a molecule at 79 steps, training ≈ 3× the forward); the
// machine's peak follows from /proc/cpuinfo's flags, family and clock.
import { describe, expect, it } from 'vitest';
import { alternate, summarize } from './alternate.ts';
import { machinePeak } from './machine.ts';
import { referenceFlops } from './reference-flops.ts';

describe('benchmark harness', () => {
  it('alternates A B A B and summarizes each figure', async () => {
    const calls: string[] = [];
    let i = 0;
    const r = await alternate(3, async () => (calls.push('A'), { x: ++i }), async () => (calls.push('B'), { x: 10 * ++i }));
    expect(calls.join('')).toBe('ABABAB');
    expect(r.order).toBe('ABABAB');
    expect(r.a.x).toEqual({ runs: 3, median: 3, min: 1, max: 5 });
    expect(r.b!.x).toEqual({ runs: 3, median: 40, min: 20, max: 60 });
    expect(r.loadBefore).toHaveLength(3);
    expect(summarize([4, 1, 3, 2]).median).toBe(2.5);
  });

  it('a missing B is asked once, then A runs alone and there is no B summary', async () => {
    let asked = 0;
    const r = await alternate(3, async () => ({ x: 1 }), async () => (asked++, null));
    expect(asked).toBe(1);
    expect(r.order).toBe('AAA');
    expect(r.b).toBeNull();
  });

  it("counts the reference VAE's FLOPs as the issue's hand count does", () => {
    const f = referenceFlops({ embedding: 64, encoderHidden: 256, latent: 64, decoderHidden: 512, vocab: 40, padTo: 80 });
    expect(f.encode / 1e9).toBeCloseTo(0.079, 2);
    expect(f.decodeGreedy / 1e9).toBeCloseTo(0.159, 2);
    expect(f.train / 1e9).toBeCloseTo(0.71, 1);
  });

  it("reads the peak from /proc/cpuinfo: AMD Zen 4's AVX-512 runs on 256-bit pipes, Intel's on 512-bit", () => {
    const cpu = (vendor: string, family: number, model: number, flags: string, name = 'CPU') =>
      [0, 1].map((p) => `processor\t: ${p}\nvendor_id\t: ${vendor}\ncpu family\t: ${family}\nmodel\t\t: ${model}\nmodel name\t: ${name}\ncpu MHz\t\t: 2596.142\nflags\t\t: fpu sse2 ${flags}\n`).join('\n');
    const zen4 = machinePeak(cpu('AuthenticAMD', 25, 17, 'avx2 fma avx512f', 'AMD EPYC'));
    expect(zen4).toMatchObject({ vcpus: 2, flopsPerCycle: 32 });
    expect(zen4.peakGflops).toBeCloseTo(2 * 2.596 * 32, 0);
    expect(machinePeak(cpu('GenuineIntel', 6, 85, 'avx2 fma avx512f', 'Intel Xeon Gold 6148 CPU @ 2.40GHz'))).toMatchObject({ ghz: 2.4, flopsPerCycle: 64, peakGflops: 307.2 });
    expect(machinePeak(cpu('GenuineIntel', 6, 60, 'avx2 fma')).flopsPerCycle).toBe(32);
  });
});
