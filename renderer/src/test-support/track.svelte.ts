// Run a function in a Svelte reaction and record what it returns each time it runs, as a component's markup
// would re-read it: for testing that state classes tell their readers when something changed.
import { flushSync } from 'svelte';

export function track<T>(read: () => T): { values: T[]; stop: () => void } {
  const values: T[] = [];
  const stop = $effect.root(() => {
    $effect(() => {
      values.push(read());
    });
  });
  flushSync();
  return { values, stop };
}
