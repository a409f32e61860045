/**
 * `heatplan run SCENARIO.yaml`: the whole pipeline (demand, potential, areas, route, simulate, report, map) from one
 * scenario file. The file is validated first (every problem named with file, line, key and what was expected), then
 * each stage runs as the same heatplan command a user would type, in this process.
 */
import type { Command } from 'commander';
import { loadScenario } from '../pipeline/load.js';
import { planSteps, showArgv } from '../pipeline/plan.js';
import { runScenario, type ExecFn } from '../pipeline/runner.js';
import { info } from '../util/progress.js';
import { printJson } from './common.js';

/** Run one heatplan command line in this process; throws the command's error (nothing printed for it). */
export const execStage: ExecFn = async (argv) => {
  const { buildProgram } = await import('./main.js');
  const program = buildProgram();
  // the runner reports a stage's error once, with the stage named; commander must not print it first
  const silence = (c: Command) => {
    c.configureOutput({ writeErr: () => {}, outputError: () => {} });
    c.commands.forEach(silence);
  };
  silence(program);
  await program.parseAsync(argv, { from: 'user' });
};

export function register(program: Command): void {
  program
    .command('run')
    .description('run the pipeline from a scenario file: demand, potential, areas, route, simulate, report, map (see README "Scenario files")')
    .argument('<scenario>', 'scenario YAML file')
    .option('--out <dir>', 'run folder (overrides the scenario\'s out)')
    .option('--check', 'validate the scenario and print the stage commands without running them', false)
    .option('--keep-partial', 'when a stage fails, keep the stages that finished (else the folder is left as it was)', false)
    .option('--verbose', 'let each stage print its own messages too', false)
    .option('--json', 'print the run summary as JSON on stdout', false)
    .option('--quiet', 'no messages on stderr', false)
    .action(async (file: string, opts) => {
      const s = await loadScenario(file, { out: opts.out });
      if (opts.check) {
        const steps = planSteps(s, { verbose: opts.verbose });
        if (opts.json) printJson({ scenario: s.file, out: s.out, steps: steps.map((st) => ({ stage: st.label, argv: st.argv, skip: st.skip?.reason })) });
        for (const st of steps) info(st.skip ? `# ${st.label}: ${st.skip.reason}` : showArgv(st.argv), opts.quiet);
        info(`heatplan run: ${file} is valid`, opts.quiet);
        return;
      }
      const r = await runScenario(s, { exec: execStage, verbose: opts.verbose, keepPartial: opts.keepPartial, log: opts.quiet ? null : undefined });
      if (opts.json) printJson(r);
    });
}
