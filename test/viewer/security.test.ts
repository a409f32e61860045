/**
 * The viewer server's defences (issue 17, item 4): it answers only loopback Host names and loopback Origins (DNS
 * rebinding, cross-site fetches), sends its security headers on every response, and survives files that change under
 * it: a run folder replaced by rename (as a stage commits) while clients download, clients that abort mid-download,
 * a file truncated mid-transfer. The last three run the server in a child process, as `heatplan view` does, so that
 * a crash shows as a dead process.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { link, mkdir, mkdtemp, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startViewServer, type ViewServer } from '../../engine/viewer/server.js';
import { contentSecurityPolicy, tileSource } from '../../engine/viewer/security.js';
import { writeSyntheticRun } from './synthetic-run.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One request with the headers exactly as given (`host` too), on a fresh connection. */
function raw(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** A request written byte for byte on a socket (no Host header at all); the whole answer as text. */
function rawSocket(port: number, text: string): Promise<string> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1', () => s.write(text));
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c));
    s.on('end', () => ok(Buffer.concat(chunks).toString()));
    s.on('error', fail);
  });
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe('viewer server: Host and Origin', () => {
  let dir: string;
  let runDir: string;
  let srv: ViewServer;
  let manifest: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatplan-security-'));
    runDir = join(dir, 'run');
    const distDir = join(dir, 'dist');
    await writeSyntheticRun(runDir);
    await mkdir(distDir);
    await writeFile(join(distDir, 'index.html'), '<!doctype html><title>viewer</title>');
    manifest = await readFile(join(runDir, 'manifest.json'), 'utf8');
    srv = await startViewServer({ runDir, distDir, port: 0, log: () => {} });
  });
  afterAll(async () => {
    await srv?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** No byte of the run in a refused answer: not the manifest, not the run folder's path, not the viewer. */
  const expectNothingServed = (r: Reply, what: string) => {
    const text = r.body.toString();
    expect(text, what).not.toContain('EPSG:6670');
    expect(text, what).not.toContain(runDir);
    expect(text, what).not.toContain('<title>viewer</title>');
    expect(text.length, what).toBeLessThan(200);
    expect(String(r.headers['content-type']), what).toContain('text/plain');
  };

  it('answers the loopback Host names with its port and refuses every other Host with 421 and no content (DNS rebinding)', async () => {
    const p = srv.port;
    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`, `LocalHost:${p}`]) {
      const r = await raw(p, '/run/manifest.json', { host });
      expect(r.status, host).toBe(200);
      expect(r.body.toString(), host).toBe(manifest);
    }
    expect((await raw(p, '/', { host: `localhost:${p}` })).status).toBe(200);
    const foreign = [
      `evil.example:${p}`,
      '127.0.0.1.evil.example',
      `127.0.0.1.evil.example:${p}`,
      `localhost.evil.example:${p}`,
      `localhost.:${p}`,
      `evil.example`,
      `127.0.0.1:${p + 1}`,
      `127.0.0.1:${p}0`,
      // without the port: browsers send it for every port but 80
      '127.0.0.1',
      'localhost',
      '[::1]',
      `127.0.0.2:${p}`,
      `0.0.0.0:${p}`,
      `user@127.0.0.1:${p}`,
    ];
    for (const host of foreign) {
      for (const path of ['/run/manifest.json', '/api/status', '/api/config', '/', '/index.html', '/run/buildings.geojson', '/api/buildings.bin']) {
        const r = await raw(p, path, { host });
        expect(r.status, `${host} ${path}`).toBe(421);
        expectNothingServed(r, `${host} ${path}`);
      }
    }
    // HEAD and methods the server does not know get the same answer
    expect((await raw(p, '/run/manifest.json', { host: `evil.example:${p}` }, 'HEAD')).status).toBe(421);
    expect((await raw(p, '/run/manifest.json', { host: `evil.example:${p}` }, 'POST')).status).toBe(421);
  });

  it('refuses a request without a Host header', async () => {
    const text = await rawSocket(srv.port, 'GET /run/manifest.json HTTP/1.0\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.[01] 421 /);
    expect(text).not.toContain('EPSG:6670');
    expect(text).not.toContain(runDir);
  });

  it('refuses a request from a foreign Origin with 403 and no content', async () => {
    const p = srv.port;
    for (const origin of ['http://evil.example', `http://evil.example:${p}`, 'null', `https://127.0.0.1:${p}`, `http://127.0.0.1:${p + 1}`, 'http://127.0.0.1', `http://127.0.0.1.evil.example:${p}`, 'file://']) {
      for (const path of ['/run/manifest.json', '/api/status', '/']) {
        const r = await raw(p, path, { host: `127.0.0.1:${p}`, origin });
        expect(r.status, `${origin} ${path}`).toBe(403);
        expectNothingServed(r, `${origin} ${path}`);
        // and no CORS grant
        expect(r.headers['access-control-allow-origin']).toBeUndefined();
      }
    }
    for (const origin of [`http://127.0.0.1:${p}`, `http://localhost:${p}`, `http://[::1]:${p}`]) {
      const r = await raw(p, '/run/manifest.json', { host: `127.0.0.1:${p}`, origin });
      expect(r.status, origin).toBe(200);
    }
  });

  it('sends its security headers on every answer', async () => {
    const p = srv.port;
    const host = `127.0.0.1:${p}`;
    const answers: Record<string, Reply> = {
      index: await raw(p, '/', { host }),
      runFile: await raw(p, '/run/manifest.json', { host }),
      api: await raw(p, '/api/status', { host }),
      binary: await raw(p, '/api/grid/demand.bin', { host }),
      missing: await raw(p, '/run/nope.json', { host }),
      outside: await raw(p, '/run/../../etc/passwd', { host }),
      method: await raw(p, '/', { host }, 'POST'),
      badHost: await raw(p, '/run/manifest.json', { host: 'evil.example' }),
      badOrigin: await raw(p, '/run/manifest.json', { host, origin: 'http://evil.example' }),
    };
    expect(answers.index!.status).toBe(200);
    expect(answers.missing!.status).toBe(404);
    expect(answers.outside!.status).toBe(403);
    expect(answers.method!.status).toBe(405);
    for (const [what, r] of Object.entries(answers)) {
      expect(r.headers['x-content-type-options'], what).toBe('nosniff');
      expect(r.headers['referrer-policy'], what).toBe('no-referrer');
      expect(r.headers['cross-origin-resource-policy'], what).toBe('same-origin');
      expect(r.headers['content-security-policy'], what).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; style-src-elem 'self'; img-src 'self' data: blob:; " +
          "connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
    }
    for (const what of ['runFile', 'api', 'binary', 'missing', 'outside', 'badHost', 'badOrigin']) expect(answers[what]!.headers['cache-control'], what).toBe('no-store');
  });

  it('takes the CSP source of a tile URL template from its scheme and host', () => {
    expect(tileSource('https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png')).toBe('https://cyberjapandata.gsi.go.jp');
    expect(tileSource('http://LocalHost:8080/t/{z}/{x}/{-y}.png')).toBe('http://localhost:8080');
    expect(tileSource('https://tiles.example:443/{z}/{x}/{y}.png')).toBe('https://tiles.example');
    // nothing the policy could name: a host with a placeholder, another scheme, a relative template ('self' covers it)
    expect(tileSource('https://{s}.tile.example/{z}/{x}/{y}.png')).toBeUndefined();
    expect(tileSource('file:///tiles/{z}/{x}/{y}.png')).toBeUndefined();
    expect(tileSource('/tiles/{z}/{x}/{y}.png')).toBeUndefined();
    expect(contentSecurityPolicy('https://a.example/{z}/{x}/{y}.png; script-src *')).not.toContain('script-src *');
  });

  it('allows the --tiles host in img-src and connect-src, and only then', async () => {
    const s2 = await startViewServer({
      runDir,
      distDir: join(dir, 'dist'),
      port: 0,
      tiles: { url: 'https://cyberjapandata.gsi.go.jp/xyz/pale/{z}/{x}/{y}.png', attribution: '地理院タイル' },
      log: () => {},
    });
    try {
      const r = await raw(s2.port, '/', { host: `127.0.0.1:${s2.port}` });
      const csp = Object.fromEntries(String(r.headers['content-security-policy']).split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
      expect(csp['img-src']).toEqual(["'self'", 'data:', 'blob:', 'https://cyberjapandata.gsi.go.jp']);
      expect(csp['connect-src']).toEqual(["'self'", 'https://cyberjapandata.gsi.go.jp']);
      expect(csp['script-src']).toEqual(["'self'"]);
      expect(csp['worker-src']).toEqual(["'self'", 'blob:']);
    } finally {
      await s2.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------------------------
// files changing under a running server

const CHILD = fileURLToPath(new URL('./serve-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Child {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
  alive: () => boolean;
}

function startChild(runDir: string, distDir: string): Promise<Child> {
  return new Promise((ok, fail) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, runDir, distDir], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    proc.stderr!.on('data', (c) => (err += c));
    proc.stdout!.on('data', (c) => {
      out += c;
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) ok({ proc, port: Number(m[1]), stderr: () => err, alive: () => proc.exitCode === null && proc.signalCode === null });
    });
    proc.on('exit', (code) => fail(new Error(`viewer server exited with ${code} before listening: ${err}`)));
  });
}

interface Download {
  /** 'done': the whole response arrived; 'cut': the connection ended before it; 'refused': no connection; 'timeout'. */
  kind: 'done' | 'cut' | 'refused' | 'timeout';
  status?: number;
  declared?: number;
  body: Buffer;
}

/** GET `path`; `slow` pauses after every chunk; `abortAfter` destroys the request after that many bytes. */
function download(port: number, path: string, opts: { agent?: Agent; slow?: boolean; abortAfter?: number; onChunk?: (n: number) => void; timeoutMs?: number } = {}): Promise<Download> {
  return new Promise((ok) => {
    let settled = false;
    const chunks: Buffer[] = [];
    let status: number | undefined;
    let declared: number | undefined;
    const done = (kind: Download['kind']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ok({ kind, status, declared, body: Buffer.concat(chunks) });
    };
    const req = request({ host: '127.0.0.1', port, path, agent: opts.agent ?? false }, (res) => {
      status = res.statusCode;
      declared = res.headers['content-length'] === undefined ? undefined : Number(res.headers['content-length']);
      let n = 0;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        n += c.length;
        opts.onChunk?.(n);
        if (opts.abortAfter !== undefined && n >= opts.abortAfter) {
          req.destroy();
          done('cut');
        } else if (opts.slow) {
          res.pause();
          setTimeout(() => res.resume(), 1);
        }
      });
      res.on('end', () => done('done'));
      res.on('error', () => done('cut'));
      res.on('close', () => done(res.complete ? 'done' : 'cut'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'cut'));
    const timer = setTimeout(() => {
      done('timeout');
      req.destroy();
    }, opts.timeoutMs ?? 30_000);
    req.end();
  });
}

/** Open descriptors of process `pid` on files whose path ends with `name` (Linux /proc). */
function openFds(pid: number, name: string): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).replace(/ \(deleted\)$/, '').endsWith(name)) n++;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}

