// Turns a collections.import source into a file the import job can read: a path is checked now (so the
// user hears "no such file" at once, not from a failed job), an upload is decoded into a temporary file in
// an uploads folder beside the workspace (same disk, and the job process can read it by path).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { ImportSource } from '../api/contract.ts';
import { badRequest } from './errors.ts';

export interface ResolvedSource {
  path: string;
  fileName: string;
  sourcePath: string | null;
  temporary: boolean;
}

export function uploadsFolder(workspace: string): string {
  return join(dirname(resolve(workspace)), '.molscape-uploads');
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

export function resolveImportSource(source: ImportSource, workspace: string): ResolvedSource {
  if (source.kind === 'path') {
    const path = resolve(source.path);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw badRequest(`Cannot import ${source.path}: there is no such file.`);
    }
    if (!stat.isFile()) throw badRequest(`Cannot import ${source.path}: it is not a file.`);
    return { path, fileName: basename(path), sourcePath: path, temporary: false };
  }
  const fileName = basename(source.fileName.replace(/\\/g, '/')) || 'upload';
  if (!BASE64.test(source.base64)) throw badRequest(`Cannot import the upload ${fileName}: its content is not valid base64.`);
  const bytes = Buffer.from(source.base64, 'base64');
  if (!bytes.length) throw badRequest(`Cannot import the upload ${fileName}: it is empty.`);
  const folder = uploadsFolder(workspace);
  mkdirSync(folder, { recursive: true });
  // a random prefix keeps two uploads of the same name apart; the name keeps the extension for the reader
  const path = join(folder, `${randomBytes(6).toString('hex')}-${fileName.replace(/[^\w.+-]/g, '_')}`);
  writeFileSync(path, bytes);
  return { path, fileName, sourcePath: null, temporary: true };
}

/**
 * Removes uploads an earlier run left behind (it stopped before their import job ended). Only files older
 * than `olderThanMs`: another app window on the same workspace may be importing one right now.
 */
export function removeStaleUploads(workspace: string, olderThanMs = 60 * 60 * 1000, now = Date.now()): number {
  const folder = uploadsFolder(workspace);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(folder, name);
    try {
      if (now - statSync(path).mtimeMs > olderThanMs) {
        rmSync(path, { force: true });
        removed++;
      }
    } catch {
      // gone already, or not ours to remove: leave it
    }
  }
  return removed;
}
