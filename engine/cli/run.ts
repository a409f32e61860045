/**
 * `heatplan run SCENARIO.yaml`: the whole pipeline (demand, potential, areas, route, simulate, report, map) from one
 * scenario file. The file is validated first (every problem named with file, line, key and what was expected), then
 * each stage runs through the stage registry in this process, with the scenario's sections as its options.
 */
import type { Command } from 'commander';
import { info, printJson } from './common.js';

export function register(program: Command): void {
  program
    .command('run')
    .description('run the pipeline from a scenario file: demand, potential, areas, route, simulate, report, map (see README "Scenario files")')
    .argument('<scenario>', 'scenario YAML file')
    .option('--out <dir>', "run folder (overrides the scenario's out)")
    .option('--check', 'validate the scenario and print the equivalent stage commands without running them', false)
    .option('--keep-partial', 'when a stage fails, keep the stages that finished (else the folder is left as it was)', false)
    .option('--verbose', 'let each stage print its own messages too', false)
    .option('--json', 'print the run summary as JSON on stdout', false)
    .option('--quiet', 'no messages on stderr', false)
    .action(async (file: string, opts) => {
      const [{ loadScenario }, { planSteps, showArgv }, { runScenario }] = await Promise.all([
        import('../pipeline/load.js'),
        import('../pipeline/plan.js'),
        import('../pipeline/runner.js'),
      ]);
      const s = await loadScenario(file, { out: opts.out });
      if (opts.check) {
        const steps = planSteps(s, { verbose: opts.verbose });
        if (opts.json) printJson({ scenario: s.file, out: s.out, steps: steps.map((st) => ({ stage: st.label, options: st.options, argv: st.argv, skip: st.skip?.reason })) });
        for (const n of s.notes) info(`heatplan run: ${n}`, opts.quiet);
        for (const st of steps) info(st.skip ? `# ${st.label}: ${st.skip.reason}` : showArgv(st.argv), opts.quiet);
        info(`heatplan run: ${file} is valid`, opts.quiet);
        return;
      }
      const r = await runScenario(s, { verbose: opts.verbose, keepPartial: opts.keepPartial, log: opts.quiet ? null : undefined });
      if (opts.json) printJson(r);
    });
}
