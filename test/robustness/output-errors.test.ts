/**
 * Issue 17 item 6: output-side file-system errors (a full disk, a read-only folder, a file in the way) are one
 * OutputError naming the path and the cause in plain words, never "internal error" with a stack; every write stream
 * is awaited, so simulate on a full disk no longer crashes Node and leaves a partial hourly.csv; the stage transaction
 * leaves the run folder as it was; a batch marks the area whose write failed as failed and goes on.
 * Full-disk and read-only cases use a small tmpfs (`mount -t tmpfs -o size=1m`); where mounting is not permitted they
 * are skipped with a loud line (canMount in ./cli.ts), and under CI=true they fail only if mounting works and the
 * check does not.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../engine/batch/batch.js';
import { OutputError } from '../../engine/errors.js';
import { writeReport } from '../../engine/export/report.js';
import { OutputStream, withOutputStream, writeOutput, writeOutputAtomic } from '../../engine/io/write.js';
import { parseCsv } from '../../engine/util/csv.js';
import { canMount, DEMO, expectCleanRefusal, heatplan, leftovers, mountTmpfs, snapshot, tempDir, WEATHER, type Mount } from './cli.js';

const demandArgs = (out: string, cell = 50) => [
  'demand', '--buildings', join(DEMO, 'buildings.geojson'), '--out', out, '--scheme', 'plateau', '--use-column', 'usage',
  '--storeys-column', 'storeys', '--floor-area-column', 'floorArea', '--height-column', 'height', '--id-column', 'id',
  '--climate-region', '1', '--cell', String(cell), '--quiet',
];

/** The demo town's whole pipeline (about 2 s), made once: a run folder with a network to simulate. */
let demo: string;
beforeAll(async () => {
  demo = join(tempDir('output'), 'demo');
  const r = await heatplan(['demo', '--out', demo, '--quiet'], 120_000);
  expect(r.code, r.stderr).toBe(0);
});

/** The demo run without the simulate, report and map outputs, copied into `dir`. */
function routedRun(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ['areas.geojson', 'blocks.geojson', 'buildings.geojson', 'demand.tif', 'manifest.json', 'network.geojson', 'potential.tif', 'roads.geojson']) {
    copyFileSync(join(demo, f), join(dir, f));
  }
  return dir;
}

const withMount = canMount() ? describe : describe.skip;

withMount('a full disk (1 MB tmpfs)', () => {
  let m: Mount;
  beforeAll(() => {
    m = mountTmpfs('1m');
  });
  afterAll(() => m?.unmount());

  it('demand: exit non-zero, "the disk is full" naming the file, the existing run byte-identical, nothing left beside it', async () => {
    const out = join(m.dir, 'demand-run');
    const first = await heatplan(demandArgs(out));
    expect(first.code, first.stderr).toBe(0);
    const before = snapshot(m.dir);
    // at 1 m cells the demand.tif alone is ~4 MB
    const r = await heatplan(demandArgs(out, 1));
    expectCleanRefusal(r);
    expect(r.stderr).toMatch(new RegExp(`${out}/(demand\\.tif|blocks\\.geojson|buildings\\.geojson): cannot write: the disk is full \\(ENOSPC\\)`));
    expect(snapshot(m.dir)).toEqual(before);
    expect(leftovers(m.dir)).toEqual([]);
    rmSync(out, { recursive: true, force: true });
  });

  it('simulate: exit non-zero, hourly.csv named, no partial hourly.csv, the run folder byte-identical', async () => {
    const run = routedRun(join(m.dir, 'sim-run'));
    const before = snapshot(m.dir);
    const r = await heatplan(['simulate', '--run', run, '--weather', WEATHER, '--quiet']);
    expectCleanRefusal(r);
    expect(r.stderr).toContain(`${run}/hourly.csv: cannot write: the disk is full (ENOSPC)`);
    expect(existsSync(join(run, 'hourly.csv'))).toBe(false);
    expect(snapshot(m.dir)).toEqual(before);
    expect(leftovers(m.dir)).toEqual([]);
    rmSync(run, { recursive: true, force: true });
  });

  it('report --out on the full disk: OutputError, no temporary file left', async () => {
    const fill = join(m.dir, 'fill');
    writeFileSync(fill, Buffer.alloc(1024 * 1024 - 64 * 1024)); // leave ~64 kB: the report is ~190 kB
    const out = join(m.dir, 'report.html');
    const e = await writeReport(demo, { out }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OutputError);
    expect((e as OutputError).errno).toBe('ENOSPC');
    expect((e as OutputError).message).toBe(`${out}: cannot write: the disk is full (ENOSPC). free some space or write the output elsewhere`);
    expect(leftovers(m.dir)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    rmSync(fill);
  });
});

withMount('a read-only folder (read-only tmpfs)', () => {
  let m: Mount;
  beforeAll(() => {
    m = mountTmpfs('1m');
    routedRun(join(m.dir, 'run'));
    m.readOnly();
  });
  afterAll(() => m?.unmount());

  it('report --out into it: "read-only file system", exit 1, no stack', async () => {
    const out = join(m.dir, 'report.html');
    const r = await heatplan(['report', demo, '--out', out, '--quiet']);
    expectCleanRefusal(r);
    expect(r.stderr).toContain(`${out}: cannot write: read-only file system (EROFS)`);
  });

  it('demand --out into it, simulate on a run in it: refused cleanly naming the path', async () => {
    const d = await heatplan(demandArgs(join(m.dir, 'new')));
    expectCleanRefusal(d);
    expect(d.stderr).toMatch(new RegExp(`${m.dir}/new\\S*: .*(read-only|EROFS)`));
    const before = snapshot(m.dir);
    const s = await heatplan(['simulate', '--run', join(m.dir, 'run'), '--weather', WEATHER, '--quiet']);
    expectCleanRefusal(s);
    expect(s.stderr).toMatch(new RegExp(`${m.dir}/run\\S*: .*(read-only|EROFS)`));
    expect(snapshot(m.dir)).toEqual(before);
  });
});

describe('a file in the way', () => {
  it('demand --out naming a file, or a folder under a file: "a file is in the way", exit 1 (was: internal error)', async () => {
    const dir = tempDir('output');
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'keep me\n');
    for (const out of [file, join(file, 'run')]) {
      const r = await heatplan(demandArgs(out));
      expectCleanRefusal(r);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`heatplan: error: ${file}: .*a file is in the way`));
    }
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
  });

  it('report and map --out under a file: OutputError naming the output, cause in plain words', async () => {
    const dir = tempDir('output');
    writeFileSync(join(dir, 'f'), 'x');
    for (const args of [['report', demo, '--out', join(dir, 'f', 'report.html')], ['export-map', demo, '--out', join(dir, 'f', 'map.svg')]]) {
      const r = await heatplan([...args, '--quiet']);
      expectCleanRefusal(r);
      expect(r.stderr).toContain(`${args[3]}: cannot write: a file is in the way (a folder is needed there) (ENOTDIR)`);
    }
  });
});

