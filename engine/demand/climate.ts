/**
 * Which climate the demand uses: a Japanese climate region (1-8, 省エネ基準地域区分) or, elsewhere, a degree-day
 * climate given by the user or read from a weather file.
 *
 * The official region is assigned by municipality (令和元年国土交通省告示第783号, 地域の区分). heatplan reads which
 * municipality the data is in (PLATEAU uro:city, a PLATEAU download's name: engine/io/citygml/municipality.ts) but
 * does not hold the official municipality -> region table: no reusable public copy of it (a table of municipality
 * codes and regions with a licence that allows shipping it) was found when this was written (issue 11). Without
 * --climate-region the region is therefore the one of the nearest of the eight reference cities, a GUESS that is
 * counted ('climate-region-guessed') and printed with the municipality the data names, so the planner can look it up.
 */
import { inJapan } from '../crs/index.js';
import { InputError, UsageError } from '../errors.js';
import { readCsv, requireColumns } from '../util/csv.js';
import { municipalitiesOfFiles, normaliseMunicipalityCode, type MunicipalitySeen } from '../io/citygml/municipality.js';
import { heatingDegreeDays, type Weather } from '../io/weather.js';
import type { Warnings } from '../util/warnings.js';
import { DEFAULT_CLIMATE, loadClimate, type ClimateRegion } from './tables.js';

export type { MunicipalitySeen } from '../io/citygml/municipality.js';

export interface ClimateChoice {
  region?: number;
  hdd18Kd?: number;
  meanTempC?: number;
  designTempC?: number;
}

/** What resolveClimate needs of the building table to say which municipality the data is in. */
export interface ClimateTableRef {
  count: number;
  files: readonly string[];
  fileIndex: ArrayLike<number>;
}

/** The chosen climate, why, and the municipalities the data names (empty where it names none). */
export type ResolvedClimate = ClimateRegion & { reason: string; municipalities: MunicipalitySeen[] };

/** Municipalities the buildings of a table are in, as far as the data says (see engine/io/citygml/municipality.ts). */
export function municipalitiesOfTable(t: ClimateTableRef): MunicipalitySeen[] {
  const perFile = new Float64Array(t.files.length);
  for (let i = 0; i < t.count; i++) perFile[t.fileIndex[i]!]!++;
  return municipalitiesOfFiles(t.files, perFile);
}

/** `43206 (uro:city, 242 buildings)`, the three largest, for messages. */
export function describeMunicipalities(ms: MunicipalitySeen[]): string {
  const total = ms.reduce((s, m) => s + m.buildings, 0);
  const shown = ms.slice(0, 3).map((m) => `${m.code} (${m.source}, ${m.buildings.toLocaleString('en-US')} building${m.buildings === 1 ? '' : 's'})`);
  const more = ms.length > 3 ? ` and ${ms.length - 3} more (${(total - ms.slice(0, 3).reduce((s, m) => s + m.buildings, 0)).toLocaleString('en-US')} buildings)` : '';
  return `${ms.length === 1 ? 'municipality' : 'municipalities'} ${shown.join(', ')}${more}`;
}

const KM_PER_DEG = 111.32;

/**
 * A municipality -> climate region table (CSV columns code, region, source; optional name): the official assignment
 * (令和元年国土交通省告示第783号) as a planner transcribes it for the municipalities of a study. heatplan ships none
 * (no reusable public copy found); with one, the region is taken by municipality instead of guessed.
 */
export interface MunicipalityRegionTable {
  file: string;
  /** code (5 digits) -> region and the row's source. */
  rows: Map<string, { region: number; name: string; source: string }>;
}

/** Read a municipality -> region table; a bad code, a region not in the climate table, a row without source are errors. */
export function loadMunicipalityRegions(file: string, regions: ClimateRegion[]): MunicipalityRegionTable {
  const csv = readCsv(file);
  requireColumns(csv, ['code', 'region', 'source'], file);
  const known = new Set(regions.map((r) => r.region));
  const rows = new Map<string, { region: number; name: string; source: string }>();
  csv.forEach((r, k) => {
    const record = k + 2;
    const code = normaliseMunicipalityCode(r.code ?? '');
    if (code === undefined)
      throw new InputError('municipality-code', 'municipality code must be the 5-digit 全国地方公共団体コード (or 6 with its check digit)', { file, record, value: r.code });
    const region = Number(r.region);
    if (!known.has(region)) throw new InputError('municipality-region', 'unknown climate region', { file, record, value: r.region, hint: `use one of ${[...known].join(', ')}` });
    if (!r.source) throw new InputError('municipality-source', 'every row needs its source (the 告示 and its date, or where the value was taken from)', { file, record, value: r.code });
    const had = rows.get(code);
    if (had && had.region !== region)
      throw new InputError('municipality-duplicate', `municipality ${code} is given two regions (${had.region} and ${region})`, { file, record, value: r.code });
    rows.set(code, { region, name: r.name ?? '', source: r.source });
  });
  return { file, rows };
}

