// The seed's hold badge: held exactly says how; not held names the molecule design starts from instead.
import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { cleanupAfterEach } from '../../test-support/layout.ts';
import SeedHold from './SeedHold.svelte';

cleanupAfterEach();

describe('SeedHold', () => {
  it('says a held seed is held, and how', () => {
    render(SeedHold, { hold: { held: true, method: 'gradient', nearest: null, similarity: null } });
    expect(screen.getByTestId('seed-hold').textContent).toMatch(/Held exactly.*search in latent space/s);
  });

  it('warns when the model does not hold the seed, naming the nearest molecule it holds and its similarity', () => {
    render(SeedHold, { hold: { held: false, method: null, nearest: 'CCOc1ccccc1', similarity: 0.4312 } });
    const text = screen.getByTestId('seed-hold').textContent ?? '';
    expect(text).toMatch(/does not give this molecule back/);
    expect(text).toMatch(/CCOc1ccccc1/);
    expect(text).toMatch(/Tanimoto 0\.43/);
  });

  it('shows nothing before the seed is known', () => {
    render(SeedHold, { hold: null });
    expect(screen.queryByTestId('seed-hold')).toBeNull();
  });
});
