// The workspace's active model as the table knows it: its name and the sha256 of its manifest.json, the identity
// latent vectors and their confidence are stored under (latent_vectors.model_sha256; ModelService.manifestSha256
// of the same folder, which the latent map and the encode job use). Read without loading the model onto ONNX
// Runtime, since the table asks on every window: the manifest is hashed once and again only when the active
// model's choice or its manifest file changes (stat), so a page costs one settings read and one stat.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { BUNDLE_LIMITS, readBundleFile } from '../../models/vae/bundle-check.ts';
import type { ModelRegistry } from '../design/model-registry.ts';
import { getSetting } from '../store/settings.ts';
import { ACTIVE_MODEL, activeModelName } from './model-handlers.ts';

export interface ModelIdentity {
  name: string;
  /** sha256 (hex) of the bundle's manifest.json */
  sha256: string;
}

/** The active model's identity, or null when its folder has no readable manifest (the table then shows no confidence). */
export function activeModelIdentity(db: Database.Database, registry: ModelRegistry): () => ModelIdentity | null {
  let last: { setting: string | null; name: string; dir: string; stamp: string; identity: ModelIdentity | null } | null = null;
  return () => {
    const setting = getSetting<string>(db, ACTIVE_MODEL) ?? null;
    try {
      // which model: looked up again only when the choice changed (activeModelName verifies bundles)
      const name = last && last.setting === setting ? last.name : activeModelName(db, registry);
      const dir = last && last.setting === setting ? last.dir : path.resolve(registry.resolve(name));
      const st = fs.statSync(path.join(dir, 'manifest.json'));
      const stamp = `${st.ino} ${st.size} ${st.mtimeMs}`;
      if (last && last.setting === setting && last.stamp === stamp) return last.identity;
      const bytes = readBundleFile(dir, 'manifest.json', { maxBytes: BUNDLE_LIMITS.manifestBytes });
      const identity = { name, sha256: createHash('sha256').update(bytes).digest('hex') };
      last = { setting, name, dir, stamp, identity };
      return identity;
    } catch {
      last = null;
      return null;
    }
  };
}
