// Small vector arithmetic on latent points (Float32Array rows): the straight and the spherical path between
// two points, and moving a point along unit directions.

/** (1 − t)·a + t·b */
export function lerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  return a.map((v, i) => (1 - t) * v + t * b[i]);
}

/**
 * Spherical interpolation (Shoemake): along the great circle between a and b, scaled as the two points are,
 * so points in between keep the norm typical of the prior instead of shrinking toward the origin as the
 * straight line does. Falls back to the straight line when a and b are (anti)parallel.
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  const na = Math.hypot(...a), nb = Math.hypot(...b);
  if (na === 0 || nb === 0) return lerp(a, b, t);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / (na * nb))));
  const s = Math.sin(omega);
  if (s < 1e-6) return lerp(a, b, t);
  const wa = Math.sin((1 - t) * omega) / s, wb = Math.sin(t * omega) / s;
  return a.map((v, i) => wa * v + wb * b[i]);
}

/** z + Σ scale_k·dir_k, a new array. */
export function moveAlong(z: Float32Array, moves: readonly { dir: ArrayLike<number>; scale: number }[]): Float32Array {
  const out = Float32Array.from(z);
  for (const { dir, scale } of moves) {
    if (scale === 0) continue;
    for (let i = 0; i < out.length; i++) out[i] += scale * dir[i];
  }
  return out;
}

/** Rows stacked into one flat [rows × latent] array, as the runtime takes them. */
export function stackRows(rows: readonly Float32Array[], latent: number): Float32Array {
  const out = new Float32Array(rows.length * latent);
  rows.forEach((r, i) => out.set(r.subarray(0, latent), i * latent));
  return out;
}
