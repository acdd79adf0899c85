// `npm run serve`: browser mode. Opens the workspace, starts the server on 127.0.0.1 and prints exactly one line
// on stdout, the address to open (with its per-run token). Everything else (warnings, errors) goes to stderr.
// The token never goes on a command line (other users can read those): a chosen one comes by MOLSCAPE_TOKEN in
// the environment, is not printed, and the job processes are started without it in their argv.
// Stops cleanly on SIGINT / SIGTERM: no new requests, sockets closed, running jobs stopped, workspace closed.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createCore } from '../../main/handlers/core.ts';
import { GrantedPaths } from '../../main/handlers/path-policy.ts';
import { openInBrowser } from './open-browser.ts';
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
  // read once; the job processes this server starts inherit its environment and have no use for the token
  delete process.env.MOLSCAPE_TOKEN;
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
    server = await startServer({ core, port: options.port, staticDir, token: options.token });
  } catch (err) {
    await core.close();
    throw err;
  }

  // --open: the browser gets a private file that forwards to the address, never the address on its command line
  const opened = options.open
    ? openInBrowser(server.url, { onError: (err) => console.error(`molscape: could not open a browser (${err.message}): open the address below yourself.`) })
    : null;

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // A second signal while closing means: now.
    process.once(signal, () => process.exit(130));
    opened?.remove();
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

  // a token the user chose (MOLSCAPE_TOKEN) is theirs already: it is not echoed into a terminal or a log
  const address = options.token ? `http://127.0.0.1:${server.port}/ (add ?token= and your MOLSCAPE_TOKEN)` : server.url;
  process.stdout.write(`Molscape is serving at ${address}\n`);
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  const message = e?.code === 'EADDRINUSE' ? 'the port is already in use: choose another with --port' : (e?.message ?? String(err));
  console.error(`molscape: could not start: ${message}`);
  process.exit(1);
});
