/**
 * GIS and spreadsheet outputs of a run folder (`heatplan export`), into one folder (default RUN/export/):
 *   - heatplan.gpkg: a GeoPackage with one layer per kind, each of one geometry type, WGS84 lon/lat (EPSG:4326, as
 *     the run's GeoJSON): buildings, blocks and areas (MultiPolygon), pipes and services (LineString), consumers,
 *     dropped (consumers the route stage left out) and plants (Point); the QGIS style of each layer in its
 *     layer_styles table (QGIS applies it when the layer is added);
 *   - styles/<layer>.qml: the same styles as files (Layer Properties > Style > Load Style);
 *   - buildings.csv, pipes.csv, areas.csv: UTF-8 with BOM, one row per building / pipe / area, the layer's columns;
 *   - heat_density_MWh_per_ha.tif: annual heat demand per hectare of land, MWh/ha (per year), the unit of Hotmaps'
 *     heat density maps (demand.tif holds MWh/a per cell; this is it divided by the cell area in ha), nodata 0 as
 *     Hotmaps; `heatplan areas --demand-raster` reads it;
 *   - README.txt: what each file holds, with units and CRS; export.json: the list of files (marks the folder as an
 *     export, so a later export may replace it).
 * Everything is written into a staging folder beside the output and renamed into place at the end: a failure leaves
 * no half-written export, and the previous export (if any) as it was.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { Feature, Geometry } from 'geojson';
import { UsageError } from '../errors.js';
import { cellAreaHa } from '../grid/grid.js';
import { encodeGeoTiff } from '../io/geotiff.js';
import { replaceRun, siblingPath, trackStaging } from '../io/run-folder.js';
import { outputError, writeOutput } from '../io/write.js';
import { areasCellThreshold, DEMAND_BANDS, featuresOfKind, FILES, routeThresholdKwPerM, type Manifest, type NetworkKind } from '../run/contract.js';
import { hasRunFile, readAreas, readBlocks, readBuildings, readDemand, readNetwork, readRun } from '../run/read.js';
import { classIndex, pipeKwPerMScale } from '../style/palette.js';
import { Warnings } from '../util/warnings.js';
import { VERSION } from '../version.js';
import { csvText, type CsvValue } from './csv.js';
import { buildGeoPackage, gpkgGeometry, type GpkgFieldType, type GpkgGeometryType, type GpkgLayer } from './gpkg.js';
import { useName, type Lang } from './i18n.js';
import { layerStyles } from './qml.js';
import type { SqlValue } from './sqlite.js';

export const EXPORT_DIR = 'export';
export const EXPORT_FILES = {
  gpkg: 'heatplan.gpkg',
  buildingsCsv: 'buildings.csv',
  pipesCsv: 'pipes.csv',
  areasCsv: 'areas.csv',
  heatDensity: 'heat_density_MWh_per_ha.tif',
  readme: 'README.txt',
  marker: 'export.json',
  styles: 'styles',
} as const;

/** The layers of the GeoPackage, in order, with their geometry type. */
export const EXPORT_LAYERS: readonly { name: string; geometryType: GpkgGeometryType; from: 'buildings' | 'blocks' | 'areas' | NetworkKind }[] = [
  { name: 'buildings', geometryType: 'MULTIPOLYGON', from: 'buildings' },
  { name: 'blocks', geometryType: 'MULTIPOLYGON', from: 'blocks' },
  { name: 'areas', geometryType: 'MULTIPOLYGON', from: 'areas' },
  { name: 'pipes', geometryType: 'LINESTRING', from: 'pipe' },
  { name: 'services', geometryType: 'LINESTRING', from: 'service' },
  { name: 'consumers', geometryType: 'POINT', from: 'consumer' },
  { name: 'dropped', geometryType: 'POINT', from: 'dropped' },
  { name: 'plants', geometryType: 'POINT', from: 'plant' },
];

export interface ExportOptions {
  /** Output folder (default RUN/export). */
  out?: string;
  /** Language of use names, class labels and README (default 'en'). */
  lang?: Lang;
  warnings?: Warnings;
}

