// What a layout job accepts, apart from the job (and umap-js), so the handler can refuse at once without
// loading either.

/**
 * UMAP in JavaScript is slow: on this machine (2 shared cores, 56-D latents) a layout took 16 s for 5,000
 * molecules and 44 s for 20,000 (node --import tsx main/jobs/layout/bench-layout.ts N); the neighbour graph
 * grows faster than linearly, so 50,000 is a few minutes and the job refuses more.
 */
export const MAX_LAYOUT_MOLECULES = 50_000;
/** UMAP needs a few neighbours per point to say anything. */
export const MIN_LAYOUT_MOLECULES = 5;

/** Why a collection with `encoded` vectors cannot be laid out, or null when it can. */
export function layoutRefusal(encoded: number, collectionName: string): string | null {
  if (encoded === 0) return `The collection ${collectionName} has no latent vectors for this model yet: encode it first, then compute the UMAP layout.`;
  if (encoded < MIN_LAYOUT_MOLECULES) return `A UMAP layout needs at least ${MIN_LAYOUT_MOLECULES} encoded molecules; ${collectionName} has ${encoded}.`;
  if (encoded > MAX_LAYOUT_MOLECULES)
    return `A UMAP layout is limited to ${MAX_LAYOUT_MOLECULES.toLocaleString('en-US')} molecules (UMAP in JavaScript is slow); ${collectionName} has ${encoded.toLocaleString('en-US')} encoded. Make a smaller collection with a filter, or use the PCA map.`;
  return null;
}