/** A GeoJSON FeatureCollection of about `mb` MB whose every byte says which version it is. */
function bigGeojson(version: string, mb: number): Buffer {
  const feature = (i: number) =>
    JSON.stringify({ type: 'Feature', properties: { id: `${version}-${i}`, use: 'detached house', floorArea_m2: 100 + (i % 50) }, geometry: { type: 'Point', coordinates: [130.5 + i * 1e-6, 32.9] } });
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < mb * 1024 * 1024; i++) {
    const f = feature(i);
    parts.push(f);
    size += f.length + 1;
  }
  return Buffer.from(`{"type":"FeatureCollection","version":"${version}","features":[${parts.join(',')}]}`);
}

describe('viewer server: files changing under it', () => {
  let dir: string;
  let runDir: string;
  let distDir: string;
  let child: Child;
  /** Two versions of each file, of different sizes; a stage commits one or the other. */
  const versions: Record<string, Buffer>[] = [];
  const FILES_RACED = ['buildings.geojson', 'manifest.json'];

  /** Commit version `i % 2` the way RunFolder.commit does for a new run: staging folder, rename the old one away, rename the staging folder in, remove the old one. */
  const stage = async (i: number) => {
    const staging = `${runDir}.staging-${i}`;
    await mkdir(staging);
    for (const f of FILES_RACED) await link(join(dir, 'store', `v${i % 2}`, f), join(staging, f));
    const old = `${runDir}.heatplan-old-${i}`;
    await rename(runDir, old);
    await rename(staging, runDir);
    await rm(old, { recursive: true, force: true });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'heatplan-race-'));
    runDir = join(dir, 'run');
    distDir = join(dir, 'dist');
    await mkdir(distDir);
    await writeFile(join(distDir, 'index.html'), '<!doctype html><title>viewer</title>');
    for (const [v, mb, pad] of [
      [0, 8, 10],
      [1, 5, 3000],
    ] as const) {
      const files = {
        'buildings.geojson': bigGeojson(`v${v}`, mb),
        'manifest.json': Buffer.from(JSON.stringify({ heatplan: { version: '0.1.0' }, stages: ['buildings'], inputs: [], version: `v${v}`, pad: 'x'.repeat(pad) })),
      };
      versions.push(files);
      await mkdir(join(dir, 'store', `v${v}`), { recursive: true });
      for (const [f, b] of Object.entries(files)) await writeFile(join(dir, 'store', `v${v}`, f), b);
    }
    await mkdir(runDir);
    await stage(0);
  });
  // a server of its own for each test: one that died in a test does not fail the next
  beforeEach(async () => {
    child = await startChild(runDir, distDir);
  });
  afterEach(() => {
    if (child?.alive()) child.proc.kill();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stays up while the run folder is replaced by rename 60 times under concurrent downloads; every answer is whole or cut off', async () => {
    const agent = new Agent({ keepAlive: true });
    const outcomes: { path: string; d: Download }[] = [];
    let racing = true;
    const client = async (path: string, opts: { slow?: boolean; agent?: Agent }) => {
      while (racing) outcomes.push({ path, d: await download(child.port, path, { ...opts, timeoutMs: 20_000 }) });
    };
    const clients = [
      client('/run/buildings.geojson', { slow: true }),
      client('/run/buildings.geojson', { slow: true, agent }),
      client('/run/buildings.geojson', { agent }),
      client('/run/buildings.geojson', {}),
      client('/run/manifest.json', { agent }),
      client('/run/manifest.json', { agent }),
      client('/run/manifest.json', {}),
      client('/api/status', { agent }),
    ];
    const swaps = 60;
    for (let i = 1; i <= swaps; i++) {
      await stage(i);
      await sleep(2 + (i % 7));
    }
    racing = false;
    await Promise.all(clients);
    agent.destroy();

    expect(child.alive(), child.stderr()).toBe(true);
    const bad: string[] = [];
    let whole = 0;
    for (const { path, d } of outcomes) {
      if (d.kind === 'refused' || d.kind === 'timeout') bad.push(`${path}: ${d.kind}`);
      else if (d.kind === 'cut') continue; // cut off: allowed (the server destroys a response it cannot finish)
      else if (path === '/api/status') {
        if (d.status !== 200) bad.push(`${path}: ${d.status}`);
      } else if (d.status === 404) continue; // the instant between the two renames: no run folder
      else if (d.status !== 200) bad.push(`${path}: status ${d.status} ${d.body.toString().slice(0, 100)}`);
      else {
        const name = path.slice('/run/'.length);
        const v = versions.findIndex((f) => f[name]!.equals(d.body));
        if (v < 0) bad.push(`${path}: a ${d.body.length}-byte body that is neither version (declared ${d.declared})`);
        else {
          whole++;
          expect(d.declared).toBe(d.body.length);
        }
      }
    }
    expect(bad, bad.slice(0, 5).join('\n')).toEqual([]);
    expect(whole).toBeGreaterThan(swaps);
    expect(outcomes.filter((o) => o.path === '/run/buildings.geojson' && o.d.kind === 'done').length).toBeGreaterThan(4);
    // after the race: still serving, the version last committed
    const after = await download(child.port, '/run/manifest.json');
    expect(after.status).toBe(200);
    expect(after.body.equals(versions[swaps % 2]!['manifest.json']!)).toBe(true);
    // log lines only, no stack trace
    for (const line of child.stderr().split('\n').filter(Boolean)) expect(line).toMatch(/^heatplan viewer: /);
  });

  it('clients that abort mid-download neither crash it nor leave files open', async () => {
    const before = child.stderr();
    const aborted = await Promise.all(Array.from({ length: 20 }, (_, i) => download(child.port, '/run/buildings.geojson', { abortAfter: 1 + i * 50_000 })));
    for (const d of aborted) expect(d.kind).toBe('cut');
    // one more, aborted while the server is blocked on a paused reader
    await download(child.port, '/run/buildings.geojson', { slow: true, abortAfter: 2_000_000 });
    await sleep(300);
    expect(child.alive(), child.stderr()).toBe(true);
    if (existsSync(`/proc/${child.proc.pid}/fd`)) expect(openFds(child.proc.pid!, 'buildings.geojson')).toBe(0);
    const r = await download(child.port, '/run/buildings.geojson');
    expect(r.kind).toBe('done');
    expect(r.status).toBe(200);
    // an aborting client is not an error worth a log line
    expect(child.stderr().slice(before.length)).toBe('');
  });

  it('cuts off a response whose file shrinks mid-transfer at once, logs one line and keeps serving', async () => {
    const big = join(runDir, 'shrinking.geojson');
    // 32 MB: more than loopback socket buffers and the server's read-ahead can hold, so the file is still being read
    // when it shrinks (with 8 MB a loaded machine sometimes sent it whole before the truncation landed)
    await writeFile(big, bigGeojson('s', 32));
    const agent = new Agent({ keepAlive: true });
    const before = child.stderr();
    let truncated: Promise<void> | undefined;
    const t0 = Date.now();
    const d = await download(child.port, '/run/shrinking.geojson', {
      agent,
      slow: true,
      timeoutMs: 3_000,
      onChunk: (n) => {
        if (!truncated && n > 100_000) truncated = truncate(big, 1000);
      },
    });
    expect(d.status).toBe(200);
    expect(d.kind).toBe('cut');
    expect(d.body.length).toBeLessThan(d.declared!);
    expect(Date.now() - t0).toBeLessThan(2_500);
    await sleep(100);
    const lines = child.stderr().slice(before.length).split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^heatplan viewer: \/run\/shrinking\.geojson: .*cut off/);
    expect(child.alive()).toBe(true);
    const r = await download(child.port, '/run/shrinking.geojson', { agent });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(1000);
    agent.destroy();
  });
});