/**
 * The region of the municipalities the data names, from a municipality table: the region of most buildings, with
 * the municipalities the table lacks and any split over regions. Undefined when the table holds none of them.
 */
export function regionByMunicipality(ms: MunicipalitySeen[], t: MunicipalityRegionTable): { region: number; reason: string; split?: string; missing: MunicipalitySeen[] } | undefined {
  const byRegion = new Map<number, number>();
  const missing: MunicipalitySeen[] = [];
  for (const m of ms) {
    const row = t.rows.get(m.code);
    if (!row) missing.push(m);
    else byRegion.set(row.region, (byRegion.get(row.region) ?? 0) + m.buildings);
  }
  if (byRegion.size === 0) return undefined;
  const ranked = [...byRegion].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const region = ranked[0]![0];
  const named = ms.filter((m) => t.rows.get(m.code)?.region === region).slice(0, 3).map((m) => `${m.code}${t.rows.get(m.code)!.name ? ` ${t.rows.get(m.code)!.name}` : ''}`);
  const src = [...new Set(ms.filter((m) => t.rows.get(m.code)?.region === region).map((m) => t.rows.get(m.code)!.source))].slice(0, 2).join('; ');
  const split = ranked.length > 1 ? ranked.map(([r, n]) => `region ${r}: ${n.toLocaleString('en-US')} building${n === 1 ? '' : 's'}`).join(', ') : undefined;
  return { region, reason: `region ${region} of municipality ${named.join(', ')} (${t.file}: ${src})`, split, missing };
}

/**
 * The climate of a run. `table` (optional) lets the reason name the municipalities the data is in; a run without it
 * is chosen the same way.
 */
export function resolveClimate(
  regions: ClimateRegion[],
  choice: ClimateChoice,
  centre: [number, number],
  warnings: Warnings,
  table?: ClimateTableRef,
  place: { municipalityRegions?: MunicipalityRegionTable } = {},
): ResolvedClimate {
  const [lon, lat] = centre;
  const municipalities = table ? municipalitiesOfTable(table) : [];
  const where = municipalities.length ? `; the data names ${describeMunicipalities(municipalities)}` : '';
  const byTable = place.municipalityRegions && municipalities.length ? regionByMunicipality(municipalities, place.municipalityRegions) : undefined;
  let base: ClimateRegion;
  let reason: string;
  if (choice.region !== undefined) {
    const r = regions.find((x) => x.region === choice.region);
    if (!r) throw new UsageError('climate-region', 'unknown climate region', { value: choice.region, hint: `use one of ${regions.map((x) => x.region).join(', ')}` });
    base = r;
    reason = `climate region ${r.region} given${where}`;
    if (byTable && byTable.region !== r.region) reason += `; the municipality table says ${byTable.reason}`;
  } else if (byTable) {
    base = regions.find((x) => x.region === byTable.region)!;
    reason = `${byTable.reason}${where}`;
    if (byTable.split) {
      reason += `; the buildings span regions (${byTable.split}): the region of most buildings is used for all`;
      warnings.add('climate-region-mixed', 'the municipalities of the data are in more than one climate region: the region of most buildings is used for all (run the regions apart to give each its own)', { file: place.municipalityRegions!.file, message: byTable.split });
    }
    if (byTable.missing.length) {
      reason += `; not in the municipality table: ${byTable.missing.map((m) => m.code).slice(0, 5).join(', ')}`;
      warnings.add('climate-municipality-missing', 'municipalities of the data are not in the municipality table: their buildings take the region of the others', {
        file: place.municipalityRegions!.file,
        message: describeMunicipalities(byTable.missing),
      });
    }
  } else if (inJapan(lon, lat)) {
    let best = regions[0]!;
    let bd = Infinity;
    for (const r of regions) {
      const d = Math.hypot((r.lon - lon) * Math.cos((lat * Math.PI) / 180), r.lat - lat);
      if (d < bd) {
        bd = d;
        best = r;
      }
    }
    base = best;
    const km = Math.round(bd * KM_PER_DEG);
    const lookUp = municipalities.length
      ? `look ${municipalities.map((m) => m.code).slice(0, 3).join(', ')} up in 令和元年国土交通省告示第783号 (地域の区分)`
      : 'look the municipality up in 令和元年国土交通省告示第783号 (地域の区分)';
    reason =
      `GUESS: region ${best.region} of the nearest reference city ${best.city} (${km} km from the data's centre)${where}; ` +
      `the official region is set by municipality and ${
        !place.municipalityRegions
          ? 'heatplan holds no municipality table (no reusable public copy found)'
          : municipalities.length
            ? `the municipality table ${place.municipalityRegions.file} holds none of the data's`
            : `the data names no municipality to look up in the municipality table ${place.municipalityRegions.file}`
      }: ` +
      `${lookUp} and give climateRegion (--climate-region)`;
    warnings.add('climate-region-guessed', `climate region guessed from the nearest reference city, not the official region of the municipality: give --climate-region`, {
      message: reason,
    });
  } else {
    if (choice.hdd18Kd === undefined) {
      throw new UsageError('climate-missing', `data at ${lon.toFixed(3)}, ${lat.toFixed(3)} is outside Japan: give the site's heating degree days`, {
        hint: 'give a weather file (--weather: HASP, CSV, EPW) or hdd_Kd (--hdd, K·d base 18 °C) and preferably meanTemp_C and designTemp_C (--mean-temp, --design-temp, °C)',
      });
    }
    // Outside Japan the Tw formula of regions 3-4 is used (an assumption, stated in the manifest).
    const r34 = regions.find((x) => x.region === 3) ?? regions[0]!;
    base = { ...r34, region: 0, city: 'user climate', lat, lon, source: 'user-given degree days; Tw formula of regions 3-4 (assumption)' };
    reason = 'outside Japan: degree days given (hdd_Kd, --hdd, or a weather file, --weather)';
    if (choice.meanTempC === undefined) warnings.add('climate-mean-temp-assumed', `no --mean-temp: annual mean ${base.meanTempC} °C of region 3 assumed for mains water`);
    if (choice.designTempC === undefined) warnings.add('climate-design-temp-assumed', `no --design-temp: ${base.designTempC} °C of region 3 assumed for peaks`);
  }
  return {
    ...base,
    hdd18Kd: choice.hdd18Kd ?? base.hdd18Kd,
    meanTempC: choice.meanTempC ?? base.meanTempC,
    designTempC: choice.designTempC ?? base.designTempC,
    reason,
    municipalities,
  };
}

