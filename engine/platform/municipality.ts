/**
 * Which municipality a run's buildings are in: PLATEAU publishes each city under its JIS municipality code (the
 * download `43206_tamana-shi_city_2024_citygml_1_op.zip`, every building's `uro:buildingID` "27100-bldg-26662" and
 * `uro:city` 27104, a ward code of Osaka city 27100). heatplan reads, per input file of buildings.geojson, the first
 * buildingID (else uro:city) in the file's first 4 MB, or a 5-digit code heading a folder or zip name on its path.
 * The `municipality` option (a code or a name of the guideline table) wins over the data; OSM, shapefile and GeoJSON
 * inputs carry no code and need it.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { FileMunicipality, MunicipalityHow } from './types.js';

export type { FileMunicipality, MunicipalityHow } from './types.js';



const ID = /<uro:buildingID>\s*(\d{5})-/;
const CITY = /<uro:city\b[^>]*>\s*(\d{5})\s*</;
const NAME = /^(\d{5})_[a-z]/i;
const HEAD_BYTES = 4 << 20;

/** The code in a PLATEAU path: a segment "43206_tamana-shi_city_..." (a zip or folder name), nearest the file first. */
export function codeFromPath(path: string): number | null {
  const parts = path.split(/[\\/!]/).filter(Boolean).reverse();
  for (const p of parts) {
    const m = NAME.exec(basename(p));
    if (m) return Number(m[1]);
  }
  return null;
}

/** The first buildingID's (else uro:city's) code in a CityGML text. */
export function codeFromGml(text: string): { code: number; how: MunicipalityHow } | null {
  const id = ID.exec(text);
  if (id) return { code: Number(id[1]), how: 'plateau-building-id' };
  const c = CITY.exec(text);
  return c ? { code: Number(c[1]), how: 'plateau-city' } : null;
}

/** The municipality code of one input file (CityGML .gml/.gml.gz: its head; any path: a PLATEAU folder or zip name). */
export async function fileMunicipality(file: string): Promise<FileMunicipality> {
  const lower = file.toLowerCase();
  if ((lower.endsWith('.gml') || lower.endsWith('.gml.gz')) && existsSync(file) && statSync(file).isFile()) {
    const text = await readHead(file, lower.endsWith('.gz'));
    const r = codeFromGml(text);
    if (r) return { file, ...r };
  }
  const code = codeFromPath(file);
  return { file, code, how: code === null ? null : 'plateau-file-name' };
}

/** The first HEAD_BYTES of a (gzipped) file as text; stops reading there. */
function readHead(file: string, gz: boolean): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let n = 0;
    const raw = createReadStream(file, gz ? {} : { end: HEAD_BYTES - 1 });
    const s = gz ? raw.pipe(createGunzip()) : raw;
    const done = () => {
      raw.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      n += c.length;
      // stop at the first code found (the first building, some kB in) or after HEAD_BYTES
      if (n >= HEAD_BYTES || codeFromGml(c.toString('latin1'))) {
        s.removeAllListeners('data');
        done();
      }
    });
    s.on('end', done);
    // a truncated gzip still gives the text before the break
    s.on('error', done);
  });
}
