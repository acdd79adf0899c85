import { describe, expect, it } from 'vitest';
import { createClient } from '../../../main/api/client.ts';
import { MemoryCore, modelInfo, settle } from '../test-support/memory-core.ts';
import { ModelsState } from './models.svelte.ts';

function coreWithModels() {
  const core = new MemoryCore();
  core.models = [
    modelInfo('zinc250k'),
    modelInfo('series-ft', { source: 'user', createdAt: '2026-12-01T09:00:00Z' }),
    modelInfo('half-written', { source: 'user', problem: 'decoder.onnx is missing (the run did not finish)', card: null, createdAt: '2026-12-02T09:00:00Z' }),
  ];
  return core;
}

describe('ModelsState', () => {
  it('lists the shipped models first, then the trained ones newest first, and knows the active one', async () => {
    const core = coreWithModels();
    const models = new ModelsState(createClient(core));
    await models.refresh();
    expect(models.sorted.map((m) => m.name)).toEqual(['zinc250k', 'half-written', 'series-ft']);
    expect(models.active?.name).toBe('zinc250k');
    expect(models.usable.map((m) => m.name)).toEqual(['zinc250k', 'series-ft']);
  });

  it('makes a model active and reads the list again', async () => {
    const core = coreWithModels();
    const models = new ModelsState(createClient(core));
    await models.refresh();
    expect(await models.setActive('series-ft')).toBe(true);
    expect(core.calls('models.setActive')[0].args).toEqual({ name: 'series-ft' });
    expect(models.active?.name).toBe('series-ft');
  });

  it('never asks to make a broken model active, and says why', async () => {
    const core = coreWithModels();
    const models = new ModelsState(createClient(core));
    await models.refresh();
    expect(await models.setActive('half-written')).toBe(false);
    expect(core.calls('models.setActive')).toHaveLength(0);
    expect(models.error).toMatch(/half-written cannot be made active: decoder.onnx is missing/);
  });

  it('checks a new name before sending it: the contract rule and names already taken', async () => {
    const core = coreWithModels();
    const models = new ModelsState(createClient(core));
    await models.refresh();
    expect(await models.rename('series-ft', '../evil')).toBe(false);
    expect(models.error).toMatch(/letters, digits/);
    expect(await models.rename('series-ft', 'ZINC250K')).toBe(false);
    expect(models.error).toBe('There is already a model called ZINC250K.');
    expect(core.calls('models.rename')).toHaveLength(0);
    expect(await models.rename('series-ft', 'series v2')).toBe(true);
    expect(core.calls('models.rename')[0].args).toEqual({ name: 'series-ft', newName: 'series v2' });
    expect(models.byName('series v2')?.source).toBe('user');
    // what knew it by its old name (a finished run's panel) still finds it
    expect(models.byName('series-ft')?.name).toBe('series v2');
    expect(await models.rename('series v2', 'series v3')).toBe(true);
    expect(models.byName('series-ft')?.name).toBe('series v3');
    expect(models.byName('no such model')).toBeUndefined();
  });

  it("shows the core's refusal as a message, not a crash", async () => {
    const core = coreWithModels();
    const models = new ModelsState(createClient(core));
    await models.refresh();
    expect(await models.remove('zinc250k')).toBe(false);
    expect(models.error).toBe('Could not delete zinc250k: zinc250k ships with the app and cannot be deleted.');
    expect(models.pending).toBeNull();
  });

  it('deletes a trained model; the active one falls back to the shipped model', async () => {
    const core = coreWithModels();
    const models = new ModelsState(createClient(core));
    await models.refresh();
    await models.setActive('series-ft');
    expect(await models.remove('series-ft')).toBe(true);
    expect(models.byName('series-ft')).toBeUndefined();
    expect(models.active?.name).toBe('zinc250k');
  });

  it('reads the list again when a train job ends', async () => {
    const core = coreWithModels();
    const models = new ModelsState(createClient(core));
    const off = models.watch();
    core.emit('job.finished', { jobId: 3, kind: 'encode', status: 'done', error: null, result: null });
    await settle();
    expect(core.calls('models.list')).toHaveLength(0);
    core.emit('job.finished', { jobId: 4, kind: 'train', status: 'done', error: null, result: null });
    await settle();
    expect(core.calls('models.list')).toHaveLength(1);
    off();
  });
});
