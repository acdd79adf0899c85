// A small seeded PRNG (sfc32) whose whole state is four 32-bit words, so training can checkpoint it and resume
// bit-exactly. Used for weight initialization, shuffling, reparameterization noise and test data.
export type RngState = [number, number, number, number];

export class Rng {
  private s: Uint32Array;

  constructor(seed: number | RngState) {
    if (Array.isArray(seed)) {
      this.s = Uint32Array.from(seed);
    } else {
      this.s = Uint32Array.from([0x9e3779b9, seed >>> 0, (seed / 2 ** 32) >>> 0, 0x243f6a88]);
      for (let i = 0; i < 15; i++) this.nextU32(); // mix the seed in
    }
  }

  get state(): RngState {
    return [this.s[0], this.s[1], this.s[2], this.s[3]];
  }

  nextU32(): number {
    const s = this.s;
    const t = (((s[0] + s[1]) >>> 0) + s[3]) >>> 0;
    s[3] = (s[3] + 1) >>> 0;
    s[0] = s[1] ^ (s[1] >>> 9);
    s[1] = (s[2] + (s[2] << 3)) >>> 0;
    s[2] = ((s[2] << 21) | (s[2] >>> 11)) >>> 0;
    s[2] = (s[2] + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextU32() / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Box-Muller; one draw per call keeps the state simple to save). */
  normal(): number {
    const u = 1 - this.uniform();
    const v = this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  normals(n: number, scale = 1): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * scale;
    return out;
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }
}
