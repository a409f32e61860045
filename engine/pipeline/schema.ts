/**
 * The scenario format: one section per stage whose keys are that stage's option keys (engine/stages/*.ts: the one
 * spelling shared with batch files and the API, with the unit as a suffix where the option takes a number with a
 * unit: `cell_m`, `sewageDt_K`, `supply_C`). The section schemas are built from the stage registry, so a scenario key
 * and the stage option it sets cannot drift apart.
 */
import { z } from 'zod';
import { describeValue, type FieldSpec } from '../stages/fields.js';
import { stages } from '../stages/index.js';
import { runnerOptions, STAGES, type StageName } from '../stages/types.js';

export { STAGES, type StageName } from '../stages/types.js';

export interface StageSpec {
  stage: StageName;
  /** heatplan command that runs it */
  command: string;
  /** How the command names the run folder: `--out DIR` (creates it), `--run DIR`, or as the first argument. */
  runArg: 'out' | 'run' | 'positional';
  fields: Record<string, FieldSpec>;
  /** The manifest key the stage's summary is written under (none for report and map). */
  manifestKey?: string;
  /** Options of the command that are deliberately not scenario keys (the runner sets them). */
  runnerOptions: string[];
}

export const STAGE_SPECS: Record<StageName, StageSpec> = Object.fromEntries(
  STAGES.map((s) => {
    const d = stages[s];
    return [s, { stage: s, command: d.command, runArg: d.runArg, fields: d.fields as Record<string, FieldSpec>, manifestKey: d.manifestKey, runnerOptions: runnerOptions(d) }];
  }),
) as Record<StageName, StageSpec>;

/** Top-level keys besides the stage sections. */
export const TOP_FIELDS = {
  name: 'a name for the run (default map title)',
  description: 'free text',
  out: 'the run folder, relative to the scenario file (the CLI --out overrides it)',
} as const;

function sectionSchema(spec: StageSpec) {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, f] of Object.entries(spec.fields)) shape[k] = f.required ? f.schema : f.schema.optional();
  // "areas:" with nothing after it means the stage with its defaults
  return z.preprocess((v) => (v === null ? {} : v), z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? undefined : `expected a mapping of ${spec.stage} options (key: value), got ${describeValue(iss.input)}`),
  }));
}

/** `report: true` (or an empty `report:`) means "with the defaults"; false or absent skip the stage. */
const trueIsEmpty = (v: unknown) => (v === true || v === null ? {} : v === false ? undefined : v);

export const scenarioSchema = z.strictObject(
  {
    name: z.string({ error: (iss) => `expected ${TOP_FIELDS.name} as text, got ${JSON.stringify(iss.input)}` }).optional(),
    description: z.string({ error: (iss) => `expected text, got ${JSON.stringify(iss.input)}` }).optional(),
    out: z.string({ error: (iss) => `expected a path (${TOP_FIELDS.out}), got ${JSON.stringify(iss.input)}` }).min(1).optional(),
    demand: sectionSchema(STAGE_SPECS.demand).optional(),
    potential: sectionSchema(STAGE_SPECS.potential).optional(),
    areas: sectionSchema(STAGE_SPECS.areas).optional(),
    route: sectionSchema(STAGE_SPECS.route).optional(),
    simulate: sectionSchema(STAGE_SPECS.simulate).optional(),
    cost: sectionSchema(STAGE_SPECS.cost).optional(),
    report: z.preprocess(trueIsEmpty, sectionSchema(STAGE_SPECS.report).optional()),
    // one map, or a list of maps (e.g. a PNG and a PDF)
    map: z.preprocess(
      (v) => {
        const x = trueIsEmpty(v);
        return x === undefined ? undefined : Array.isArray(x) ? x.map(trueIsEmpty) : [x];
      },
      z.array(sectionSchema(STAGE_SPECS.map)).min(1, { error: 'expected a map mapping or a list of them, got an empty list' }).optional(),
    ),
    export: z.preprocess(trueIsEmpty, sectionSchema(STAGE_SPECS.export).optional()),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? undefined : 'expected a mapping (key: value) at the top of the scenario file') },
);

export type ScenarioSection = Record<string, unknown>;
export interface Scenario {
  name?: string;
  description?: string;
  out?: string;
  demand?: ScenarioSection;
  potential?: ScenarioSection;
  areas?: ScenarioSection;
  route?: ScenarioSection;
  simulate?: ScenarioSection;
  cost?: ScenarioSection;
  report?: ScenarioSection;
  map?: ScenarioSection[];
  export?: ScenarioSection;
}

/** Allowed keys at a path (for unknown-key messages): top level, a stage section, or a route plant. */
export function allowedKeys(path: (string | number)[]): string[] | undefined {
  if (path.length === 0) return [...Object.keys(TOP_FIELDS), ...STAGES];
  const stage = path[0] as StageName;
  const spec = STAGE_SPECS[stage];
  if (!spec) return undefined;
  if (stage === 'map' && (path.length === 1 || (path.length === 2 && typeof path[1] === 'number'))) return Object.keys(spec.fields);
  if (path.length === 1) return Object.keys(spec.fields);
  if (stage === 'route' && path[1] === 'plant') return ['lon', 'lat', 'capacity_kW', 'type'];
  return undefined;
}
