/**
 * A validated scenario as the list of stage runs it stands for, in stage order: each step carries the stage's options
 * as data (what the runner passes to `runStage`) and, for people, the heatplan command line that would do the same
 * (printed by `heatplan run --check`, recorded in the manifest). Nothing parses that command line.
 */
import type { ResolvedScenario } from './load.js';
import { STAGE_SPECS, STAGES, type ScenarioSection, type StageName } from './schema.js';

export interface Step {
  stage: StageName;
  /** "map", or "map[1]" for the second of several maps. */
  label: string;
  /** The stage's options (scenario keys, paths absolute; the map title defaults to the scenario name). */
  options: Record<string, unknown>;
  /** The equivalent heatplan command line (without "heatplan"); empty when the stage is not run. */
  argv: string[];
  /** Why the stage does not run: not in the scenario, or skipped by the caller (with its reason). */
  skip?: { reason: string; loud: boolean };
}

export interface PlanOptions {
  /** Stages not to run, with the reason (printed loudly). */
  skip?: Partial<Record<StageName, string>>;
  /** The stages print their own messages (else the command line shows --quiet). */
  verbose?: boolean;
}

/** The scenario's steps, one per stage (omitted stages included, marked skip). */
export function planSteps(s: ResolvedScenario, o: PlanOptions = {}): Step[] {
  const steps: Step[] = [];
  for (const stage of STAGES) {
    const v = s[stage];
    if (v === undefined) {
      steps.push({ stage, label: stage, options: {}, argv: [], skip: { reason: 'not in the scenario', loud: false } });
      continue;
    }
    const sections = Array.isArray(v) ? v : [v];
    sections.forEach((section, i) => {
      const label = sections.length > 1 ? `${stage}[${i}]` : stage;
      const reason = o.skip?.[stage];
      const options = stageOptions(stage, section, s);
      if (reason) steps.push({ stage, label, options, argv: [], skip: { reason, loud: true } });
      else steps.push({ stage, label, options, argv: stageArgv(stage, section, s, o.verbose ?? false) });
    });
  }
  return steps;
}

/** A section's options as the stage takes them: the map title defaults to the scenario's name. */
export function stageOptions(stage: StageName, section: ScenarioSection, s: ResolvedScenario): Record<string, unknown> {
  const o = { ...section };
  if (stage === 'map' && o.title === undefined && s.name) o.title = s.name;
  return o;
}

/** The heatplan command line equivalent to one step: the command, the run folder, then each option as its flag. */
export function stageArgv(stage: StageName, section: ScenarioSection, s: ResolvedScenario, verbose: boolean): string[] {
  const spec = STAGE_SPECS[stage];
  const argv = [spec.command];
  if (spec.runArg === 'out') argv.push('--out', s.out);
  else if (spec.runArg === 'run') argv.push('--run', s.out);
  else argv.push(s.out);
  for (const [key, f] of Object.entries(spec.fields)) if (section[key] !== undefined) argv.push(...f.toArgs(section[key]));
  const o = stageOptions(stage, section, s);
  if (o.title !== section.title) argv.push(...spec.fields.title!.toArgs(o.title));
  if (!verbose) argv.push('--quiet');
  return argv;
}

/** A command line as one would type it (for messages and the manifest). */
export const showArgv = (argv: string[]): string =>
  ['heatplan', ...argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
