/**
 * The types of platform.json (the run-folder contract's FILES.platform) and of manifest.potential.platform, without
 * imports: engine/run/contract.ts re-exports them for every reader (the viewer, the sheets, the report).
 */

/** A guideline rule as platform.json records it (engine/platform/guidelines.ts GuidelineRule, codes as written). */
export interface GuidelineRuleRecord {
  rule: string;
  municipality: string;
  municipalityJa: string;
  codesText: string;
  guideline: string;
  office: string;
  kind: 'development' | 'acceptance';
  appliesTo: ('building' | 'block' | 'area')[];
  quantity: 'floor_area' | 'site_area';
  use: 'all' | 'residential' | 'non_residential';
  operator: '>=' | '>';
  threshold: number;
  unit: string;
  /** The threshold in m². */
  thresholdM2: number;
  source: string;
  note: string;
  /** The codes as written in the table ("27100;27102-27128"). */
  codes: string;
  /** Whether the rule is one of the run's municipality (else evaluated as a what-if only). */
  applies: boolean;
  /** The table file and the row's 1-based line. */
  table: string;
  line: number;
}

export type MunicipalityHow = 'option' | 'plateau-building-id' | 'plateau-city' | 'plateau-file-name';


export interface FileMunicipality {
  file: string;
  /** 5-digit JIS municipality code, or null when the file tells none. */
  code: number | null;
  how: MunicipalityHow | null;
}

export interface ZoneResult {
  id: string;
  floorArea_m2: number;
  floorAreaFrom: 'zone' | 'buildings';
  land_m2: number;
  municipalities: number[];
  /** Development rules the zone itself meets. */
  rules: string[];
  /** Per rule that applies (development and acceptance): ids of the buildings inside that meet it. */
  buildings: Record<string, string[]>;
  /** Areas only: per development rule, the ids of the blocks inside (by centroid) that meet it. */
  blocks?: Record<string, string[]>;
  /** With compare: development rules of other municipalities the zone meets, and their buildings inside. */
  whatIf?: string[];
  whatIfBuildings?: Record<string, string[]>;
}

export interface GuidelineCheck {
  rules: GuidelineRuleRecord[];
  buildings: { id: string; lon: number; lat: number; floorArea_m2: number; use: string; municipality: number | null; rules: string[]; whatIf?: string[] }[];
  blocks: ZoneResult[];
  areas: ZoneResult[] | null;
  /** Per rule: buildings, blocks and areas meeting it (where it applies), and `whatIf` counts with compare. */
  counts: Record<string, { applies: boolean; buildings: number; blocks: number; areas: number | null; whatIf?: { buildings: number; blocks: number; areas: number | null } }>;
}

export interface CriticalFacility {
  id: string;
  role: string;
  name?: string;
  from: 'use' | 'list';
  use: string;
  floorArea_m2: number;
  heat_MWh: number;
  peak_kW: number;
  lon: number;
  lat: number;
}

export interface PlatformOptions {
  /** Guideline table (CSV); default the bundled datasets/guidelines/seed000.csv. */
  guidelines?: string;
  /** JIS municipality code (5 or 6 digits) or a municipality name of the table: wins over the data. */
  municipality?: string;
  /** Evaluate every municipality's rules as a what-if beside the rules that apply. */
  compareGuidelines?: boolean;
  /** User list of critical facilities (CSV: id, role, name). */
  criticalFacilities?: string;
  /** Use categories that are critical facilities. */
  criticalUses?: string[];
}

export interface PlatformFile {
  options: PlatformOptions & { guidelines: string };
  municipality: { codes: number[]; names: string[]; how: string; byFile: FileMunicipality[] };
  guidelines: GuidelineCheck;
  critical: { facilities: CriticalFacility[]; byArea: Record<string, string[]> | null; uses: string[]; source: string };
  /** A grid outage on the simulated run (engine/platform/resilience.ts writeResilience); absent until written. */
  resilience?: PlatformResilience;
}

/** The outage per case and network (engine/platform/resilience.ts resilienceOfRun). */
export interface PlatformResilience {
  outage: { startHour: number; hours: number; fuelStockHours_h: Record<string, number | 'unlimited'>; initialCharge: number; wasteHeatRuns: boolean };
  networks: {
    case: string;
    network: string;
    chp: boolean;
    /** Tank energy, kWh, and its water, m³ (null without supply/return temperatures). */
    storage: { energy_kWh: number; water_m3: number | null; dT_K: number | null };
    /** Which hourly.csv series were found. */
    series: { demand: boolean; losses: boolean; pump: boolean };
    hours: number;
    facilities: { id: string; role: string; heatHours: number; powerHours: number; unmet_kWh: number }[];
    pumpedHours: number;
    spareKw: number[];
    storageUsed_kWh: number;
    fuelUsed_kWh: Record<string, number>;
  }[];
}

export interface PlatformSummary {
  file: string;
  municipality: { codes: number[]; names: string[]; how: string };
  guidelinesTable: string;
  /** Rules of the run's municipality. */
  rulesApplying: string[];
  /** Per rule that applies: buildings, blocks, areas meeting it (null: no areas yet). */
  counts: Record<string, { buildings: number; blocks: number; areas: number | null }>;
  whatIf?: Record<string, { buildings: number; blocks: number; areas: number | null }>;
  criticalFacilities: Record<string, number>;
}
