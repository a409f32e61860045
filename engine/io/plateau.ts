/**
 * PLATEAU downloads as published: the city .zip (`43206_tamana-shi_city_2024_citygml_1_op.zip`), the folder it unzips
 * to, or that folder's `udx/`. Inside, each CityGML layer has its folder, `udx/<layer>/` (bldg buildings, wtr water
 * bodies, tran roads as area polygons, brid bridges, dem terrain, ...), beside `codelists/`, `metadata/`, `schemas/`
 * and `specification/`. A zip may hold the city folder itself (`<city>/udx/...`) or its content (`udx/...`); both are
 * read. A layer's files are its *.gml (and *.gml.gz) anywhere below `udx/<layer>/`, sorted by path; texture folders
 * (`*_appearance/`) are skipped.
 *
 * Zips are never unpacked whole: a layer's entries are taken one at a time (engine/io/zip.ts), each copied to a
 * temporary file the streaming CityGML readers take (a deflated entry as gzip, without inflating it), read, and
 * removed, so the temporary space is one entry's compressed size. Messages, warnings and table rows name an entry as
 * `<zip>!/<entry>`.
 */
import { readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import { CrsError, HeatplanError, InputError, UsageError } from '../errors.js';
import type { InputRecord } from '../run/contract.js';
import type { ProgressFn } from '../util/progress.js';
import type { Warnings } from '../util/warnings.js';
import { describeInputs, trackStaging } from './run-folder.js';
import { entryPath, extractEntryForStreaming, openZip, readEntry, type ZipArchive, type ZipEntry } from './zip.js';

/** PLATEAU layer folders (udx/<name>) and what they hold, for messages. */
export const PLATEAU_LAYERS: Record<string, string> = {
  bldg: 'buildings',
  wtr: 'water bodies',
  tran: 'roads as area polygons',
  brid: 'bridges',
  rwy: 'railways',
  trk: 'tracks',
  squr: 'squares',
  wwy: 'waterways',
  tun: 'tunnels',
  frn: 'city furniture',
  veg: 'vegetation',
  luse: 'land use',
  urf: 'urban planning zones',
  dem: 'terrain',
  fld: 'river flood zones',
  tnm: 'tsunami zones',
  htd: 'storm-surge zones',
  ifld: 'inland flood zones',
  lsld: 'landslide zones',
  unf: 'underground utilities',
  ubld: 'underground buildings',
  cons: 'other constructions',
  gen: 'generic city objects',
  area: 'areas',
};

const GML = /\.gml(\.gz)?$/i;
const APPEARANCE = /_appearance$/i;
/** macOS leftovers in zips and copied folders: `__MACOSX/` trees and `._name` AppleDouble files (not CityGML). */
const MAC_JUNK = /(^|\/)(__MACOSX\/|\._[^/]*$)/;

export interface PlateauLayout {
  kind: 'zip' | 'folder';
  /** The path as given. */
  input: string;
  /** The udx folder: its path, or `<zip>!/<prefix>udx` for a zip. */
  udx: string;
  /** The udx folder relative to the input ('udx', '<city>/udx', '' for the udx folder itself). */
  udxRel: string;
  /** CityGML files of each layer folder found, sorted: paths (folder) or entry names (zip). */
  layers: Map<string, string[]>;
  /** For a zip: the archive and its entries by name. */
  zip?: ZipArchive;
  entries?: Map<string, ZipEntry>;
}

/** The CityGML files below folder `dir`, sorted by path, texture folders skipped. */
function gmlBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, ent.name);
      if (ent.isDirectory()) {
        if (!APPEARANCE.test(ent.name)) walk(p);
      } else if (GML.test(ent.name) && !ent.name.startsWith('._')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

const isDir = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

function layoutOfUdx(input: string, udx: string): PlateauLayout {
  const layers = new Map<string, string[]>();
  for (const ent of readdirSync(udx, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (ent.isDirectory()) layers.set(ent.name, gmlBelow(join(udx, ent.name)));
  }
  return { kind: 'folder', input, udx, udxRel: relative(input, udx), layers };
}

/**
 * The PLATEAU layout of folder `dir`, if it is one: the `udx/` folder itself (named udx, holding layer folders), a city
 * folder holding `udx/`, or a folder holding one such city folder (a zip unpacked into a folder of its name).
 * Undefined when the folder is none of these. Two city folders in one are a UsageError listing them.
 */
export function plateauFolder(dir: string): PlateauLayout | undefined {
  if (!isDir(dir)) return undefined;
  if (basename(resolve(dir)) === 'udx' && readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && e.name in PLATEAU_LAYERS)) {
    return layoutOfUdx(dir, dir);
  }
  if (isDir(join(dir, 'udx'))) return layoutOfUdx(dir, join(dir, 'udx'));
  const cities = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && isDir(join(dir, e.name, 'udx')))
    .map((e) => e.name)
    .sort();
  if (cities.length === 1) return layoutOfUdx(dir, join(dir, cities[0]!, 'udx'));
  if (cities.length > 1) {
    throw new UsageError('plateau-several', `the folder holds ${cities.length} PLATEAU city folders (${cities.join(', ')}); pass the one to read`, { file: dir, hint: 'several paths may be given: --buildings a/udx b/udx' });
  }
  return undefined;
}