describe('the write helpers (engine/io/write.ts)', () => {
  const full = existsSync('/dev/full') ? it : it.skip;

  full('a stream on a full device: every write awaited, the error an OutputError, never an uncaught event', async () => {
    const s = new OutputStream('/dev/full');
    const e = await (async () => {
      for (let i = 0; i < 10_000; i++) await s.write('x'.repeat(1024));
      await s.end();
    })().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OutputError);
    expect((e as OutputError).errno).toBe('ENOSPC');
    expect((e as OutputError).message).toMatch(/^\/dev\/full: cannot write: the disk is full \(ENOSPC\)/);
    await s.abort();
    expect(existsSync('/dev/full')).toBe(true); // a device is never "removed as a partial file"
    await expect(writeOutput('/dev/full', 'x'.repeat(1 << 16))).rejects.toThrow(/disk is full/);
    await expect(withOutputStream('/dev/full', async (o) => o.write('x'.repeat(1 << 20)))).rejects.toBeInstanceOf(OutputError);
    expect(existsSync('/dev/full')).toBe(true);
  });

  it('writeOutputAtomic: a failure leaves the old file and no temporary file', async () => {
    const dir = tempDir('output');
    const p = join(dir, 'a.txt');
    writeFileSync(p, 'old');
    mkdirSync(join(dir, 'a.dir'));
    await expect(writeOutputAtomic(join(dir, 'a.dir'), 'new')).rejects.toThrow(/a\.dir: cannot write: a folder is in the way/);
    expect(leftovers(dir)).toEqual([]);
    await writeOutputAtomic(p, 'new');
    expect(readFileSync(p, 'utf8')).toBe('new');
  });
});

withMount('batch: an area whose write fails is failed with the message; the others go on', () => {
  let m: Mount;
  beforeAll(() => {
    m = mountTmpfs('2m');
  });
  afterAll(() => m?.unmount());

  it('the 1 m area fails with "the disk is full", the 50 m area is done', async () => {
    const dir = tempDir('output');
    const file = join(dir, 'batch.yaml');
    const opts = 'scheme: plateau, useColumn: usage, storeysColumn: storeys, floorAreaColumn: floorArea, heightColumn: height, idColumn: id, climateRegion: 1';
    writeFileSync(file, `stages: [demand]
areas:
  - name: fine
    buildings: ${join(DEMO, 'buildings.geojson')}
    demand: { ${opts}, cell_m: 50 }
  - name: huge
    buildings: ${join(DEMO, 'buildings.geojson')}
    demand: { ${opts}, cell_m: 1 }
`);
    const out = join(m.dir, 'out');
    const r = await runBatch({ file, out, workers: 1, quiet: true });
    const rows = Object.fromEntries(parseCsv(readFileSync(join(out, 'summary.csv'), 'utf8')).map((x) => [x.name, x]));
    expect(rows.fine!.status, rows.fine!.error).toBe('done');
    expect(rows.huge!.status).toBe('failed');
    expect(rows.huge!.error).toMatch(new RegExp(`${out}/huge/\\S+: cannot write: the disk is full \\(ENOSPC\\)`));
    expect(r.crashes).toBe(0);
    expect(existsSync(join(out, 'huge'))).toBe(false);
  });
});
