#!/usr/bin/env node
// The `molscape` command. The CLI is TypeScript source: register tsx's loader in this process (resolved from
// this file, so it works from any current directory), then hand over to main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv);
