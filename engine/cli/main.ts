/**
 * heatplan command line. The stage commands are made from the stage registry (engine/stages/), the others (view, run,
 * batch, demo) register themselves; every command imports its heavy modules only when it runs, so `--help` is quick.
 * Errors about input print one clear line (file, record, value) and exit non-zero: 1 for bad data, 2 for usage.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { HeatplanError, isSystemError, OutputError, UsageError } from '../errors.js';
import { stages } from '../stages/index.js';
import { VERSION } from '../version.js';
import { register as registerBatch } from './batch.js';
import { register as registerDemo } from './demo.js';
import { register as registerRun } from './run.js';
import { registerStage } from './stage-command.js';
import { register as registerView } from './view.js';
import { register as registerWorker } from './worker.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('heatplan')
    .description('District heating planning: heat-demand mapping, heat-source potentials, pipe routing, hourly simulation')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // pipeline order, as `heatplan --help` lists them
  for (const def of Object.values(stages)) registerStage(program, def);
  registerView(program);
  registerRun(program);
  registerBatch(program);
  registerDemo(program);
  registerWorker(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`heatplan: error: ${e.message}\n`);
      return 2;
    }
    // a file-system error that escaped a writer (it has a code and a path): the path and the cause, no stack
    const fs = isSystemError(e) && e.path !== undefined ? OutputError.from(e) : undefined;
    if (e instanceof HeatplanError || fs) {
      process.stderr.write(`heatplan: error: ${(fs ?? (e as HeatplanError)).message}\n`);
      return 1;
    }
    process.stderr.write(`heatplan: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

// Run directly (`npx tsx engine/cli/main.ts demand ...`, `node dist/cli/main.js ...`) as well as through bin/heatplan.mjs.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
