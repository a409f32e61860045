/**
 * Test helper: GDAL's OSM driver as an independent reader (ogr2ogr to GeoJSON), where gdal-bin is installed.
 * Not a test file itself (no .test suffix).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const HAVE_OGR = (() => {
  try {
    execFileSync('ogr2ogr', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

if (!HAVE_OGR) {
  if (process.env.CI === 'true') throw new Error('ogr2ogr (Debian gdal-bin) is required under CI for the OSM cross-checks');
  console.warn('\n*** SKIPPING OSM comparisons with GDAL: ogr2ogr not found (apt-get install gdal-bin) ***\n');
}

export interface GdalFeature {
  type: 'Feature';
  properties: Record<string, string | number | null>;
  geometry: { type: string; coordinates: any } | null;
}

/** Features of one layer of an OSM file as GDAL reads them, filtered by an OGR SQL where clause. */
export function ogrOsmLayer(pbf: string, layer: string, where: string): GdalFeature[] {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-ogr-'));
  try {
    const out = join(dir, 'out.geojson');
    execFileSync('ogr2ogr', ['-f', 'GeoJSON', out, pbf, layer, '-where', where], { stdio: ['ignore', 'ignore', 'pipe'] });
    return (JSON.parse(readFileSync(out, 'utf8')) as { features: GdalFeature[] }).features;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A tag from GDAL's hstore-like other_tags column ('"k"=>"v","k2"=>"v2"'). */
export function otherTag(f: GdalFeature, key: string): string | undefined {
  const s = f.properties.other_tags;
  if (typeof s !== 'string') return undefined;
  const re = /"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(s); m; m = re.exec(s)) if (m[1] === key) return m[2]!.replace(/\\(.)/g, '$1');
  return undefined;
}
