// Node flags that let a child process or thread run TypeScript sources: tsx's loader, by absolute URL so
// that it resolves whatever the current directory is (`npx molscape` from anywhere).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

let cached: string[] | null = null;

export function tsxExecArgv(): string[] {
  cached ??= ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href];
  return cached;
}

export const execArgvFor = (module: string): string[] => (module.endsWith('.ts') ? tsxExecArgv() : []);
