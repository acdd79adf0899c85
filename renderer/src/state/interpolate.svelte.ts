// Interpolation between two molecules: N steps, linear or spherical, one call; the path comes back with
// consecutive identical decodes already collapsed (repeats counts them).
import type { ApiClient } from '../../../main/api/client.ts';
import type { CallResult } from '../../../main/api/contract.ts';

export type PathStep = CallResult<'latent.interpolate'>['path'][number];

export const PATH_DRAW = { width: 170, height: 130 };

export class InterpolateState {
  from = $state('');
  to = $state('');
  steps = $state(10);
  method = $state<'linear' | 'slerp'>('linear');
  path = $state.raw<PathStep[]>([]);
  error = $state<string | null>(null);
  busy = $state(false);

  ready = $derived(this.from.trim() !== '' && this.to.trim() !== '' && this.steps >= 2 && this.steps <= 200);
  valid = $derived(this.path.reduce((n, s) => n + (s.molecule.valid ? s.repeats : 0), 0));
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a count made fresh from the path
  distinct = $derived(new Set(this.path.filter((s) => s.molecule.valid).map((s) => s.molecule.smiles)).size);

  readonly #client: ApiClient;
  #request = 0;

  constructor(client: ApiClient) {
    this.#client = client;
  }

  async run(): Promise<void> {
    if (!this.ready) return;
    const request = ++this.#request;
    this.busy = true;
    this.error = null;
    try {
      const { path } = await this.#client.call('latent.interpolate', {
        from: this.from.trim(),
        to: this.to.trim(),
        steps: Math.round(this.steps),
        method: this.method,
        draw: PATH_DRAW,
      });
      if (request === this.#request) this.path = path;
    } catch (error) {
      if (request === this.#request) {
        this.error = (error as Error).message;
        this.path = [];
      }
    } finally {
      if (request === this.#request) this.busy = false;
    }
  }
}
