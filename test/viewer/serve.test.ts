/** The viewer's server: what it serves, what it refuses (paths outside the roots), missing files, busy ports. */
import { request } from 'node:http';
import { createServer } from 'node:net';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside, runStatus, startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { runView } from '../../engine/viewer/view.js';
import { unpackArrays } from '../../engine/viewer/pack/format.js';
import { writeSyntheticRun } from './synthetic-run.js';

let dir: string;
let runDir: string;
let distDir: string;
let srv: ViewServer;

/** GET with the path sent exactly as written (no URL normalisation of ../). */
function get(port: number, path: string): Promise<{ status: number; body: Buffer; type: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode!, body: Buffer.concat(chunks), type: String(res.headers['content-type']) }));
    });
    req.on('error', fail);
    req.end();
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'heatplan-serve-'));
  runDir = join(dir, 'run');
  distDir = join(dir, 'dist');
  await writeSyntheticRun(runDir, { omit: ['potential.tif', 'sim.json'] });
  await mkdir(distDir);
  await writeFile(join(distDir, 'index.html'), '<!doctype html><title>viewer</title>');
  await writeFile(join(dir, 'secret.txt'), 'outside the run');
  await symlink(join(dir, 'secret.txt'), join(runDir, 'link.txt'));
  srv = await startViewServer({ runDir, distDir, port: 0 });
});
afterAll(async () => {
  await srv?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('startViewServer', () => {
  it('listens on 127.0.0.1 only and serves the viewer and the run files', async () => {
    expect((srv.server.address() as { address: string }).address).toBe('127.0.0.1');
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}/`);
    const index = await get(srv.port, '/');
    expect(index.status).toBe(200);
    expect(index.body.toString()).toContain('<title>viewer</title>');
    const m = await get(srv.port, '/run/manifest.json');
    expect(m.status).toBe(200);
    expect(JSON.parse(m.body.toString()).crs.code).toBe('EPSG:6670');
    expect((await get(srv.port, '/run/hourly.csv')).type).toContain('text/csv');
  });

  it('refuses every path outside the served folders with 403', async () => {
    for (const p of [
      '/run/../secret.txt',
      '/run/../../../../etc/passwd',
      '/run/%2e%2e/secret.txt',
      '/run/..%2fsecret.txt',
      '/run/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/run/link.txt',
      '/run/%00manifest.json',
    ]) {
      const r = await get(srv.port, p);
      expect(r.status, p).toBe(403);
      expect(r.body.toString()).not.toContain('outside the run');
    }
    expect(await resolveInside(runDir, '/../x')).toBeUndefined();
    expect(await resolveInside(runDir, '/manifest.json')).toBe(join(runDir, 'manifest.json'));
  });

  it('says which files the run has and which it has not', async () => {
    const st = await runStatus(runDir);
    expect(st.missing.sort()).toEqual(['potential.tif', 'sim.json']);
    expect(st.files.find((f) => f.name === 'demand.tif')!.present).toBe(true);
    const r = JSON.parse((await get(srv.port, '/api/status')).body.toString());
    expect(r.missing).toContain('potential.tif');
    expect(r.manifest.crs.code).toBe('EPSG:6670');
    const pot = await get(srv.port, '/api/grid/potential.bin');
    expect(pot.status).toBe(404);
    expect(JSON.parse(pot.body.toString()).error).toBe('potential.tif is not in the run folder');
  });

  it('serves the grid and the buildings as binary', async () => {
    const g = await get(srv.port, '/api/grid/demand.bin');
    expect(g.status).toBe(200);
    const u = unpackArrays<{ count: number; bands: { name: string; unit: string }[] }>(g.body.buffer.slice(g.body.byteOffset, g.body.byteOffset + g.body.length) as ArrayBuffer);
    expect(u.arrays.position!.length).toBe(2 * u.meta.count);
    expect(u.meta.bands[1]).toMatchObject({ name: 'heat demand', unit: 'MWh/a' });
    const b = await get(srv.port, '/api/buildings.bin');
    expect(b.status).toBe(200);
  });

  it('reports a broken file as 422 with the reason', async () => {
    const bad = join(dir, 'bad');
    await writeSyntheticRun(bad, { omit: ['demand.tif'] });
    await writeFile(join(bad, 'demand.tif'), 'garbage');
    const s2 = await startViewServer({ runDir: bad, distDir, port: 0 });
    try {
      const r = await get(s2.port, '/api/grid/demand.bin');
      expect(r.status).toBe(422);
      expect(JSON.parse(r.body.toString()).error).toMatch(/demand\.tif.*cannot read GeoTIFF/);
    } finally {
      await s2.close();
    }
  });

  it('moves to the next port when the default one is busy, and fails clearly when told to keep it', async () => {
    const blocker = createServer();
    await new Promise<void>((ok) => blocker.listen(0, '127.0.0.1', ok));
    const busy = (blocker.address() as { port: number }).port;
    try {
      await expect(startViewServer({ runDir, distDir, port: busy, strictPort: true })).rejects.toMatchObject({ name: 'UsageError', code: 'view-port-in-use' });
      const s2 = await startViewServer({ runDir, distDir, port: busy, portTries: 5 });
      expect(s2.port).toBeGreaterThan(busy);
      await s2.close();
    } finally {
      blocker.close();
    }
  });

  it('converts the grid and the buildings again when a stage has replaced them (re-run into the viewed run)', async () => {
    const live = join(dir, 'live');
    await writeSyntheticRun(live, { seed: 1 });
    const s2 = await startViewServer({ runDir: live, distDir, port: 0 });
    try {
      const g1 = await get(s2.port, '/api/grid/demand.bin');
      const b1 = await get(s2.port, '/api/buildings.bin');
      expect((await get(s2.port, '/api/grid/demand.bin')).body.equals(g1.body)).toBe(true);
      // commit as a stage does: staging folder renamed over the run
      await writeSyntheticRun(join(dir, 'live.staging'), { seed: 2, buildings: 20 });
      await rename(live, join(dir, 'live.old'));
      await rename(join(dir, 'live.staging'), live);
      const g2 = await get(s2.port, '/api/grid/demand.bin');
      const b2 = await get(s2.port, '/api/buildings.bin');
      expect(g2.status).toBe(200);
      expect(g2.body.equals(g1.body)).toBe(false);
      expect(b2.body.equals(b1.body)).toBe(false);
    } finally {
      await s2.close();
    }
  });

  it('refuses a run folder that does not exist', async () => {
    await expect(startViewServer({ runDir: join(dir, 'nope'), distDir, port: 0 })).rejects.toMatchObject({ name: 'UsageError', code: 'view-no-run' });
  });
});

describe('heatplan view options', () => {
  it('rejects a bad port and a tile URL without attribution before building anything', async () => {
    await expect(runView(runDir, { port: 'abc', open: false })).rejects.toMatchObject({ code: 'view-bad-port' });
    await expect(runView(runDir, { port: '0', open: false, tiles: 'https://example.invalid/tiles.png', attribution: 'x' })).rejects.toMatchObject({ code: 'view-bad-tiles' });
    await expect(runView(runDir, { port: '0', open: false, tiles: 'https://example.invalid/{z}/{x}/{y}.png' })).rejects.toMatchObject({ code: 'view-attribution' });
  });
});