export interface ExportResult {
  dir: string;
  files: string[];
  layers: { name: string; geometryType: GpkgGeometryType; features: number }[];
  csv: { file: string; rows: number }[];
  heatDensity?: string;
  seconds: number;
}

// ---------------------------------------------------------------------------------------------------------------
// columns

interface Column {
  name: string;
  type: GpkgFieldType;
  get: (p: Record<string, unknown>) => unknown;
}

type AutoColumn = Omit<Column, 'type'> & { type: 'AUTO' };
function col(name: string, type: GpkgFieldType, get?: (p: Record<string, unknown>) => unknown): Column;
function col(name: string, type: 'AUTO', get?: (p: Record<string, unknown>) => unknown): AutoColumn;
function col(name: string, type: GpkgFieldType | 'AUTO', get?: (p: Record<string, unknown>) => unknown): Column | AutoColumn {
  return { name, type, get: get ?? ((p) => p[name]) } as Column | AutoColumn;
}

function inferType(values: unknown[]): GpkgFieldType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length && present.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
  if (present.length && present.every((v) => typeof v === 'number')) return present.every((v) => Number.isSafeInteger(v)) ? 'INTEGER' : 'REAL';
  return 'TEXT';
}

/**
 * The fixed columns (type 'AUTO': from the values), then every other property in order of first appearance (types
 * from the values).
 */
function columnsFor(props: Record<string, unknown>[], fixedIn: (Column | AutoColumn)[], exclude: string[] = []): Column[] {
  const fixed = fixedIn.map((c): Column => (c.type === 'AUTO' ? { ...c, type: inferType(props.map(c.get)) } : (c as Column)));
  const taken = new Set([...fixed.map((c) => c.name.toLowerCase()), ...exclude.map((e) => e.toLowerCase()), 'fid', 'geom', 'kind']);
  const extra: string[] = [];
  const seen = new Set<string>();
  for (const p of props) for (const k of Object.keys(p)) if (!seen.has(k)) (seen.add(k), extra.push(k));
  const out = [...fixed];
  for (const k of extra) {
    if (taken.has(k.toLowerCase())) continue;
    taken.add(k.toLowerCase());
    out.push(col(k, inferType(props.map((p) => p[k]))));
  }
  return out;
}

function cellValue(v: unknown, type: GpkgFieldType): SqlValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'REAL':
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    case 'INTEGER':
      return typeof v === 'number' && Number.isSafeInteger(v) ? v : null;
    case 'BOOLEAN':
      return typeof v === 'boolean' ? v : null;
    default:
      return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }
}

interface Table {
  layer: GpkgLayer;
  columns: Column[];
  props: Record<string, unknown>[];
}

