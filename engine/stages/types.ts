/**
 * What a stage is: a name, its option table (engine/stages/fields.ts), and one `run(runDir, options, ctx)` that reads
 * and writes the run folder through its transaction and returns the stage's summary (the same object the manifest
 * records and `--json` prints). The CLI, the scenario runner and batch workers all call `run` through `runStage`.
 * No Node imports here: a stage definition is light, its implementation is imported when it runs.
 */
import type { FieldSpec, OptionsOf } from './fields.js';

export type StageName = 'demand' | 'potential' | 'areas' | 'route' | 'simulate' | 'cost' | 'report' | 'map' | 'export';

/** Stages in the order they run. */
export const STAGES: readonly StageName[] = ['demand', 'potential', 'areas', 'route', 'simulate', 'cost', 'report', 'map', 'export'];

/** Progress of long work: `done` of `total` units. */
export type StageProgress = (done: number, total: number, label?: string) => void;

export interface StageContext {
  /** Progress of the stage's long steps (a bar on a terminal, events on a queue). */
  onProgress?: StageProgress;
  /** Notes for the person running the stage (one line each); warnings are counted in the summary as well. */
  note?: (line: string) => void;
}

export type Fields = Record<string, FieldSpec<any>>;

export interface StageDef<F extends Fields = Fields, S = unknown> {
  name: StageName;
  /** The heatplan command that runs it. */
  command: string;
  /** One line for `heatplan --help`. */
  description: string;
  /** How the command names the run folder: `--out DIR` (the stage creates the run), `--run DIR`, or an argument. */
  runArg: 'out' | 'run' | 'positional';
  /** The manifest key the stage's summary is written under (report and map write files only). */
  manifestKey?: string;
  /** The stage's options: the one table behind CLI flags, scenario keys, batch keys and the API. */
  fields: F;
  /** Checks across options (each key alone is checked by its schema); throws a UsageError naming the keys. */
  check?(o: OptionsOf<F>): void;
  /** Run the stage on `runDir` with validated options (defaults applied). */
  run(runDir: string, o: OptionsOf<F>, ctx: StageContext): Promise<S>;
  /** The key figures of a summary as one line, for terminals and logs. */
  line(summary: S, runDir: string): string;
  /** More lines for a terminal (how the CRS was chosen, warnings), indented under the line. */
  details?(summary: S): string[];
}

/** Command-line options of a stage's command that are not stage options: the run folder, --json, --quiet. */
export const runnerOptions = (d: Pick<StageDef, 'runArg'>): string[] =>
  [...(d.runArg === 'out' ? ['--out'] : d.runArg === 'run' ? ['--run'] : []), '--json', '--quiet'];

/** A stage definition with its field table's types kept (for `satisfies`-free declaration). */
export const defineStage = <F extends Fields, S>(d: StageDef<F, S>): StageDef<F, S> => d;