/** Entry names of a zip's `udx/` tree, split into the prefix before `udx/`, the layer and the rest. */
const UDX_ENTRY = /^((?:[^/]+\/)*?)udx\/([^/]+)(?:\/(.*))?$/;

/**
 * Open a PLATEAU city zip: its layers and their CityGML entries. A zip without a `udx/` folder is an InputError
 * ('zip-not-plateau') listing what it holds; one with several city folders a UsageError listing them.
 */
export async function openPlateauZip(path: string): Promise<PlateauLayout> {
  const zip = await openZip(path);
  const prefixes = new Set<string>();
  for (const e of zip.entries) {
    if (MAC_JUNK.test(e.name)) continue;
    const m = UDX_ENTRY.exec(e.name);
    if (m && (m[3] !== undefined || e.isDirectory)) prefixes.add(m[1]!);
  }
  if (prefixes.size === 0) throw notPlateau(zip);
  if (prefixes.size > 1) {
    const cities = [...prefixes].map((p) => `${p}udx/`).sort();
    throw new UsageError('plateau-several', `the zip holds ${cities.length} PLATEAU udx folders (${cities.join(', ')}); heatplan reads one city per zip`, {
      file: path,
      hint: 'unzip it and pass the city folders one by one (several paths may be given)',
    });
  }
  const prefix = [...prefixes][0]!;
  const layers = new Map<string, string[]>();
  const entries = new Map<string, ZipEntry>();
  for (const e of zip.entries) {
    const m = UDX_ENTRY.exec(e.name);
    if (!m || m[1] !== prefix || MAC_JUNK.test(e.name)) continue;
    const layer = m[2]!;
    const list = layers.get(layer) ?? [];
    layers.set(layer, list);
    const rest = m[3] ?? '';
    if (e.isDirectory || !GML.test(rest) || rest.split('/').slice(0, -1).some((d) => APPEARANCE.test(d))) continue;
    list.push(e.name);
    entries.set(e.name, e);
  }
  for (const l of layers.values()) l.sort();
  const sorted = new Map([...layers].sort((a, b) => (a[0] < b[0] ? -1 : 1)));
  return { kind: 'zip', input: path, udx: entryPath(path, `${prefix}udx`), udxRel: `${prefix}udx`, layers: sorted, zip, entries };
}

/** Whether a zip holds a PLATEAU udx/ tree. */
export const hasUdx = (zip: ZipArchive): boolean => zip.entries.some((e) => UDX_ENTRY.test(e.name) && !MAC_JUNK.test(e.name));

