// Where the desktop app finds its pieces. The main bundle is CommonJS in dist/electron/ (build.mjs): the
// preload, the job worker and the chem threads sit beside it, the built renderer in dist/renderer/, and the
// shipped data in resources/ (the checkout's, or <app>/resources/resources once packaged: extraResources).
import path from 'node:path';

export interface AppPaths {
  preload: string;
  rendererDir: string;
  jobWorker: string;
  /** Set as MOLSCAPE_RESOURCES for the core and its processes; null: the core finds the checkout's own. */
  resources: string | null;
  workspace: string;
}

export function appPaths(opts: { bundleDir: string; userData: string; packaged: boolean; resourcesPath: string }): AppPaths {
  return {
    preload: path.join(opts.bundleDir, 'preload.cjs'),
    rendererDir: path.join(opts.bundleDir, '..', 'renderer'),
    jobWorker: path.join(opts.bundleDir, 'worker.cjs'),
    resources: opts.packaged ? path.join(opts.resourcesPath, 'resources') : null,
    workspace: path.join(opts.userData, 'workspace.sqlite'),
  };
}
