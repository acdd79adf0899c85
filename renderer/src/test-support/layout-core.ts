// MemoryCore with UMAP layouts: latent.layout starts a job (the test finishes it with events, as the job
// process would), latent.layoutInfo says whether a layout is marked as computed (and which job runs), and
// latent.map's 'umap' projection answers 409 until one is, then the PCA stand-in's points with x and y
// swapped, no background and UMAP axes.
import { ApiError } from '../../../main/api/client.ts';
import type { CallResult, ParsedArgs } from '../../../main/api/contract.ts';
import { checkCall } from '../../../main/api/validate.ts';
import { MemoryCore } from './memory-core.ts';

export class LayoutCore extends MemoryCore {
  /** collections with a UMAP layout */
  layouts = new Set<number>();
  /** collection id -> the layout job running for it */
  running = new Map<number, number>();

  override async call(name: string, raw: unknown): Promise<unknown> {
    const checked = checkCall(name, raw);
    if (checked.ok && checked.name === 'latent.layout') {
      this.log.push({ name, args: raw as Record<string, unknown> });
      if (this.gate) await this.gate;
      const a = checked.args as ParsedArgs<'latent.layout'>;
      if (!this.collections.some((c) => c.id === a.collectionId)) throw new ApiError(`There is no collection ${a.collectionId}.`, 404);
      return { jobId: this.nextJobId++ };
    }
    if (checked.ok && checked.name === 'latent.layoutInfo') {
      this.log.push({ name, args: raw as Record<string, unknown> });
      if (this.gate) await this.gate;
      const { collectionId } = checked.args as ParsedArgs<'latent.layoutInfo'>;
      if (!this.collections.some((c) => c.id === collectionId)) throw new ApiError(`There is no collection ${collectionId}.`, 404);
      const umap = this.layouts.has(collectionId) ? { points: this.molecules.get(collectionId)!.length, params: { nNeighbors: 15 }, createdAt: new Date(0).toISOString() } : null;
      return { umap, runningJobId: this.running.get(collectionId) ?? null };
    }
    if (checked.ok && checked.name === 'latent.map' && (checked.args as ParsedArgs<'latent.map'>).projection === 'umap') {
      const a = checked.args as ParsedArgs<'latent.map'>;
      if (!this.layouts.has(a.collectionId)) {
        this.log.push({ name, args: raw as Record<string, unknown> });
        throw new ApiError('series has no UMAP layout for the model yet: compute one first.', 409);
      }
      const pca = (await super.call(name, { ...(raw as object), projection: 'pca' })) as CallResult<'latent.map'>;
      this.log[this.log.length - 1] = { name, args: raw as Record<string, unknown> };
      return { ...pca, x: pca.y, y: pca.x, background: { x: [], y: [] }, axes: ['UMAP 1', 'UMAP 2'] };
    }
    return super.call(name, raw);
  }
}
