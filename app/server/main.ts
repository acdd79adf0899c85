// `npm run serve`: browser mode. Opens the workspace, starts the server on 127.0.0.1 and prints exactly one line
// on stdout, the address to open (with its per-run token). Everything else (warnings, errors) goes to stderr.
// Stops cleanly on SIGINT / SIGTERM: no new requests, sockets closed, running jobs stopped, workspace closed.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createCore } from '../../main/handlers/core.ts';
import { GrantedPaths } from '../../main/handlers/path-policy.ts';
import { parseServeOptions, usage } from './options.ts';
import { startServer } from './server.ts';

const staticDir = path.resolve(import.meta.dirname, '..', '..', 'renderer', 'dist');

async function main(): Promise<void> {
  let options;
  try {
    options = parseServeOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    console.error(`molscape: the user interface is not built (${staticDir}): run npm run serve, which builds it first.`);
  }
  mkdirSync(path.dirname(options.workspace), { recursive: true });
  // a page names paths only inside the folders granted here; otherwise files come as uploads, go as downloads
  const paths = new GrantedPaths(
    options.allowFolders,
    'In browser mode a file comes in by upload (drop it on the page) and goes out as a download; to name paths, start Molscape with --allow-folder FOLDER.',
  );
  const core = await createCore({ workspace: options.workspace, host: 'browser', resumeProperties: true, paths });
  let server;
  try {
    server = await startServer({ core, port: options.port, staticDir });
  } catch (err) {
    await core.close();
    throw err;
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // A second signal while closing means: now.
    process.once(signal, () => process.exit(130));
    server
      .close()
      .then(() => core.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('molscape: error while stopping:', err);
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  process.stdout.write(`Molscape is serving at ${server.url}\n`);
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  const message = e?.code === 'EADDRINUSE' ? 'the port is already in use: choose another with --port' : (e?.message ?? String(err));
  console.error(`molscape: could not start: ${message}`);
  process.exit(1);
});