/** What a zip holds, for messages: `it holds 3 files: a.shp, a.dbf, a.prj` (the first 12 named). */
export function zipHolds(zip: ZipArchive): string {
  const files = zip.entries.filter((e) => !e.isDirectory);
  const shown = files.slice(0, 12).map((e) => e.name);
  const more = files.length - shown.length;
  return files.length === 0 ? 'it holds no files' : `it holds ${files.length} file${files.length === 1 ? '' : 's'}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function notPlateau(zip: ZipArchive): InputError {
  return new InputError('zip-not-plateau', `the zip is not a PLATEAU download: it has no udx/ folder of CityGML layers (udx/bldg, udx/wtr, ...); ${zipHolds(zip)}`, {
    file: zip.path,
    hint: 'pass a PLATEAU city zip as published (..._citygml_..._op.zip), its unzipped folder or its udx folder; unzip other archives and pass the files in them',
  });
}

/** The layers of a layout as `udx/bldg (2 files: buildings), udx/wtr (...)`. */
export function layerList(l: PlateauLayout, except?: string): string {
  const parts = [...l.layers]
    .filter(([k]) => k !== except)
    .map(([k, files]) => `udx/${k} (${files.length} file${files.length === 1 ? '' : 's'}${PLATEAU_LAYERS[k] ? `: ${PLATEAU_LAYERS[k]}` : ''})`);
  return parts.length ? parts.join(', ') : 'no layer folders';
}

const kindName = (l: PlateauLayout) => (l.kind === 'zip' ? 'PLATEAU city zip' : 'PLATEAU folder');

/** The files of `layer`, or an InputError ('plateau-no-layer') saying which layers the download holds. */
export function requireLayer(l: PlateauLayout, layer: string, what: string): string[] {
  const files = l.layers.get(layer);
  if (files && files.length > 0) return files;
  throw new InputError(
    'plateau-no-layer',
    `the ${kindName(l)} holds no ${what} (no CityGML files in ${l.udx}/${layer}); it holds ${layerList(l)}`,
    { file: l.input, hint: `pass a PLATEAU download with udx/${layer}, or the ${what} as files` },
  );
}

/** One line for the terminal: where a layer was found and what else the download holds. */
export function plateauNote(l: PlateauLayout, layer: string, what: string): string {
  const n = l.layers.get(layer)?.length ?? 0;
  const others = layerList(l, layer);
  const where = l.udxRel ? `${l.udxRel}/${layer}` : layer;
  return `${kindName(l)} ${l.input}: ${what} from ${where} in it (${n} file${n === 1 ? '' : 's'}); it also holds ${others}`;
}

/** The same error with path `from` (a temporary copy) named `to` everywhere: message, file, hint. */
function renamed(e: unknown, from: string, to: string): unknown {
  if (!(e instanceof HeatplanError) || !(e.message.includes(from) || e.file === from)) return e;
  const swap = (s: string) =>
    s
      .split(from)
      .join(to)
      .replace(/broken gzip stream/g, 'broken compressed data in the zip entry')
      .replace(/the \.gz file is truncated or corrupt; download it again/g, 'the zip is damaged; download it again (`unzip -t` tests a zip)');
  const C = e instanceof UsageError ? UsageError : e instanceof CrsError ? CrsError : InputError;
  const out = new C(e.code, swap(e.message));
  Object.assign(out, { file: e.file === from ? to : e.file, record: e.record, value: e.value, hint: e.hint && swap(e.hint), cause: e });
  return out;
}

/** Move the warnings of one temporary copy into `into`, naming `to` where they name `from`. */
export function moveWarnings(local: Warnings, into: Warnings, from: string, to: string): void {
  for (const w of local.list()) {
    w.message = w.message.split(from).join(to);
    for (const ex of w.examples) {
      if (ex.file === from) ex.file = to;
      if (ex.message) ex.message = ex.message.split(from).join(to);
    }
  }
  into.merge(local);
}

/**
 * Call `fn` on each CityGML file of `layer`, one at a time, in path order: `file` is the path to read and `shown` the
 * name to record. For a zip, `file` is a temporary copy of the entry, removed after `fn`; an error naming the copy
 * is re-thrown naming the entry.
 */
export async function forEachLayerFile(
  l: PlateauLayout,
  layer: string,
  fn: (file: string, shown: string) => Promise<void>,
  onProgress?: ProgressFn,
): Promise<void> {
  const files = l.layers.get(layer) ?? [];
  if (l.kind === 'folder') {
    for (let i = 0; i < files.length; i++) {
      onProgress?.(i, files.length, basename(files[i]!));
      await fn(files[i]!, files[i]!);
    }
    onProgress?.(files.length, files.length, 'done');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'heatplan-zip-'));
  const untrack = trackStaging(dir);
  try {
    for (let i = 0; i < files.length; i++) {
      const e = l.entries!.get(files[i]!)!;
      const shown = entryPath(l.zip!.path, e.name);
      onProgress?.(i, files.length, basename(e.name));
      let tmp: string;
      try {
        tmp = await extractEntryForStreaming(l.zip!, e, dir);
      } catch (err) {
        if (err instanceof HeatplanError) throw err;
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw new InputError('zip-temp-failed', `cannot copy the zip entry to a temporary file in ${tmpdir()} (${code})`, {
          file: shown,
          hint: 'free space there, or set TMPDIR to a folder with room for one entry',
        });
      }
      try {
        await fn(tmp, shown);
      } catch (err) {
        throw renamed(err, tmp, shown);
      } finally {
        await rm(tmp, { force: true });
      }
    }
    onProgress?.(files.length, files.length, 'done');
  } finally {
    await rm(dir, { recursive: true, force: true });
    untrack();
  }
}

/**
 * The manifest's input records for `layer` of a download: each file (folder), or the zip itself and each entry read
 * (`<zip>!/<entry>`, its uncompressed size and the sha256 of its uncompressed bytes, the same as the unzipped file's).
 */
export async function describeLayer(l: PlateauLayout, layer: string, role: string): Promise<InputRecord[]> {
  const files = l.layers.get(layer) ?? [];
  if (l.kind === 'folder') return describeInputs(files, role);
  const out = await describeInputs([l.zip!.path], role);
  for (const name of files) {
    const e = l.entries!.get(name)!;
    const h = createHash('sha256');
    for await (const c of readEntry(l.zip!, e)) h.update(c);
    out.push({ path: entryPath(resolve(l.zip!.path), name), bytes: e.size, sha256: h.digest('hex'), role });
  }
  return out;
}

/** A path's PLATEAU layout: a .zip (which must be PLATEAU) or a folder (undefined when it is not PLATEAU). */
export async function plateauLayout(path: string): Promise<PlateauLayout | undefined> {
  if (/\.zip$/i.test(path) && !isDir(path)) return openPlateauZip(path);
  return plateauFolder(path);
}
