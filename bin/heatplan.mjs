#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx's loader: no build step between `npm install` and `npx heatplan`.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../engine/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
