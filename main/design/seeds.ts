// Seeds of design operations: a SMILES canonicalized by RDKit, encoded once and held exactly where the model can
// (inversion.ts: the latent point that decodes to it, else the mean with the nearest held molecule named), with its
// fingerprint, atom environments and the property head's directions at its point kept in a small LRU, so a
// slider move on the same seed costs one decode. A seed RDKit cannot read, or one with a token the model's
// vocabulary lacks, is a 400 that says so.
import { badRequest } from '../handlers/errors.ts';
import type { SeedHold } from '../api/contract.ts';
import { canonicalSmiles } from './canonical.ts';
import { Inverter } from './inversion.ts';
import { seedChem } from './designed-molecule.ts';
import type { SeedChem } from './designed-molecule.ts';
import { Lru } from './lru.ts';
import type { ModelService } from './model-service.ts';
import { problemReason } from './molecule-input.ts';

export interface Seed {
  canonical: string;
  /** where design starts: a latent point that decodes to the seed when one was found, else the encoder's mean */
  z: Float32Array;
  hold: SeedHold;
  map: [number, number];
  chem: SeedChem;
  /** the property head's unit directions at z, flat [properties × latent] (computed on first use) */
  propertyDirections(): Promise<Float32Array>;
}

const SEEDS_KEPT = 64;

export class SeedCache {
  private readonly lru = new Lru<string, Promise<Seed>>(SEEDS_KEPT);
  /**
   * The canonical SMILES of seeds as sent: every slider move, prefetch and look-ahead names its seed, and RDKit's
   * parse and canonicalization of it (1–3 ms on the core's thread, more under load) gave the same answer each time.
   * Null: RDKit cannot read it.
   */
  private readonly canonicalOf = new Lru<string, string | null>(SEEDS_KEPT * 4);

  private readonly inverter: Inverter;

  constructor(private readonly model: ModelService) {
    this.inverter = new Inverter(model);
  }

  async close(): Promise<void> {
    await this.inverter.close();
  }

  /** The seed for a SMILES, from the cache when it was seen recently. `what` names it in messages ('seed', 'from'). */
  async get(smiles: string, what = 'seed'): Promise<Seed> {
    const input = smiles.trim();
    let canonical = this.canonicalOf.get(input);
    if (canonical === undefined) this.canonicalOf.set(input, (canonical = canonicalSmiles(input)));
    if (canonical === null) throw badRequest(`The ${what} '${smiles}' is not a molecule RDKit can read.`);
    let s = this.lru.get(canonical);
    if (!s) {
      s = this.load(canonical, smiles, what);
      this.lru.set(canonical, s);
      s.catch(() => this.lru.delete(canonical));
    }
    return s;
  }

  private async load(canonical: string, input: string, what: string): Promise<Seed> {
    const m = this.model;
    const { mu, logvar, problems } = await m.encode([canonical]);
    if (problems.length) {
      const p = problems[0];
      throw badRequest(`The ${what} '${input}' cannot be encoded by the model ${m.name}: ${problemReason(p.message)}.`);
    }
    // start where the model gives the seed back (inversion.ts), never silently at another molecule
    const h = await this.inverter.invert(canonical, mu.slice(0, m.latent), logvar.slice(0, m.latent));
    const z = h.z;
    const hold: SeedHold = { held: h.held, method: h.method, nearest: h.nearest, similarity: h.similarity };
    const { x, y } = m.project(z, 1);
    const chem = seedChem(canonical);
    if (!chem) throw badRequest(`The ${what} '${input}' is not a molecule RDKit can read.`);
    let dirs: Promise<Float32Array> | null = null;
    return { canonical, z, hold, map: [x[0], y[0]], chem, propertyDirections: () => (dirs ??= m.propertyDirections(z)) };
  }
}