/** The region of a weather file: its own (a HASP reference year, or given), else the region whose HDD18 is nearest. */
export function weatherRegion(w: Weather, regions: ClimateRegion[]): { region: number; how: string; hdd18Kd: number } {
  const hdd = heatingDegreeDays(w.airC, 18);
  if (w.climateRegion !== undefined) return { region: w.climateRegion, how: `the reference-year file of region ${w.climateRegion}`, hdd18Kd: hdd };
  let best = regions[0]!;
  for (const r of regions) if (Math.abs(r.hdd18Kd - hdd) < Math.abs(best.hdd18Kd - hdd)) best = r;
  return { region: best.region, how: `its HDD18 ${Math.round(hdd)} K·d is nearest region ${best.region}'s ${best.hdd18Kd} K·d (${best.city})`, hdd18Kd: hdd };
}

/**
 * The simulate stage's check that its weather is the climate the demand was computed for: a counted warning
 * 'weather-region-mismatch' when the demand used a Japanese region (1-8) and the weather belongs to another one
 * (a HASP reference year's own region, or the region nearest by HDD18). Returns the message, or undefined when they
 * agree or the demand used no Japanese region (a climate given by degree days).
 */
export function checkWeatherRegion(w: Weather, demandParameters: Record<string, unknown> | undefined, regions: ClimateRegion[], warnings: Warnings): string | undefined {
  const r = Number(demandParameters?.climateRegion);
  if (!Number.isInteger(r) || r < 1 || r > 8) return undefined;
  const wr = weatherRegion(w, regions);
  if (wr.region === r) return undefined;
  const msg = `the weather ${w.file} is region ${wr.region} (${wr.how}) but the demand was computed for region ${r}${demandParameters?.climateCity ? ` (${String(demandParameters.climateCity)})` : ''}: heat and peaks follow the demand's region, the hourly shape this weather`;
  warnings.add('weather-region-mismatch', 'the weather given to simulate is not the climate region the demand used: rerun demand with that region (--climate-region) or give the matching weather', {
    file: w.file,
    message: msg,
  });
  return msg;
}

/**
 * checkWeatherRegion against the run's demand stage as its manifest records it (its parameters and climate table;
 * the shipped table where the recorded one cannot be read any more). Nothing without a demand stage.
 */
export function checkWeatherAgainstDemand(w: Weather, demand: { parameters?: Record<string, unknown> } | undefined, warnings: Warnings): string | undefined {
  const p = demand?.parameters;
  if (!p) return undefined;
  let regions: ClimateRegion[];
  try {
    regions = loadClimate(typeof p.climateTable === 'string' ? p.climateTable : DEFAULT_CLIMATE);
  } catch {
    regions = loadClimate(DEFAULT_CLIMATE);
  }
  return checkWeatherRegion(w, p, regions, warnings);
}
