/**
 * A validated scenario as the list of heatplan command lines it stands for, in stage order. The runner executes
 * these through the CLI's own commands, so a scenario key and the option it maps to can never drift apart.
 */
import type { ResolvedScenario } from './load.js';
import { STAGE_SPECS, STAGES, type ScenarioSection, type StageName } from './schema.js';

export interface Step {
  stage: StageName;
  /** "map", or "map[1]" for the second of several maps. */
  label: string;
  /** heatplan command line (without "heatplan"); empty when the stage is not run. */
  argv: string[];
  /** Why the stage does not run: not in the scenario, or skipped by the caller (with its reason). */
  skip?: { reason: string; loud: boolean };
}

export interface PlanOptions {
  /** Stages not to run, with the reason (printed loudly). */
  skip?: Partial<Record<StageName, string>>;
  /** Let the stages print their own messages (else they run with --quiet). */
  verbose?: boolean;
}

/** The scenario's command lines, one step per stage (omitted stages included, marked skip). */
export function planSteps(s: ResolvedScenario, o: PlanOptions = {}): Step[] {
  const steps: Step[] = [];
  for (const stage of STAGES) {
    const v = s[stage];
    if (v === undefined) {
      steps.push({ stage, label: stage, argv: [], skip: { reason: 'not in the scenario', loud: false } });
      continue;
    }
    const sections = Array.isArray(v) ? v : [v];
    sections.forEach((section, i) => {
      const label = sections.length > 1 ? `${stage}[${i}]` : stage;
      const reason = o.skip?.[stage];
      if (reason) steps.push({ stage, label, argv: [], skip: { reason, loud: true } });
      else steps.push({ stage, label, argv: stageArgv(stage, section, s, o.verbose ?? false) });
    });
  }
  return steps;
}

/** One stage's command line: the command, the run folder, then each scenario key as its option. */
export function stageArgv(stage: StageName, section: ScenarioSection, s: ResolvedScenario, verbose: boolean): string[] {
  const spec = STAGE_SPECS[stage];
  const argv = [spec.command];
  if (spec.runArg === 'out') argv.push('--out', s.out);
  else if (spec.runArg === 'run') argv.push('--run', s.out);
  else argv.push(s.out);
  for (const [key, f] of Object.entries(spec.fields)) {
    const v = section[key];
    if (v !== undefined) argv.push(...f.toArgs(v));
  }
  if (stage === 'map' && section.title === undefined && s.name) argv.push('--title', s.name);
  if (!verbose) argv.push('--quiet');
  return argv;
}

/** A command line as one would type it (for messages and the manifest). */
export const showArgv = (argv: string[]): string =>
  ['heatplan', ...argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
