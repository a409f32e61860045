/**
 * The batch's tables: summary.csv (one row per area, `name,status,error` first) and summary.geojson (each area's grid
 * extent in WGS84 with the same properties), built from the areas' run-folder manifests (typed: engine/run/contract.ts,
 * read with engine/run/read.ts). Written atomically.
 */
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { parseCrs, transformer, WGS84 } from '../crs/index.js';
import type { Manifest } from '../run/contract.js';
import { hasRunFile, readRun, runFile } from '../run/read.js';

export interface AreaRecord {
  name: string;
  status: 'pending' | 'running' | 'done' | 'failed';
  error: string;
  failedStage?: string;
  /** Stages this batch run executed for the area. */
  ran: string[];
  /** Stages found complete in the run folder (--resume) and not run again. */
  reused: string[];
  skipped: { stage: string; reason: string }[];
  /** Crash retries used. */
  retries: number;
  seconds: number;
  tiles?: number;
}

export const SUMMARY_COLUMNS = [
  'name', 'status', 'error', 'failed_stage', 'stages_ran', 'stages_reused', 'stages_skipped', 'retries', 'batch_s',
  'buildings', 'floorArea_m2', 'annualHeat_MWh', 'spaceHeat_MWh', 'hotWater_MWh', 'peak_kW', 'cells_with_demand', 'crs', 'tiles',
  'potential_kW', 'potential_sewage_kW', 'potential_river_kW', 'potential_ground_kW', 'potential_waste_heat_kW',
  'supply_areas', 'supply_areas_demand_MWh', 'supply_areas_share',
  'consumers', 'connected_MWh', 'trench_m', 'plant_output_kW', 'kW_per_m', 'MWh_per_m_a', 'loss_share',
  'sim_delivered_MWh', 'sim_produced_MWh', 'sim_losses_MWh', 'sim_surplus_MWh', 'sim_backup_MWh', 'sim_pe_factor', 'sim_co2_t',
  'cost_currency', 'cost_capital', 'cost_annual', 'cost_lcoh_network_per_kWh', 'cost_lcoh_system_per_kWh', 'cost_npv',
  'run_s',
] as const;

type Row = Record<(typeof SUMMARY_COLUMNS)[number], string | number | null | undefined>;

const n = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const r = (v: unknown, d = 3): number | null => {
  const x = n(v);
  return x === null ? null : Math.round(x * 10 ** d) / 10 ** d;
};

/**
 * One summary row from an area's record and its run folder's manifest (if any; an unreadable manifest leaves the
 * run columns empty, the record's status and error say what happened).
 */
export async function summaryRow(rec: AreaRecord, dir: string): Promise<{ row: Row; manifest?: Manifest }> {
  const m = hasRunFile(dir, 'manifest') ? (await readRun(dir).catch(() => undefined))?.manifest : undefined;
  const d = m?.demand, p = m?.potential, a = m?.areas, rt = m?.route, s = m?.sim;
  const kw = p?.kwBySource ?? {};
  const kwTotal = Object.values(kw).some((v) => n(v) !== null) ? Object.values(kw).reduce<number>((t, v) => t + (n(v) ?? 0), 0) : null;
  // the stages that record their time (potential and areas do not)
  const runS = [d?.seconds, rt?.seconds, s?.seconds].reduce<number>((t, x) => t + (n(x) ?? 0), 0);
  const row: Row = {
    name: rec.name,
    status: rec.status,
    error: rec.error,
    failed_stage: rec.failedStage ?? '',
    stages_ran: rec.ran.join(' '),
    stages_reused: rec.reused.join(' '),
    stages_skipped: rec.skipped.map((x) => `${x.stage}: ${x.reason}`).join('; '),
    retries: rec.retries,
    batch_s: r(rec.seconds, 2),
    buildings: n(d?.buildings),
    floorArea_m2: r(d?.floorArea_m2, 1),
    annualHeat_MWh: r(d?.annualHeat_MWh),
    spaceHeat_MWh: r(d?.spaceHeat_MWh),
    hotWater_MWh: r(d?.hotWater_MWh),
    peak_kW: r(d?.peak_kW, 1),
    cells_with_demand: n(d?.grid?.cellsWithDemand),
    crs: m?.crs?.code ?? '',
    tiles: d?.tiles ? d.tiles.run.length : rec.tiles ?? null,
    potential_kW: r(kwTotal, 1),
    potential_sewage_kW: r(kw.sewage, 1),
    potential_river_kW: r(kw.river, 1),
    potential_ground_kW: r(kw.ground, 1),
    // the manifest key is waste_heat (contract SOURCE_NAMES) in every heatplan 0.1 run
    potential_waste_heat_kW: r(kw.waste_heat, 1),
    supply_areas: n(a?.count),
    supply_areas_demand_MWh: r(a?.demand_MWh),
    supply_areas_share: a && n(a.demand_MWh) !== null && n(a.totalDemand_MWh) ? r(a.demand_MWh / a.totalDemand_MWh, 4) : null,
    consumers: n(rt?.consumers),
    connected_MWh: r(rt?.connectedDemand_MWh),
    trench_m: r(rt?.trench_m, 1),
    plant_output_kW: r(rt?.plantOutput_kW, 1),
    kW_per_m: r(rt?.kwPerM, 4),
    MWh_per_m_a: r(rt?.mwhPerMA, 4),
    loss_share: r(rt?.lossShare, 4),
    sim_delivered_MWh: r(s?.heatDelivered_MWh),
    sim_produced_MWh: r(s?.produced_MWh),
    sim_losses_MWh: r(s?.losses_MWh),
    sim_surplus_MWh: r(s?.surplus_MWh),
    sim_backup_MWh: r(s?.backup_MWh),
    sim_pe_factor: r(s?.primaryEnergyFactor, 4),
    sim_co2_t: r(s?.co2_t),
    // heatplan cost (manifest.cost): money in cost_currency
    cost_currency: m?.cost?.currency ?? '',
    cost_capital: r(m?.cost?.capital, 0),
    cost_annual: r(m?.cost?.annualCost, 0),
    cost_lcoh_network_per_kWh: r(m?.cost?.lcohNetwork_per_kWh, 4),
    cost_lcoh_system_per_kWh: r(m?.cost?.lcohSystem_per_kWh, 4),
    cost_npv: r(m?.cost?.npv, 0),
    run_s: m ? r(runS, 2) : null,
  };
  return { row, manifest: m };
}

