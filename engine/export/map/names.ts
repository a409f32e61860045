/**
 * Place names for a plan sheet, from the run's own inputs (nothing is looked up):
 * - PLATEAU buildings: the `gml:name` of a bldg:Building (schools, stations, city halls: 玉名市役所), placed at that
 *   building's centroid in buildings.geojson (matched by gml:id). Read from the .gml / .gml.gz files the manifest lists
 *   as buildings, and from the tiles inside a PLATEAU city zip (manifest paths `city.zip!/udx/bldg/….gml`).
 * - OSM extracts: the `name` of streets (highway primary to residential), of water areas and waterways, and of
 *   named squares and quarters mapped as areas (place=*; city blocks, place=city_block, in the streets' small type),
 *   from the ways the base layer scans anyway.
 * Labels are then placed largest first without overlapping each other (engine/export/map/layers.ts drawNames).
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { openZip, readEntry, type ZipArchive } from '../../io/zip.js';

export type NameKind = 'building' | 'street' | 'water' | 'place' | 'block';

/** A label anchor in the working CRS, with a weight that orders the placement (larger first). */
export interface PlaceName {
  x: number;
  y: number;
  text: string;
  kind: NameKind;
  /** Floor area m² (buildings), way length m (streets, waterways), ring extent m (areas). */
  weight: number;
}

/** The OSM highway classes whose names are drawn (the streets a plan reader finds their way by). */
export const NAMED_HIGHWAYS = new Set(['primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'living_street', 'pedestrian']);

const BUILDING = /<bldg:Building\b[^>]*\bgml:id="([^"]+)"/g;
const NAME = /<gml:name\b[^>]*>([^<]+)<\/gml:name>/;

/** gml:id -> gml:name of every named bldg:Building in the PLATEAU files (the first name after its start tag). */
export async function plateauBuildingNames(paths: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const zips = new Map<string, ZipArchive>();
  for (const p of paths) {
    const raw = await fileBytes(p, zips);
    const bytes = /\.gz$/i.test(p) ? gunzipSync(raw) : raw;
    // most tiles name no building: look for the tag in the bytes before decoding the text
    if (bytes.indexOf('<gml:name') < 0) continue;
    const text = bytes.toString('utf8');
    const starts = [...text.matchAll(BUILDING)];
    for (let k = 0; k < starts.length; k++) {
      const s = starts[k]!;
      const end = k + 1 < starts.length ? starts[k + 1]!.index! : text.length;
      // the building's own name precedes its geometry; a name further on belongs to a part or an address
      const slice = text.slice(s.index!, Math.min(end, s.index! + 4000));
      const m = NAME.exec(slice);
      if (m) out.set(s[1]!, unescapeXml(m[1]!.trim()));
    }
  }
  return out;
}

/** The bytes of a file, or of a zip entry named `zip!/entry` (the manifest's name for it). */
async function fileBytes(p: string, zips: Map<string, ZipArchive>): Promise<Buffer> {
  const bang = p.indexOf('!/');
  if (bang < 0) return readFile(p);
  const zipPath = p.slice(0, bang);
  const name = p.slice(bang + 2);
  let zip = zips.get(zipPath);
  if (!zip) zips.set(zipPath, (zip = await openZip(zipPath)));
  const e = zip.entries.find((x) => x.name === name);
  if (!e) throw new Error(`${name} is not in ${zipPath}`);
  const parts: Buffer[] = [];
  for await (const b of readEntry(zip, e)) parts.push(b);
  return Buffer.concat(parts);
}

function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, e: string) => {
    const l = e.toLowerCase();
    if (l === 'lt') return '<';
    if (l === 'gt') return '>';
    if (l === 'amp') return '&';
    if (l === 'quot') return '"';
    if (l === 'apos') return "'";
    return String.fromCodePoint(l.startsWith('#x') ? Number.parseInt(l.slice(2), 16) : Number.parseInt(l.slice(1), 10));
  });
}

/** The middle of a line (by length) and its length, working CRS metres. */
export function lineMiddle(a: Float64Array): { x: number; y: number; length: number } {
  let total = 0;
  for (let i = 2; i < a.length; i += 2) total += Math.hypot(a[i]! - a[i - 2]!, a[i + 1]! - a[i - 1]!);
  let run = 0;
  for (let i = 2; i < a.length; i += 2) {
    const d = Math.hypot(a[i]! - a[i - 2]!, a[i + 1]! - a[i - 1]!);
    if (run + d >= total / 2 && d > 0) {
      const f = (total / 2 - run) / d;
      return { x: a[i - 2]! + f * (a[i]! - a[i - 2]!), y: a[i - 1]! + f * (a[i + 1]! - a[i - 1]!), length: total };
    }
    run += d;
  }
  return { x: a[0]!, y: a[1]!, length: total };
}

/** Centre of a ring's bounding box and its larger side, metres. */
export function ringCentre(a: Float64Array): { x: number; y: number; size: number } {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < a.length; i += 2) {
    x0 = Math.min(x0, a[i]!);
    x1 = Math.max(x1, a[i]!);
    y0 = Math.min(y0, a[i + 1]!);
    y1 = Math.max(y1, a[i + 1]!);
  }
  return { x: (x0 + x1) / 2, y: (y0 + y1) / 2, size: Math.max(x1 - x0, y1 - y0) };
}

/** One label per street name: the middle of its longest way. */
export function streetNames(ways: { name: string; part: Float64Array }[]): PlaceName[] {
  const best = new Map<string, PlaceName>();
  for (const w of ways) {
    const m = lineMiddle(w.part);
    const b = best.get(w.name);
    if (!b || m.length > b.weight) best.set(w.name, { x: m.x, y: m.y, text: w.name, kind: 'street', weight: m.length });
  }
  return [...best.values()];
}
