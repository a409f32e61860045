/**
 * The viewer's server on its own, in a child process (as `heatplan view` runs it), for the tests that change the run
 * folder under it: `node --import tsx test/viewer/serve-child.ts RUN_DIR DIST_DIR` prints `{"port":N}` on stdout once
 * it listens; the server's log lines go to stderr. If the server dies of an error, so does this process.
 */
import { startViewServer } from '../../engine/viewer/server.js';

const [runDir, distDir] = process.argv.slice(2);
const srv = await startViewServer({ runDir: runDir!, distDir: distDir!, port: 0 });
process.stdout.write(JSON.stringify({ port: srv.port }) + '\n');