/** A GeoPackage layer of `features` (features of another geometry type are left out and counted). */
function makeTable(
  name: string,
  geometryType: GpkgGeometryType,
  features: Feature<Geometry | null>[],
  columns: (props: Record<string, unknown>[]) => Column[],
  warnings: Warnings,
  file: string,
): Table {
  const kept: { geometry: Geometry | null; props: Record<string, unknown> }[] = [];
  features.forEach((f, i) => {
    try {
      gpkgGeometry(f.geometry, geometryType); // the geometry fits the layer
      kept.push({ geometry: f.geometry, props: (f.properties ?? {}) as Record<string, unknown> });
    } catch (e) {
      warnings.add('export-geometry-type', `feature not of the layer's geometry type (${geometryType}): left out of the export`, { file, record: i, message: (e as Error).message });
    }
  });
  const props = kept.map((k) => k.props);
  const cols = columns(props);
  return {
    layer: {
      name,
      geometryType,
      fields: cols.map((c) => ({ name: c.name, type: c.type })),
      features: kept.map((k) => ({ geometry: k.geometry, values: cols.map((c) => cellValue(c.get(k.props), c.type)) })),
    },
    columns: cols,
    props,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// the export

/** Whether `dir` may be replaced by an export: absent, an empty folder, or a folder an earlier export wrote. */
function checkOut(out: string, run: string): void {
  if (out === run || run.startsWith(out + sep)) throw new UsageError('export-out', `the export folder ${out} would replace the run folder ${run}`, { file: out, hint: 'give a folder inside or beside the run (default RUN/export)' });
  let s;
  try {
    s = statSync(out, { throwIfNoEntry: false });
  } catch (e) {
    // a path through a file (ENOTDIR), a folder we may not look into (EACCES)
    throw outputError(e, out);
  }
  if (!s) return;
  if (!s.isDirectory()) throw new UsageError('export-out', `${out} is a file, not a folder: the export writes a folder of files`, { file: out, hint: 'give a folder path (--out)' });
  const entries = readdirSync(out);
  if (entries.length && !entries.includes(EXPORT_FILES.marker))
    throw new UsageError('export-out', `${out} is a folder heatplan export did not write (${entries.length} entries): it is left as it is`, { file: out, hint: 'give an empty or new folder (--out), or remove it first' });
}

const LAYER_TITLES: Record<string, { en: string; ja: string }> = {
  buildings: { en: 'Buildings with heat demand', ja: '建物と熱需要' },
  blocks: { en: 'Blocks / grid cells with heat demand density', ja: '街区・メッシュの熱需要密度' },
  areas: { en: 'Candidate district-heating supply areas', ja: '地域熱供給の候補区域' },
  pipes: { en: 'Pipes (route segments) with kW/m', ja: '配管（ルート区間）と線熱密度' },
  services: { en: 'Service lines', ja: '引込管' },
  consumers: { en: 'Connected consumers', ja: '接続需要家' },
  dropped: { en: 'Consumers left out of the network', ja: '配管網から外れた需要家' },
  plants: { en: 'Heat plants', ja: '熱源設備' },
};

/** Write the export of the run at `runDir`. */
export async function exportRun(runDir: string, o: ExportOptions = {}): Promise<ExportResult> {
  const t0 = performance.now();
  const run = await readRun(runDir);
  const dir = run.dir;
  const m: Manifest = run.manifest;
  const lang: Lang = o.lang ?? 'en';
  const warnings = o.warnings ?? new Warnings();
  const out = resolve(o.out ?? join(dir, EXPORT_DIR));
  checkOut(out, dir);
  const threshold = routeThresholdKwPerM(m) ?? 0.17;
  const cellThreshold = areasCellThreshold(m) ?? 333;

  // read everything first: a bad run file fails before anything is written
  const tables: Table[] = [];
  const byName = new Map<string, Table>();
  const add = (t: Table) => {
    tables.push(t);
    byName.set(t.layer.name, t);
  };
  const useLabel = (p: Record<string, unknown>) => (typeof p.use === 'string' ? useName(p.use, lang) : null);
  if (hasRunFile(dir, 'buildings')) {
    const fc = await readBuildings(dir);
    const files = Array.isArray(fc.files) ? fc.files : [];
    const fixed = [
      col('id', 'AUTO'),
      col('use', 'TEXT'),
      col('use_label', 'TEXT', useLabel),
      col('useCode', 'TEXT'),
      col('floorArea_m2', 'REAL'),
      col('floorAreaSource', 'TEXT'),
      col('storeys', 'REAL'),
      col('height_m', 'REAL'),
      col('footprint_m2', 'REAL'),
      col('spaceHeat_MWh', 'REAL'),
      col('hotWater_MWh', 'REAL'),
      col('heat_MWh', 'REAL'),
      col('peak_kW', 'REAL'),
      col('x', 'REAL'),
      col('y', 'REAL'),
      col('source_file', 'TEXT', (p) => (typeof p.file === 'number' ? files[p.file] : undefined)),
    ];
    add(makeTable('buildings', 'MULTIPOLYGON', fc.features as Feature<Geometry | null>[], (ps) => columnsFor(ps, fixed, ['file']), warnings, FILES.buildings));
  }
  if (hasRunFile(dir, 'blocks')) {
    const fc = await readBlocks(dir);
    add(makeTable('blocks', 'MULTIPOLYGON', fc.features as Feature<Geometry | null>[], (ps) => columnsFor(ps, [col('id', 'AUTO')]), warnings, FILES.blocks));
  }
  if (hasRunFile(dir, 'areas')) {
    const fc = await readAreas(dir);
    add(makeTable('areas', 'MULTIPOLYGON', fc.features as Feature<Geometry | null>[], (ps) => columnsFor(ps, [col('id', 'AUTO'), col('method', 'TEXT'), col('demand_MWh', 'REAL')]), warnings, FILES.areas));
  }
  if (hasRunFile(dir, 'network')) {
    const fc = await readNetwork(dir);
    const scale = pipeKwPerMScale(threshold);
    const pipeFixed = [
      col('id', 'AUTO'),
      col('kw_per_m', 'REAL'),
      col('kw_per_m_class', 'TEXT', (p) => {
        const i = classIndex(scale, Number(p.kw_per_m));
        return i < 0 ? null : `${scale.classes[i]!.label} kW/m`;
      }),
      col('meets_kw_per_m', 'BOOLEAN', (p) => (typeof p.kw_per_m === 'number' ? p.kw_per_m >= threshold : null)),
      col('mwh_per_m_a', 'REAL'),
      col('length_m', 'REAL'),
      col('DN', 'AUTO'),
      col('consumers', 'AUTO'),
      col('peak_kW', 'REAL'),
      col('design_kW', 'REAL'),
      col('heat_MWh', 'REAL'),
    ];
    const kinds: [string, NetworkKind, (Column | AutoColumn)[]][] = [
      ['pipes', 'pipe', pipeFixed],
      ['services', 'service', [col('consumer', 'TEXT'), col('length_m', 'REAL')]],
      ['consumers', 'consumer', [col('id', 'TEXT'), col('use', 'TEXT'), col('use_label', 'TEXT', useLabel), col('heat_MWh', 'REAL'), col('peak_kW', 'REAL'), col('service_m', 'REAL')]],
      ['dropped', 'dropped', [col('id', 'TEXT'), col('reason', 'TEXT'), col('detail', 'TEXT'), col('use', 'TEXT'), col('use_label', 'TEXT', useLabel), col('heat_MWh', 'REAL'), col('peak_kW', 'REAL')]],
      ['plants', 'plant', [col('id', 'TEXT'), col('type', 'TEXT'), col('capacity_kW', 'REAL'), col('output_kW', 'REAL'), col('fuel', 'TEXT'), col('suggested', 'BOOLEAN')]],
    ];
    for (const [name, kind, fixed] of kinds) {
      const feats = featuresOfKind(fc, kind) as unknown as Feature<Geometry | null>[];
      add(makeTable(name, EXPORT_LAYERS.find((l) => l.name === name)!.geometryType, feats, (ps) => columnsFor(ps, fixed), warnings, FILES.network));
    }
  }
  const demand = hasRunFile(dir, 'demand') ? await readDemand(dir) : undefined;

  // in layer order
  const layers = EXPORT_LAYERS.map((l) => byName.get(l.name)).filter((t): t is Table => !!t);
  for (const t of layers) t.layer.identifier = LAYER_TITLES[t.layer.name]?.[lang] ?? t.layer.name;
  for (const t of layers) t.layer.description = `heatplan ${VERSION}: ${LAYER_TITLES[t.layer.name]?.en ?? t.layer.name} (run ${basename(dir)})`;
  const styles = layerStyles({ lang, pipeThresholdKwPerM: threshold, cellThresholdMWhPerHa: cellThreshold });
  const gpkg = layers.length
    ? buildGeoPackage(
        layers.map((t) => t.layer),
        layers.filter((t) => styles[t.layer.name]).map((t) => ({ layer: t.layer.name, name: t.layer.name, qml: styles[t.layer.name]!, description: 'heatplan default style' })),
      )
    : undefined;

  const csvOf = (name: string): string | undefined => {
    const t = byName.get(name);
    if (!t) return undefined;
    return csvText(
      t.columns.map((c) => c.name),
      t.layer.features.map((f) => f.values.map((v) => (v instanceof Uint8Array ? null : (v as CsvValue)))),
    );
  };

  // write into a staging folder, then swap it in
  const staging = siblingPath(out, 'tmp');
  const untrack = trackStaging(staging);
  const files: string[] = [];
  const put = async (rel: string, data: string | Uint8Array) => {
    await writeOutput(join(staging, rel), data);
    files.push(rel);
  };
  const csv: { file: string; rows: number }[] = [];
  let heatDensity: string | undefined;
  try {
    try {
      await mkdir(join(staging, EXPORT_FILES.styles), { recursive: true });
    } catch (e) {
      throw outputError(e, out);
    }
    if (gpkg) await put(EXPORT_FILES.gpkg, gpkg);
    for (const t of layers) if (styles[t.layer.name]) await put(`${EXPORT_FILES.styles}/${t.layer.name}.qml`, styles[t.layer.name]!);
    for (const [name, file] of [
      ['buildings', EXPORT_FILES.buildingsCsv],
      ['pipes', EXPORT_FILES.pipesCsv],
      ['areas', EXPORT_FILES.areasCsv],
    ] as const) {
      const text = csvOf(name);
      if (text === undefined) continue;
      await put(file, text);
      csv.push({ file, rows: byName.get(name)!.layer.features.length });
    }
    if (demand) {
      const ha = cellAreaHa(demand);
      const dens = new Float64Array(demand.annualHeat.length);
      for (let i = 0; i < dens.length; i++) {
        const v = demand.annualHeat[i]!;
        dens[i] = Number.isFinite(v) && v > 0 ? v / ha : 0;
      }
      const tif = encodeGeoTiff({ crs: demand.crs, x0: demand.x0, y0: demand.y0, cellSize: demand.cellSize, width: demand.width, height: demand.height, bands: [dens], names: ['heat_density'], units: ['MWh/ha'] }, { nodata: 0 });
      await put(EXPORT_FILES.heatDensity, tif);
      heatDensity = EXPORT_FILES.heatDensity;
    }
    const layerInfo = layers.map((t) => ({ name: t.layer.name, geometryType: t.layer.geometryType, features: t.layer.features.length }));
    await put(EXPORT_FILES.readme, readme(lang, basename(dir), m, layerInfo, csv, heatDensity ? { crs: demand!.crs, cell: demand!.cellSize } : undefined, threshold, cellThreshold));
    const result = { heatplan: VERSION, run: basename(dir), created: new Date().toISOString(), lang, layers: layerInfo, csv, heatDensity: heatDensity ?? null, files: [...files, EXPORT_FILES.marker] };
    await put(EXPORT_FILES.marker, JSON.stringify(result, null, 2) + '\n');
    try {
      await replaceRun(staging, out);
    } catch (e) {
      throw outputError(e, out);
    }
    untrack();
    return { dir: out, files, layers: layerInfo, csv, heatDensity: heatDensity && join(out, heatDensity), seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    untrack();
    throw e;
  }
}

function readme(
  lang: Lang,
  run: string,
  m: Manifest,
  layers: { name: string; geometryType: string; features: number }[],
  csv: { file: string; rows: number }[],
  raster: { crs: string; cell: number } | undefined,
  threshold: number,
  cellThreshold: number,
): string {
  const ja = lang === 'ja';
  const L: string[] = [];
  L.push(ja ? `heatplan ${VERSION} エクスポート: ラン ${run}` : `heatplan ${VERSION} export of run ${run}`, '');
  L.push(
    ja
      ? `${EXPORT_FILES.gpkg}: GeoPackage（WGS84 経緯度 EPSG:4326）。レイヤごとに1種類の形状。QGIS のスタイルは layer_styles 表にあり、レイヤを追加すると適用される（styles/*.qml も同じ）。`
      : `${EXPORT_FILES.gpkg}: GeoPackage, WGS84 lon/lat (EPSG:4326), one geometry type per layer. The QGIS style of each layer is in its layer_styles table and applies when the layer is added (the same styles as styles/*.qml).`,
  );
  for (const l of layers) L.push(`  ${l.name} (${l.geometryType}, ${l.features}): ${LAYER_TITLES[l.name]?.[lang] ?? ''}`);
  L.push(
    ja
      ? `  配管の色分けは kW/m（管1 m当たりの設計負荷）。境界 ${threshold / 2} / ${threshold} / ${threshold * 2} kW/m、${threshold} kW/m が経路の基準（未満は暖色）。`
      : `  Pipes are classed by kW/m (design load per metre of pipe): breaks ${threshold / 2} / ${threshold} / ${threshold * 2} kW/m; ${threshold} kW/m is the route threshold (warm colours below it).`,
  );
  L.push(
    ja
      ? `  街区の色分けは熱需要密度 MWh/(ha·a)。境界 50 / 150 / ${cellThreshold} / 700、${cellThreshold} は供給区域のセル基準。`
      : `  Blocks are classed by heat demand density MWh/(ha·a): breaks 50 / 150 / ${cellThreshold} / 700; ${cellThreshold} is the supply-area cell threshold.`,
  );
  L.push('');
  for (const c of csv)
    L.push(
      ja
        ? `${c.file}: ${c.rows} 行。UTF-8（BOM付き、Excel で日本語が開ける）、GeoPackage の同名レイヤと同じ列。`
        : `${c.file}: ${c.rows} rows. UTF-8 with BOM (Excel opens Japanese text), the columns of the GeoPackage layer of that name.`,
    );
  L.push(
    ja
      ? '  単位は列名の接尾辞: _m2 m²、_MWh MWh/a、_kW kW、_m m、kw_per_m kW/m、mwh_per_m_a MWh/(m·a)。x, y は作業座標系（下記）の m。'
      : '  Units are the column suffixes: _m2 m², _MWh MWh/a, _kW kW, _m m, kw_per_m kW/m, mwh_per_m_a MWh/(m·a). x, y are metres in the working CRS (below).',
  );
  if (raster) {
    L.push('');
    L.push(
      ja
        ? `${EXPORT_FILES.heatDensity}: 1バンド heat_density、単位 MWh/ha（年間熱需要／土地面積、Hotmaps の熱需要密度と同じ単位）、${raster.crs}、${raster.cell} m セル、nodata 0。demand.tif の annual_heat バンド（セル当たり MWh/a）をセル面積 ${(raster.cell * raster.cell) / 10000} ha で割った値。`
        : `${EXPORT_FILES.heatDensity}: one band heat_density, unit MWh/ha (annual heat demand per hectare of land, the unit of Hotmaps heat density maps), ${raster.crs}, ${raster.cell} m cells, nodata 0: demand.tif's annual_heat band (MWh/a per cell) divided by the cell area of ${(raster.cell * raster.cell) / 10000} ha.`,
    );
    // demand.tif's bands as the contract declares them: every value is per cell
    const bands = DEMAND_BANDS.map((b, i) => `${i + 1} ${b.name} ${b.unit}${ja ? '（セル当たり）' : ' per cell'}`).join(ja ? '、' : ', ');
    L.push(ja ? `  参考: demand.tif のバンド単位は ${bands}。` : `  For reference, demand.tif's bands: ${bands}.`);
  }
  L.push('');
  if (m.crs) L.push(`${ja ? '作業座標系' : 'Working CRS'}: ${m.crs.name} (${m.crs.code})`);
  L.push(ja ? `作成: ${new Date().toISOString()}` : `Written ${new Date().toISOString()}`);
  return L.join('\r\n') + '\r\n';
}

/** The export folder's path relative to the run, for messages. */
export const exportLabel = (runDir: string, dir: string): string => relative(resolve(runDir), dir) || '.';

/** Whether a run folder has an export (its marker file). */
export const hasExport = (runDir: string): boolean => existsSync(join(resolve(runDir), EXPORT_DIR, EXPORT_FILES.marker));
