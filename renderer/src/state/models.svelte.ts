// Every model the app can use (`models.list`: the shipped bundles and those the chemist trained), the
// workspace's active one, and what the Models view does to them: make one active, rename or delete a trained
// one. One instance for the app: the top bar and the Design view say which model is active from it. A train
// job that ends brings a new model, so the list is read again then.
import type { ApiClient } from '../../../main/api/client.ts';
import type { ModelInfo } from '../../../main/api/contract.ts';
import { modelNameProblem } from '../lib/model-name.ts';

export class ModelsState {
  list = $state.raw<ModelInfo[]>([]);
  loaded = $state(false);
  loading = $state(false);
  /** why the list could not be read, or the last action failed */
  error = $state<string | null>(null);
  /** the model an action is running on (its buttons wait) */
  pending = $state<string | null>(null);

  /** the active model; the default one when the core marks none active */
  active = $derived(this.list.find((m) => m.active) ?? this.list.find((m) => m.isDefault && !m.problem) ?? null);
  /** shipped first, then the chemist's own, newest first */
  sorted = $derived(
    [...this.list].sort((a, b) =>
      a.source !== b.source ? (a.source === 'shipped' ? -1 : 1) : (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.name.localeCompare(b.name),
    ),
  );
  usable = $derived(this.list.filter((m) => !m.problem));

  readonly #client: ApiClient;
  #request = 0;
  /** renames made here, old name → new, so what knew a model by its old name (a run's panel) still finds it */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- read with the list, which changes with every rename
  readonly #renamed = new Map<string, string>();

  constructor(client: ApiClient) {
    this.#client = client;
  }

  /** Reads the list again when a train job ends (a new model, or a run's bundle written on cancel). */
  watch(): () => void {
    return this.#client.on('job.finished', (f) => {
      if (f.kind === 'train') void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    const request = ++this.#request;
    this.loading = true;
    try {
      const list = await this.#client.call('models.list', {});
      if (request !== this.#request) return;
      this.list = list;
      this.error = null;
    } catch (error) {
      if (request === this.#request) this.error = `Could not read the models: ${(error as Error).message}`;
    } finally {
      if (request === this.#request) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /** A model by its name, or by a name it had before a rename made here. */
  byName(name: string): ModelInfo | undefined {
    const found = this.list.find((m) => m.name === name);
    if (found) return found;
    let current = name;
    for (let hops = 0; this.#renamed.has(current) && hops < 100; hops++) current = this.#renamed.get(current)!;
    return current === name ? undefined : this.list.find((m) => m.name === current);
  }

  async setActive(name: string): Promise<boolean> {
    const model = this.byName(name);
    if (model?.problem) {
      this.error = `${name} cannot be made active: ${model.problem}`;
      return false;
    }
    return this.#act(name, `Could not make ${name} active`, async () => {
      await this.#client.call('models.setActive', { name });
    });
  }

  /** A clear message for a name the core would refuse, or null when it is fine. */
  static nameProblem(newName: string, list: ModelInfo[], current?: string): string | null {
    const problem = modelNameProblem(newName);
    if (problem) return problem;
    if (newName !== current && list.some((m) => m.name.toLowerCase() === newName.toLowerCase())) return `There is already a model called ${newName}.`;
    return null;
  }

  async rename(name: string, newName: string): Promise<boolean> {
    const trimmed = newName.trim();
    if (trimmed === name) return true;
    const problem = ModelsState.nameProblem(trimmed, this.list, name);
    if (problem) {
      this.error = problem;
      return false;
    }
    return this.#act(name, `Could not rename ${name}`, async () => {
      await this.#client.call('models.rename', { name, newName: trimmed });
      this.#renamed.set(name, trimmed);
    });
  }

  async remove(name: string): Promise<boolean> {
    return this.#act(name, `Could not delete ${name}`, async () => {
      await this.#client.call('models.delete', { name });
    });
  }

  async #act(name: string, couldNot: string, action: () => Promise<void>): Promise<boolean> {
    this.pending = name;
    this.error = null;
    try {
      await action();
      await this.refresh();
      return true;
    } catch (error) {
      this.error = `${couldNot}: ${(error as Error).message}`;
      return false;
    } finally {
      this.pending = null;
    }
  }
}
