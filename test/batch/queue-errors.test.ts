/**
 * Bad input to the queue executor: an unreachable Redis (a clear error naming the host, non-zero exit, nothing
 * enqueued, bounded time), a wrong password (refused, the password never printed; masked in batch.json too), and a
 * batch file changed between enqueue and --resume (refused, the queue left as it was). Needs HEATPLAN_TEST_REDIS.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { maskSecrets, parseQueueTarget } from '../../engine/batch/queue-connection.js';

const REDIS = process.env.HEATPLAN_TEST_REDIS;
if (!REDIS) {
  if (process.env.CI === 'true') throw new Error('HEATPLAN_TEST_REDIS is not set: the queue tests need a Redis server (.ci/run starts one)');
  console.warn('\n*** SKIPPING queue error tests: HEATPLAN_TEST_REDIS not set (.ci/run starts a redis-server and sets it) ***\n');
}
const describeRedis: typeof describe = (REDIS ? describe : describe.skip) as typeof describe;

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin/heatplan.mjs');
// the bundled demo town's buildings (the package's own data): nothing runs here, the jobs only wait
const BUILDINGS = join(ROOT, 'datasets/demo/buildings.geojson');
const QUEUE = `hp-err-${process.pid}-${Date.now().toString(36)}`;
const USER = `hp-test-${process.pid}`;
const SECRET = 'S3cret-pass/with:odd@chars';

function heatplan(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; seconds: number }> {
  const t0 = Date.now();
  return new Promise((res) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => res({ code, out, seconds: (Date.now() - t0) / 1000 }));
  });
}

function batchFile(): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'heatplan-queue-err-'));
  const file = join(dir, 'batch.yaml');
  writeFileSync(file, `stages: [demand]\ndemand: { scheme: plateau, useColumn: usage, storeysColumn: storeys, climateRegion: 1 }\nareas:\n  - { name: demo, buildings: ${BUILDINGS} }\n`);
  return { file, dir };
}

/** A loopback port nobody listens on. */
async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

const withAuth = (url: string, user: string, pass?: string) => url.replace(/^redis:\/\//, `redis://${encodeURIComponent(user)}${pass !== undefined ? `:${encodeURIComponent(pass)}` : ''}@`);

afterAll(async () => {
  if (!REDIS) return;
  const r = new Redis(REDIS, { maxRetriesPerRequest: 1 });
  await r.call('ACL', 'DELUSER', USER).catch(() => undefined);
  let cursor = '0';
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', `bull:${QUEUE}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await r.del(...keys);
  } while (cursor !== '0');
  r.disconnect();
});

describe('queue URL and password handling (no Redis needed)', () => {
  it('masks the password in the shown URL and in any text', () => {
    const t = parseQueueTarget({ url: `redis://alice:${encodeURIComponent(SECRET)}@db.example:6380/2`, env: {} });
    expect(t.masked).toBe('redis://alice:***@db.example:6380/2');
    expect(t.password).toBe(SECRET);
    expect(maskSecrets(`failed: ${SECRET} and ${encodeURIComponent(SECRET)} redis://bob:other@h:1`, t)).toBe('failed: *** and *** redis://bob:***@h:1');
    const e = parseQueueTarget({ url: 'rediss://db.example', env: { HEATPLAN_QUEUE_PASSWORD: 'from-env' } });
    expect(e).toMatchObject({ tls: true, port: 6379, password: 'from-env', masked: 'rediss://:***@db.example:6379', passwordFrom: 'HEATPLAN_QUEUE_PASSWORD' });
    expect(() => parseQueueTarget({ url: 'http://x:y@h', env: {} })).toThrow(/unsupported queue URL scheme "http"/);
    expect(() => parseQueueTarget({ url: 'http://x:y@h', env: {} })).not.toThrow(/:y@/);
  });
});

