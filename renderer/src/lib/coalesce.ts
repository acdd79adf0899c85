// Run an async refresh at most once at a time: a request that arrives while one runs is folded into a
// single follow-up run. Events such as 'collections.changed' can arrive many times a second while a job
// fills in properties; the UI needs the latest state, not one fetch per event.
export function coalesce(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async () => {
    do {
      again = false;
      try {
        await run();
      } catch (error) {
        console.warn('Molscape: refresh failed', error);
      }
    } while (again);
    running = null;
  };
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = loop();
    return running;
  };
}
