/**
 * Buildings from a shapefile (.shp + .dbf, optional .prj and .cpg) or a GeoJSON file, with the attribute columns
 * named by an AttributeMapping (e.g. a Japanese land-use survey, 都市計画基礎調査, or a city's building register).
 *
 * ```ts
 * await readVectorBuildings('tatemono.shp', builder, warnings, { mapping: { use: '建物用途', floorArea: '延床面積', storeys: '地上階数' } });
 * ```
 *
 * - Files are opened by openVector (./vector.ts), which decides the encoding (opts.encoding, .cpg, the dBase
 *   language driver, UTF-8) and the CRS (opts.crs, else the .prj or GeoJSON `crs` member, else WGS84 for GeoJSON; a
 *   shapefile with neither is a CrsError 'crs-missing'), and checks lon/lat ranges. x is always easting/longitude.
 *   Coordinates are transformed into the builder's CRS.
 * - Polygon and MultiPolygon features; other types are dropped and counted ('not-polygon', 'no-geometry').
 *   Rings go through cleanRing ('too-few-points', 'nan'); a bad hole is left out ('bad-hole').
 * - Numbers (floorArea, storeys, storeysBelow, height, footprintArea) are read from numeric or text columns; empty
 *   values are NaN and counted ('missing-<field>'), unreadable ones too ('bad-<field>'). The use code is kept as a
 *   string ('411', '住宅'); a `category` column must hold heatplan category names ('bad-category' otherwise).
 * - Errors: a mapping column that is not in the file (InputError 'unknown-column', listing the columns there are);
 *   the reader's errors ('file-not-found', 'unknown-format', 'shp-missing-dbf', 'shp-truncated'/'shp-corrupt' with the
 *   record number, 'geojson-invalid', 'crs-missing', 'crs-lonlat-range' for a coordinate that is not a finite number or,
 *   taken as lon/lat, out of range), and 'not-lonlat' for a projected position that transforms to no lon/lat position.
 */
import { basename } from 'node:path';
import { cleanRing, notLonLat, notLonLatError } from '../buildings/geometry.js';
import { USE_CATEGORIES, type BuildingTableBuilder, type FlatPolygon, type RawBuilding, type UseCategory } from '../buildings/table.js';
import { InputError } from '../errors.js';
import { flatTransform, type Crs } from '../crs/index.js';
import type { ProgressFn } from '../util/progress.js';
import type { Warnings } from '../util/warnings.js';
import { openVector, type VectorGeometry } from './vector.js';

/** Source column names for building attributes. Every named column must exist in the file. */
export interface AttributeMapping {
  /** Identifier column (default: the 1-based record number). */
  id?: string;
  /** Use code column, kept as a string for the use mapping. */
  use?: string;
  /** Total floor area, m². */
  floorArea?: string;
  /** Storeys above ground. */
  storeys?: string;
  /** Storeys below ground. */
  storeysBelow?: string;
  /** Building height, m. */
  height?: string;
  /** Footprint (building) area, m². */
  footprintArea?: string;
  /** A column holding heatplan category names (USE_CATEGORIES). */
  category?: string;
}

export interface VectorBuildingsOptions {
  mapping: AttributeMapping;
  /** Text encoding of the .dbf (or GeoJSON): overrides .cpg. */
  encoding?: string;
  /** Use code scheme name recorded for the file (default 'custom'). */
  scheme?: string;
  /** CRS of the coordinates (wins over the file's .prj / crs member; needed for a shapefile without .prj). */
  crs?: string;
  onProgress?: ProgressFn;
}

export interface VectorBuildingsSummary {
  buildings: number;
  dropped: number;
  crs: string;
  encoding: string;
  columns: string[];
}

type Props = Record<string, unknown>;
type Geometry = VectorGeometry;

const NUMERIC_FIELDS = [
  ['floorArea', 'givenFloorAreaM2'],
  ['storeys', 'storeysAbove'],
  ['storeysBelow', 'storeysBelow'],
  ['height', 'heightM'],
  ['footprintArea', 'givenFootprintAreaM2'],
] as const;

/** Read a .shp or .geojson/.json file of building footprints into `builder`. */
export async function readVectorBuildings(
  path: string,
  builder: BuildingTableBuilder,
  warnings: Warnings,
  opts: VectorBuildingsOptions,
): Promise<VectorBuildingsSummary> {
  const file = await openVector(path, { what: 'building', sourceCrs: opts.crs, encoding: opts.encoding, warnings });
  builder.beginFile(path, opts.scheme ?? 'custom');
  const sink = new FeatureSink(path, builder, warnings, opts.mapping, file.crs, file.encoding, file.columns);
  const total = Math.max(file.count, 1);
  for await (const f of file.features()) {
    // shapefiles: the record number is the id; GeoJSON: the feature's id member, else its position
    const fallbackId = f.id !== undefined ? String(f.id) : String(f.record);
    sink.add(f.record, f.properties, f.geometry, fallbackId);
    if (f.record % 1000 === 0) opts.onProgress?.(f.record, total, basename(path));
  }
  opts.onProgress?.(total, total, basename(path));
  return sink.sum;
}

/** Feeds features to the builder: mapping, numbers, geometry, warnings. */
class FeatureSink {
  readonly sum: VectorBuildingsSummary;
  /** The batch transformation into the builder's CRS (undefined: the same CRS), and its output for one ring. */
  private readonly tr: ((xy: ArrayLike<number>, out: Float64Array | number[]) => void) | undefined;
  private scratch = new Float64Array(64);
  constructor(
    private readonly path: string,
    private readonly builder: BuildingTableBuilder,
    private readonly warnings: Warnings,
    private readonly mapping: AttributeMapping,
    private readonly src: Crs,
    encoding: string,
    columns: string[],
  ) {
    checkColumns(path, mapping, columns);
    this.tr = src.proj4 === builder.crs.proj4 ? undefined : flatTransform(src, builder.crs);
    this.sum = { buildings: 0, dropped: 0, crs: src.code, encoding, columns };
  }

