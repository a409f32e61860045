#!/usr/bin/env node
/**
 * The heatplan command. Runs the compiled CLI, dist/cli/main.js (`npm run build`; `prepare` builds it on `npm install`
 * in a clone; the npm package ships it).
 * In a clone whose dist/ is missing or older than the TypeScript sources (bin/build-state.mjs), it runs the sources
 * through tsx instead, if tsx is installed (a devDependency), so tests and edits never run a stale build; the one-line
 * notice saying so goes to stderr only when stderr is a terminal (scripts and tests compare stderr). Without tsx it
 * runs the old build with a notice, or, with no build at all, says to build and exits 70.
 * HEATPLAN_SOURCE=1 always runs the sources (needs tsx); HEATPLAN_SOURCE=0 always runs dist/.
 */
import { buildState } from './build-state.mjs';

const force = process.env.HEATPLAN_SOURCE;
const state =
  force === '0' ? { ok: true } : force === '1' ? { ok: false, built: false, sources: true, reason: 'HEATPLAN_SOURCE=1' } : buildState();
const note = (s) => process.stderr.write(`heatplan: ${s}\n`);

let main;
if (state.ok) {
  ({ main } = await import('../dist/cli/main.js'));
} else {
  let tsx;
  if (state.sources) {
    try {
      tsx = import.meta.resolve('tsx/esm/api');
    } catch {
      // tsx not installed
    }
  }
  if (tsx) {
    if (process.stderr.isTTY && force !== '1') note(`${state.reason}: running the TypeScript sources through tsx (npm run build for the compiled CLI)`);
    (await import(tsx)).register();
    ({ main } = await import('../engine/cli/main.ts'));
  } else if (state.built) {
    note(`${state.reason}, and tsx is not installed to run the sources: running the old build (npm run build)`);
    ({ main } = await import('../dist/cli/main.js'));
  } else {
    note(`${state.reason}: run \`npm run build\` (or install the devDependencies to run the sources through tsx)`);
    process.exit(70);
  }
}
process.exitCode = await main(process.argv.slice(2));