describeRedis('heatplan batch --queue: bad input', () => {
  it('an unreachable Redis: a clear error naming the host, exit 1, nothing enqueued, in bounded time', async () => {
    const { file, dir } = batchFile();
    const port = await freePort();
    const out = join(dir, 'out');
    const r = await heatplan(['batch', file, '--out', out, '--queue', `redis://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`cannot reach the queue at 127\\.0\\.0\\.1:${port}: connection refused`));
    expect(r.out).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(r.seconds).toBeLessThan(20);
    expect(existsSync(out)).toBe(false);
    const h = await heatplan(['batch', file, '--out', out, '--queue', 'redis://no-such-host.invalid:6379']);
    expect(h.code).toBe(1);
    expect(h.out).toMatch(/cannot reach the queue at no-such-host\.invalid:6379: unknown host/);
    // a worker too
    const w = await heatplan(['worker', '--queue', `redis://127.0.0.1:${port}`]);
    expect(w.code).toBe(1);
    expect(w.out).toMatch(/connection refused/);
  }, 90_000);

  it('a wrong password is refused without printing it; batch.json shows the URL masked', async () => {
    const admin = new Redis(REDIS!, { maxRetriesPerRequest: 1 });
    await admin.call('ACL', 'SETUSER', USER, 'on', `>${SECRET}`, '~*', '&*', '+@all');
    admin.disconnect();
    const { file, dir } = batchFile();
    const out = join(dir, 'out');
    const wrong = 'wrong-Pa55word';
    const r = await heatplan(['batch', file, '--out', out, '--queue', withAuth(REDIS!, USER, wrong), '--queue-name', QUEUE, '--detach']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/refused the password \(from the URL\) for user hp-test-/);
    expect(r.out).not.toContain(wrong);
    expect(existsSync(out)).toBe(false);
    // from the environment: wrong, then right (the detached batch is enqueued)
    const e = await heatplan(['batch', file, '--out', out, '--queue', withAuth(REDIS!, USER), '--queue-name', QUEUE, '--detach'], { HEATPLAN_QUEUE_PASSWORD: wrong });
    expect(e.code).toBe(1);
    expect(e.out).toMatch(/refused the password \(from HEATPLAN_QUEUE_PASSWORD\)/);
    expect(e.out).not.toContain(wrong);
    const pw = join(dir, 'pw');
    writeFileSync(pw, `${SECRET}\n`);
    const ok = await heatplan(['batch', file, '--out', out, '--queue', withAuth(REDIS!, USER, 'ignored-for-the-file'), '--queue-name', QUEUE, '--queue-password-file', pw, '--detach']);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/enqueued run \S+: 2 jobs for 1 area/);
    expect(ok.out).not.toContain(SECRET);
    expect(ok.out).not.toContain('ignored-for-the-file');
    const bj = readFileSync(join(out, 'batch.json'), 'utf8');
    expect(JSON.parse(bj).queue).toMatch(new RegExp(`^redis://${USER}:\\*\\*\\*@127\\.0\\.0\\.1:\\d+$`));
    expect(bj).not.toContain(SECRET);
    const st = await heatplan(['batch', '--status', '--out', out, '--queue', withAuth(REDIS!, USER, SECRET), '--queue-name', QUEUE]);
    expect(st.code, st.out).toBe(0);
    expect(st.out).toMatch(/areas: 0 done, 0 running, 0 failed, 1 waiting of 1/);
    expect(st.out).not.toContain(SECRET);
  }, 90_000);

  it('a batch file changed between enqueue and --resume is refused; the queue keeps the first run', async () => {
    const { file, dir } = batchFile();
    const out = join(dir, 'out');
    const first = await heatplan(['batch', file, '--out', out, '--queue', REDIS!, '--queue-name', QUEUE, '--detach']);
    expect(first.code, first.out).toBe(0);
    const run = /enqueued run (\S+):/.exec(first.out)![1];
    // a second enqueue of the same batch while it is still waiting: refused too (no workers on this queue)
    const again = await heatplan(['batch', file, '--out', out, '--queue', REDIS!, '--queue-name', QUEUE, '--detach']);
    expect(again.code).toBe(2);
    expect(again.out).toMatch(/is still going on the queue/);
    writeFileSync(file, readFileSync(file, 'utf8') + `  - { name: demo2, buildings: ${BUILDINGS} }\n`);
    const r = await heatplan(['batch', file, '--out', out, '--queue', REDIS!, '--queue-name', QUEUE, '--resume', '--detach']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/the batch file changed since the batch was enqueued/);
    const st = await heatplan(['batch', '--status', '--out', out, '--queue', REDIS!, '--queue-name', QUEUE, '--json']);
    expect(st.code, st.out).toBe(0);
    const s = JSON.parse(st.out.slice(st.out.indexOf('{')));
    expect(s.run).toBe(run);
    expect(s.areas.map((a: { name: string }) => a.name)).toEqual(['demo']);
  }, 90_000);
});

/** redis-server and openssl for the TLS test (Debian's redis-server is built with TLS). */
const HAVE_TLS_TOOLS = (() => {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!HAVE_TLS_TOOLS) {
  if (process.env.CI === 'true') throw new Error('the queue TLS test needs redis-server and openssl (.ci/run installs redis-server)');
  console.warn('\n*** SKIPPING the queue TLS test: redis-server or openssl not found ***\n');
}

(HAVE_TLS_TOOLS ? describe : describe.skip)('heatplan batch --queue rediss:// (TLS, loopback)', () => {
  it('connects with the CA given; without it, or without TLS, says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'heatplan-queue-tls-'));
    const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=heatplan test CA');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    writeFileSync(join(dir, 'ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'ext');
    const port = await freePort();
    const server = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--tls-cert-file', 'server.crt', '--tls-key-file', 'server.key', '--tls-ca-cert-file', 'ca.crt', '--tls-auth-clients', 'no', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { cwd: dir, stdio: 'ignore' });
    try {
      const out = join(dir, 'out');
      let ok = await heatplan(['batch', '--status', '--out', out, '--queue', `rediss://127.0.0.1:${port}`, '--queue-ca', join(dir, 'ca.crt')]);
      for (let k = 0; k < 30 && /connection refused/.test(ok.out); k++) {
        await new Promise((r) => setTimeout(r, 200)); // the server is still starting
        ok = await heatplan(['batch', '--status', '--out', out, '--queue', `rediss://127.0.0.1:${port}`, '--queue-ca', join(dir, 'ca.crt')]);
      }
      // connected over TLS and asked: there is no such batch
      expect(ok.out).toMatch(/no batch into .* on rediss:\/\/127\.0\.0\.1:\d+ queue heatplan/);
      expect(ok.code).toBe(2);
      const noCa = await heatplan(['batch', '--status', '--out', out, '--queue', `rediss://127.0.0.1:${port}`]);
      expect(noCa.code).toBe(1);
      expect(noCa.out).toMatch(/TLS connection to the queue at 127\.0\.0\.1:\d+ failed: self-signed certificate in certificate chain/);
      const plain = await heatplan(['batch', '--status', '--out', out, '--queue', `redis://127.0.0.1:${port}`]);
      expect(plain.code).toBe(1);
      expect(plain.out).toMatch(/closed the connection \(a TLS-only server\? use rediss:\/\/\)|no answer/);
      expect(plain.seconds).toBeLessThan(20);
    } finally {
      server.kill('SIGTERM');
    }
  }, 90_000);
});

