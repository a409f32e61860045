/**
 * The S3-compatible run-folder store (engine/batch/store-s3.ts) against a local S3 server (s3rver on loopback):
 * a run folder uploaded as a commit and checked out again byte for byte, local paths in its text files stored as the
 * area's store URL and put back; a commit nobody claimed removed whole; the store URL, endpoint and credentials file
 * parsed, and every refusal (wrong key, no bucket, nobody listening) a clear error naming the store, without the secret.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBatch } from '../../engine/batch/batch.js';
import { S3Store, StoreError } from '../../engine/batch/store-s3.js';
import { parseStoreTarget, storeRef } from '../../engine/batch/store-target.js';
import { parseCsv } from '../../engine/util/csv.js';
import { S3_KEY, startS3, type TestS3 } from './s3-server.js';

const ROOT = resolve(__dirname, '..', '..');
const DEMO = join(ROOT, 'datasets/demo');

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.close();
});

const creds = { ...S3_KEY, from: 'the test' };
const storeAt = (prefix: string, c = creds) => new S3Store(storeRef(parseStoreTarget({ url: `s3://${s3.bucket}/${prefix}`, endpoint: s3.endpoint, env: {} })), c, { attempts: 1, timeoutMs: 3000 });

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => res(p));
    });
  });
}

describe('store target (no server needed)', () => {
  it('parses bucket, prefix, endpoint and region; refuses bad URLs', () => {
    const t = parseStoreTarget({ url: 's3://my-bucket/runs/2026/', endpoint: 'http://127.0.0.1:9000', env: {} });
    expect([t.bucket, t.prefix, t.url, t.endpoint, t.region, t.forcePathStyle]).toEqual(['my-bucket', 'runs/2026', 's3://my-bucket/runs/2026', 'http://127.0.0.1:9000', 'us-east-1', true]);
    const aws = parseStoreTarget({ url: 's3://my-bucket', env: { AWS_REGION: 'ap-northeast-1' } });
    expect([aws.prefix, aws.endpoint, aws.region, aws.forcePathStyle]).toEqual(['', undefined, 'ap-northeast-1', false]);
    expect(parseStoreTarget({ url: 's3://my-bucket/x', env: { HEATPLAN_STORE_ENDPOINT: 'https://s3.example' } }).endpoint).toBe('https://s3.example');
    expect(() => parseStoreTarget({ url: '/shared/runs', env: {} })).toThrow(/must be an S3 URL such as s3:\/\/BUCKET\/PREFIX/);
    expect(() => parseStoreTarget({ url: 's3://No_Such', env: {} })).toThrow(/not a valid S3 bucket name/);
    expect(() => parseStoreTarget({ url: 's3://my-bucket/a/../b', env: {} })).toThrow(/\. or \.\. segments/);
    expect(() => parseStoreTarget({ url: 's3://my-bucket', endpoint: 'http://key:secret@127.0.0.1:9000', env: {} })).toThrow(/may not hold credentials/);
    try {
      parseStoreTarget({ url: 's3://my-bucket', endpoint: 'http://key:secret@127.0.0.1:9000', env: {} });
    } catch (e) {
      expect((e as Error).message).not.toContain('secret');
    }
  });

  it('reads the AWS shared-credentials format, the profile\'s section, and names a bad line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-creds-'));
    const f = join(dir, 'credentials');
    writeFileSync(f, '# test\n[other]\naws_access_key_id = A1\naws_secret_access_key = S1\n\n[default]\naws_access_key_id=A2\naws_secret_access_key = S2\n');
    const t = parseStoreTarget({ url: 's3://my-bucket', credentialsFile: f, env: {} });
    expect(t.credentials).toMatchObject({ accessKeyId: 'A2', secretAccessKey: 'S2' });
    expect(parseStoreTarget({ url: 's3://my-bucket', credentialsFile: f, env: { AWS_PROFILE: 'other' } }).credentials).toMatchObject({ accessKeyId: 'A1', secretAccessKey: 'S1' });
    writeFileSync(f, '[default]\naws_access_key_id = A2\nthis is not ini\n');
    expect(() => parseStoreTarget({ url: 's3://my-bucket', credentialsFile: f, env: {} })).toThrow(/line 3/);
    writeFileSync(f, '[default]\naws_access_key_id = A2\n');
    expect(() => parseStoreTarget({ url: 's3://my-bucket', credentialsFile: f, env: {} })).toThrow(/no aws_access_key_id and aws_secret_access_key in section \[default\]/);
    expect(() => parseStoreTarget({ url: 's3://my-bucket', credentialsFile: join(dir, 'missing'), env: {} })).toThrow(/ENOENT/);
  });
});

describe('S3 store on a local S3 server', () => {
  it('a run folder goes up as a commit and comes back byte for byte, paths put back; unchanged files copied', async () => {
    const s = storeAt('rt');
    const src = mkdtempSync(join(tmpdir(), 'heatplan-store-src-'));
    const dir = join(src, 'town');
    mkdirSync(join(dir, 'export'), { recursive: true });
    const bin = Buffer.from(Array.from({ length: 70_000 }, (_, k) => (k * 7919) % 256));
    writeFileSync(join(dir, 'demand.tif'), bin);
    writeFileSync(join(dir, 'export', 'heatplan.gpkg'), 'gpkg bytes');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ stages: ['demand'], run: dir, note: `${dir}/blocks.geojson` }));
    const rec = await s.upload({ area: 'town', run: 'r1', stage: 'demand', commit: 'r1.demand.a', dir, mode: 'direct' });
    expect(rec.stages).toEqual(['demand']);
    expect(rec.files.map((f) => f.name)).toEqual(['demand.tif', 'export/heatplan.gpkg', 'manifest.json']);
    // in the store the manifest names the area's store URL, not the worker's folder
    const stored = JSON.parse((await s.getText(s.key('town', 'commits', 'r1.demand.a', 'manifest.json')))!);
    expect(stored.run).toBe(`s3://${s3.bucket}/rt/town`);
    expect(stored.note).toBe(`s3://${s3.bucket}/rt/town/blocks.geojson`);

    const back = join(mkdtempSync(join(tmpdir(), 'heatplan-store-back-')), 'town');
    await s.checkout(rec, back);
    expect(readFileSync(join(back, 'demand.tif')).equals(bin)).toBe(true);
    expect(readFileSync(join(back, 'export', 'heatplan.gpkg'), 'utf8')).toBe('gpkg bytes');
    expect(JSON.parse(readFileSync(join(back, 'manifest.json'), 'utf8'))).toEqual({ stages: ['demand'], run: back, note: `${back}/blocks.geojson` });

    // a second commit on that base: the unchanged grid is copied on the server, the changed manifest uploaded
    writeFileSync(join(back, 'manifest.json'), JSON.stringify({ stages: ['demand', 'areas'], run: back }));
    writeFileSync(join(back, 'areas.geojson'), '{"type":"FeatureCollection","features":[]}');
    const rec2 = await s.upload({ area: 'town', run: 'r1', stage: 'areas', commit: 'r1.areas.b', dir: back, base: rec, mode: 'direct' });
    expect(rec2.stages).toEqual(['demand', 'areas']);
    const keys = (await s.list(s.key('town', 'commits') + '/')).map((o) => o.key.slice(s.key('town', 'commits').length + 1)).sort();
    expect(keys).toEqual([
      'r1.areas.b/areas.geojson', 'r1.areas.b/demand.tif', 'r1.areas.b/export/heatplan.gpkg', 'r1.areas.b/manifest.json',
      'r1.demand.a/demand.tif', 'r1.demand.a/export/heatplan.gpkg', 'r1.demand.a/manifest.json',
    ]);
    const again = join(mkdtempSync(join(tmpdir(), 'heatplan-store-again-')), 'town');
    await s.checkout(rec2, again);
    expect(readFileSync(join(again, 'demand.tif')).equals(bin)).toBe(true);

    // refs are single objects: written whole, read back the same
    await s.writeRef(s.headKey('town'), rec2);
    expect(await s.head('town')).toEqual(rec2);
    expect(await s.head('nowhere')).toBeUndefined();
    // a commit nobody claimed is removed whole, the other left as it was
    await s.discard('town', 'r1.demand.a');
    expect((await s.list(s.key('town', 'commits') + '/')).every((o) => o.key.includes('/r1.areas.b/'))).toBe(true);
    s.close();
  });

  it('a wrong access key, a missing bucket and a closed port are clear errors naming the store, never the secret', async () => {
    const secret = 'very-secret-key-123';
    const bad = storeAt('x', { accessKeyId: 'NOT-A-KEY', secretAccessKey: secret, from: 'the file creds.ini' });
    const e1 = await bad.check().then(() => undefined, (e) => e as Error);
    expect(e1).toBeInstanceOf(StoreError);
    expect(e1!.message).toMatch(new RegExp(`the store s3://${s3.bucket}/x \\(${s3.endpoint.replace(/\./g, '\\.')}\\) refused the credentials \\(from the file creds\\.ini\\): (InvalidAccessKeyId|HTTP 403)`));
    expect(e1!.message).not.toContain(secret);
    bad.close();

    const nob = new S3Store(storeRef(parseStoreTarget({ url: 's3://no-such-bucket/x', endpoint: s3.endpoint, env: {} })), creds, { attempts: 1 });
    await expect(nob.check()).rejects.toThrow(/bucket no-such-bucket does not exist/);
    nob.close();

    const port = await freePort();
    const off = new S3Store(storeRef(parseStoreTarget({ url: 's3://heatplan-test/x', endpoint: `http://127.0.0.1:${port}`, env: {} })), creds, { attempts: 1, timeoutMs: 2000 });
    const t0 = Date.now();
    await expect(off.check()).rejects.toThrow(new RegExp(`cannot reach the store s3://heatplan-test/x \\(http://127\\.0\\.0\\.1:${port}\\): connection refused`));
    expect(Date.now() - t0).toBeLessThan(10_000);
    off.close();
  });

  it('the local pool on the store: areas published as they finish, a failed remake keeps HEAD, --resume runs the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-store-local-'));
    const roads = join(dir, 'roads.geojson');
    writeFileSync(roads, '{"type":"FeatureCollection","features":[{"type":"Feat');
    const demand = 'demand: { scheme: plateau, useColumn: usage, storeysColumn: storeys, climateRegion: 1 }';
    const good = join(dir, 'good.yaml');
    writeFileSync(good, `stages: [demand, areas]\n${demand}\nareas:\n  - { name: demo, buildings: ${DEMO}/buildings.geojson }\n`);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `stages: [demand, areas, route]\n${demand}\nareas:\n  - { name: demo, buildings: ${DEMO}/buildings.geojson, roads: ${roads}, plants: ${DEMO}/plants.geojson }\n`);
    const target = (prefix: string) => ({ ...parseStoreTarget({ url: `s3://${s3.bucket}/${prefix}`, endpoint: s3.endpoint, env: {} }), credentials: creds });
    const s = storeAt('local');
    const commits = async (st: S3Store) => new Set((await st.list(st.key('demo', 'commits') + '/')).map((o) => o.key.split('/')[3]));

    const r1 = await runBatch({ file: good, out: '', store: target('local'), workers: 1, quiet: true });
    expect([r1.done, r1.failed, r1.out]).toEqual([1, 0, `s3://${s3.bucket}/local`]);
    const head1 = (await s.head('demo'))!;
    expect(head1.stages).toEqual(['demand', 'areas']);
    expect(parseCsv((await s.getText(s.key('summary.csv')))!).map((r) => [r.name, r.status, r.stages_ran])).toEqual([['demo', 'done', 'demand areas']]);
    expect(JSON.parse((await s.getText(s.key('batch.json')))!).store).toBe(`s3://${s3.bucket}/local`);
    // a remake failing in route: HEAD and its commit stay as they were
    const r2 = await runBatch({ file: bad, out: '', store: target('local'), workers: 1, quiet: true });
    expect([r2.done, r2.failed, r2.areas[0]!.failedStage]).toEqual([0, 1, 'route']);
    expect(await s.head('demo')).toEqual(head1);
    expect(await commits(s)).toEqual(new Set([head1.commit]));

    // an area with no run yet keeps what it finished; with the roads mended, --resume runs route on it
    const s2 = storeAt('local2');
    expect((await runBatch({ file: bad, out: '', store: target('local2'), workers: 1, quiet: true })).failed).toBe(1);
    const partial = (await s2.head('demo'))!;
    expect(partial.stages).toEqual(['demand', 'areas']);
    writeFileSync(roads, readFileSync(join(DEMO, 'roads.geojson')));
    const r3 = await runBatch({ file: bad, out: '', store: target('local2'), workers: 1, quiet: true, resume: true });
    expect([r3.done, r3.areas[0]!.ran, r3.areas[0]!.reused]).toEqual([1, ['route'], ['demand', 'areas']]);
    const full = (await s2.head('demo'))!;
    expect(full.stages).toEqual(['demand', 'areas', 'route']);
    expect(await commits(s2)).toEqual(new Set([full.commit]));
    s.close();
    s2.close();
  }, 300_000);
});
