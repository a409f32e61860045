/**
 * Peer programs the export tests check outputs with (Debian's gdal-bin ogrinfo, chromium, poppler-utils pdfinfo and
 * pdftotext, python3's sqlite3). Where one is missing its tests are skipped with one loud line; under CI (CI=true,
 * where .ci/run installs them) a missing one is a failure.
 */
import { spawnSync } from 'node:child_process';

const found = new Map<string, boolean>();

/** Whether `cmd` runs here (checked once: `cmd --version` or the given probe arguments). */
export function havePeer(cmd: string, probe: string[] = ['--version']): boolean {
  let ok = found.get(cmd);
  if (ok === undefined) {
    const r = spawnSync(cmd, probe, { encoding: 'utf8', timeout: 30_000 });
    ok = r.error === undefined && r.status !== null;
    found.set(cmd, ok);
    if (!ok) {
      if (process.env.CI === 'true') throw new Error(`${cmd} is not installed (CI requires it: .ci/run installs it)`);
      console.warn(`\n*** SKIPPING tests that need ${cmd}: not installed ***\n`);
    }
  }
  return ok;
}

/** Run a peer and return its stdout; throws with its stderr when it fails. */
export function peer(cmd: string, args: string[], o: { timeout?: number } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: o.timeout ?? 120_000, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Headless Chromium's print of an HTML file to PDF (A4 when the page asks for it with @page size). */
export function printToPdf(html: string, pdf: string, profile: string): void {
  peer(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--no-pdf-header-footer',
      `--print-to-pdf=${pdf}`,
      `file://${html}`,
    ],
    { timeout: 180_000 },
  );
}

/** `ogrinfo -ro FILE` as [layer, geometry type] pairs. */
export function ogrLayers(file: string): [string, string][] {
  const out = peer('ogrinfo', ['-ro', '-q', file]);
  return [...out.matchAll(/^\d+: (\S+) \(([^)]+)\)/gm)].map((m) => [m[1]!, m[2]!]);
}

/**
 * Give a synthetic run's demand.tif the contract's band count (DEMAND_BANDS; bands it lacks are zero), so these tests
 * follow the contract while test/export/synthetic-run.ts writes the three heat bands.
 */
export async function demandToContract(dir: string): Promise<void> {
  const [{ readGeoTiff, writeGeoTiff }, { DEMAND_BANDS }, { join }] = await Promise.all([import('../../engine/io/geotiff.js'), import('../../engine/run/contract.js'), import('node:path')]);
  const file = join(dir, 'demand.tif');
  const r = await readGeoTiff(file);
  if (r.bands.length >= DEMAND_BANDS.length) return;
  const n = r.width * r.height;
  const bands = DEMAND_BANDS.map((_, i) => r.bands[i] ?? new Float64Array(n));
  await writeGeoTiff(file, { ...r, bands, names: DEMAND_BANDS.map((b) => b.name), units: DEMAND_BANDS.map((b) => b.unit) });
}