/** WGS84 outline of the area's demand grid (edges densified), or null without one. */
async function gridOutline(dir: string, crsCode: string | undefined): Promise<GeoJSON.Polygon | null> {
  const tif = runFile(dir, 'demand');
  if (!crsCode || !hasRunFile(dir, 'demand')) return null;
  try {
    // geotiff's file source keeps its descriptor open until closed: one per checkpoint otherwise
    const file = await fromFile(tif);
    let box: [number, number, number, number];
    try {
      box = (await file.getImage()).getBoundingBox() as [number, number, number, number];
    } finally {
      await file.close();
    }
    const [x0, y0, x1, y1] = box;
    const tr = transformer(parseCrs(crsCode), WGS84);
    const ring: number[][] = [];
    const N = 8;
    const edge = (ax: number, ay: number, bx: number, by: number) => {
      for (let k = 0; k < N; k++) {
        const [lon, lat] = tr.forward(ax + ((bx - ax) * k) / N, ay + ((by - ay) * k) / N);
        ring.push([Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7]);
      }
    };
    edge(x0, y0, x1, y0);
    edge(x1, y0, x1, y1);
    edge(x1, y1, x0, y1);
    edge(x0, y1, x0, y0);
    ring.push(ring[0]!);
    return { type: 'Polygon', coordinates: [ring] };
  } catch {
    return null;
  }
}

/** Write summary.csv and summary.geojson for all areas (in batch-file order). */
export async function writeSummary(outDir: string, records: AreaRecord[]): Promise<Row[]> {
  const rows: Row[] = [];
  const features: GeoJSON.Feature[] = [];
  for (const rec of records) {
    const dir = join(outDir, rec.name);
    const { row, manifest } = await summaryRow(rec, dir);
    rows.push(row);
    features.push({ type: 'Feature', geometry: await gridOutline(dir, manifest?.crs?.code) as GeoJSON.Polygon, properties: row });
  }
  const csv = [csvRow([...SUMMARY_COLUMNS]), ...rows.map((row) => csvRow(SUMMARY_COLUMNS.map((c) => row[c])))].join('\n') + '\n';
  await writeAtomic(join(outDir, 'summary.csv'), csv);
  await writeAtomic(join(outDir, 'summary.geojson'), JSON.stringify({ type: 'FeatureCollection', features }) + '\n');
  return rows;
}

/** Write a file under a temporary name and rename it into place (a kill never leaves half a file). */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** One CSV line (RFC 4180: fields with comma, quote or newline are quoted; null/undefined are empty). */
export function csvRow(values: unknown[]): string {
  return values
    .map((v) => {
      if (v === null || v === undefined) return '';
      const s = String(v);
      return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}