  /**
   * Transform a ring into the builder's CRS (in place). openVector has checked the coordinates (finite; lon/lat range
   * for a geographic file); a projected file's position that does not land on a lon/lat position (1e15 m, far outside
   * the CRS) is CrsError 'not-lonlat' naming the file and record. The ring goes through a scratch array, so the
   * message can name the position as the file has it.
   */
  private project(flat: number[], record: number): void {
    if (!this.tr) return;
    if (this.scratch.length < flat.length) this.scratch = new Float64Array(2 * flat.length);
    const out = this.scratch;
    this.tr(flat, out);
    if (this.builder.crs.geographic) {
      for (let i = 0; i < flat.length; i += 2) {
        const why = notLonLat(out[i]!, out[i + 1]!);
        if (why)
          throw notLonLatError(`this position in ${this.src.code} is not on Earth (transformed to lon/lat, ${why})`, { file: this.path, record, value: [flat[i]!, flat[i + 1]!] });
      }
    }
    for (let i = 0; i < flat.length; i++) flat[i] = out[i]!;
  }

  private drop(code: string, message: string, record: number): void {
    this.warnings.add(code, message, { file: this.path, record });
    this.sum.dropped++;
  }

  add(record: number, props: Props, geom: Geometry | null, fallbackId: string): void {
    if (!geom) return this.drop('no-geometry', 'feature has no geometry; dropped', record);
    let polys: unknown[];
    if (geom.type === 'Polygon') polys = [geom.coordinates];
    else if (geom.type === 'MultiPolygon') polys = Array.isArray(geom.coordinates) ? geom.coordinates : [];
    else return this.drop('not-polygon', `feature is a ${geom.type}, not a Polygon or MultiPolygon; dropped`, record);
    const out: FlatPolygon[] = [];
    let problem: string | undefined;
    for (const poly of polys) {
      if (!Array.isArray(poly) || poly.length === 0) continue;
      const rings: number[][] = [];
      for (let r = 0; r < poly.length; r++) {
        const flat = flattenRing(poly[r]);
        if (flat) this.project(flat, record);
        const clean = flat ? cleanRing(flat) : 'nan';
        if (typeof clean === 'string') {
          if (r === 0) {
            problem = clean;
            break;
          }
          this.warnings.add('bad-hole', 'polygon hole with too few points or bad coordinates; left out', { file: this.path, record });
          continue;
        }
        rings.push(clean);
      }
      if (rings.length > 0 && problem === undefined) out.push(rings);
      if (problem !== undefined) break;
    }
    if (problem === 'nan') return this.drop('nan', 'polygon has non-finite coordinates; dropped', record);
    if (problem !== undefined || out.length === 0)
      return this.drop('too-few-points', 'polygon ring has fewer than 3 distinct points; dropped', record);
    this.builder.add(this.attributes(record, props, fallbackId), out);
    this.sum.buildings++;
  }

  private attributes(record: number, props: Props, fallbackId: string): RawBuilding {
    const m = this.mapping;
    const raw: RawBuilding = { id: fallbackId };
    if (m.id) {
      const v = props[m.id];
      if (v !== null && v !== undefined && String(v).trim() !== '') raw.id = String(v).trim();
    }
    if (m.use) {
      const v = props[m.use];
      raw.useCode = v === null || v === undefined ? '' : String(v).trim();
    }
    for (const [field, key] of NUMERIC_FIELDS) {
      const col = m[field];
      if (!col) continue;
      raw[key] = this.number(props[col], field, col, record);
    }
    if (m.category) {
      const v = props[m.category];
      const s = v === null || v === undefined ? '' : String(v).trim();
      if ((USE_CATEGORIES as readonly string[]).includes(s)) raw.category = s as UseCategory;
      else
        this.warnings.add('bad-category', `column ${m.category} holds a value that is not a heatplan category; use mapped from the use code`, {
          file: this.path,
          record,
          message: `${m.category}=${s}`,
        });
    }
    return raw;
  }

  private number(v: unknown, field: string, col: string, record: number): number {
    if (typeof v === 'number') {
      if (Number.isFinite(v)) return v;
    } else if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) {
      this.warnings.add(`missing-${kebab(field)}`, `column ${col} (${field}) is empty; left unknown`, { file: this.path, record });
      return NaN;
    } else if (typeof v === 'string') {
      const s = v.trim().replace(/,/g, '');
      if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
    }
    this.warnings.add(`bad-${kebab(field)}`, `column ${col} (${field}) is not a number; left unknown`, {
      file: this.path,
      record,
      message: `${col}=${String(v)}`,
    });
    return NaN;
  }
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

function checkColumns(path: string, mapping: AttributeMapping, columns: string[]): void {
  for (const [field, col] of Object.entries(mapping)) {
    if (col === undefined || col === '') continue;
    if (!columns.includes(col))
      throw new InputError('unknown-column', `the mapping names column '${col}' (${field}), which is not in the file`, {
        file: path,
        value: col,
        hint: `columns in the file: ${columns.join(', ') || '(none)'}`,
      });
  }
}

/** A GeoJSON ring [[x, y], ...] as a flat array, or null when it is not one. */
function flattenRing(ring: unknown): number[] | null {
  if (!Array.isArray(ring)) return null;
  const out = new Array<number>(ring.length * 2);
  for (let i = 0; i < ring.length; i++) {
    const p = ring[i] as unknown;
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number') return null;
    out[2 * i] = p[0];
    out[2 * i + 1] = p[1];
  }
  return out;
}
