/**
 * Where the batch queue is: a Redis URL (`redis://[user[:password]@]host[:port][/db]`, `rediss://` for TLS), the
 * BullMQ queue name, and the password, which may come from a file (`--queue-password-file`) or an environment
 * variable (HEATPLAN_QUEUE_PASSWORD) instead of the URL (a URL on a command line is visible to every user of the
 * machine). The password is never printed: `masked` is the URL to show, and `maskSecrets` takes it out of any text
 * (error messages of the Redis client included). `checkQueue` connects once with bounded time and says in plain words
 * why it cannot (host unreachable, unknown host, no answer, wrong password, TLS), naming the host.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { HeatplanError, UsageError } from '../errors.js';

/** The queue cannot be reached or refuses us (exit code 1, like bad input). */
export class QueueError extends HeatplanError {}

export interface QueueTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
  /** PEM bundle of the CA that signed the server's certificate (TLS; default: the system's). */
  ca?: string;
  /** BullMQ queue name (its Redis keys are bull:<name>:...). */
  name: string;
  /** The URL as it may be shown: the password replaced by ***. */
  masked: string;
  /** Where the password came from (for messages): 'url', 'file PATH', 'HEATPLAN_QUEUE_PASSWORD'. */
  passwordFrom?: string;
}

export interface QueueTargetOptions {
  url: string;
  /** BullMQ queue name (default heatplan). */
  name?: string;
  passwordFile?: string;
  caFile?: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_QUEUE_NAME = 'heatplan';

/** Parse the queue URL and find the password (file, then HEATPLAN_QUEUE_PASSWORD, then the URL). */
export function parseQueueTarget(o: QueueTargetOptions): QueueTarget {
  const env = o.env ?? process.env;
  let u: URL;
  try {
    u = new URL(o.url);
  } catch {
    throw new UsageError('queue-url', 'the queue must be a URL such as redis://HOST:PORT or rediss://HOST:PORT (TLS)', { value: maskUrlText(o.url) });
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UsageError('queue-url', `unsupported queue URL scheme "${u.protocol.replace(/:$/, '')}": use redis:// or rediss:// (TLS)`, { value: maskUrlText(o.url) });
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new UsageError('queue-url', 'the queue URL has no host', { value: maskUrlText(o.url) });
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new UsageError('queue-url', 'the queue URL\'s path must be a database number (redis://HOST:PORT/0)', { value: maskUrlText(o.url) });
  const name = o.name ?? DEFAULT_QUEUE_NAME;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new UsageError('queue-name', 'the queue name may hold letters, digits, . _ - only', { value: name });
  let password: string | undefined = u.password ? decodeURIComponent(u.password) : undefined;
  let passwordFrom: string | undefined = password !== undefined ? 'the URL' : undefined;
  if (o.passwordFile) {
    try {
      password = readFileSync(o.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new UsageError('queue-password-file', `cannot read the queue password file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: o.passwordFile });
    }
    passwordFrom = `the file ${o.passwordFile}`;
  } else if (env.HEATPLAN_QUEUE_PASSWORD) {
    password = env.HEATPLAN_QUEUE_PASSWORD;
    passwordFrom = 'HEATPLAN_QUEUE_PASSWORD';
  }
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  const caFile = o.caFile ?? env.HEATPLAN_QUEUE_CA;
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (e) {
      throw new UsageError('queue-ca', `cannot read the queue's CA file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: caFile });
    }
  }
  const tls = u.protocol === 'rediss:';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const auth = username || password !== undefined ? `${username ? encodeURIComponent(username) : ''}${password !== undefined ? ':***' : ''}@` : '';
  const masked = `${tls ? 'rediss' : 'redis'}://${auth}${hostPart}:${port}${db ? `/${db}` : ''}`;
  return { host, port, db, username, password, tls, ca, name, masked, passwordFrom };
}

/** A URL-looking text with any password replaced by *** (for a URL that did not even parse). */
function maskUrlText(s: string): string {
  return s.replace(/^([a-z]+:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** `text` with the target's password (as given and URL-encoded) replaced by ***. */
export function maskSecrets(text: string, t: Pick<QueueTarget, 'password'>): string {
  let s = maskUrlText(text);
  const p = t.password;
  if (p) {
    for (const v of new Set([p, encodeURIComponent(p)])) if (v.length) s = s.split(v).join('***');
  }
  return s.replace(/(rediss?:\/\/[^:@/\s]*:)(?!\*\*\*@)[^@/\s]+@/gi, '$1***@');
}

/** ioredis options for the target. `blocking`: for BullMQ workers and event readers (no per-request retry limit). */
export function redisOptions(t: QueueTarget, o: { blocking?: boolean } = {}): RedisOptions {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    username: t.username,
    password: t.password,
    // TLS: the certificate is checked against the host (SNI only for names: RFC 6066 has no IP server names)
    ...(t.tls ? { tls: { ...(isIP(t.host) ? {} : { servername: t.host }), ...(t.ca ? { ca: t.ca } : {}) } } : {}),
    connectionName: 'heatplan',
    connectTimeout: 10_000,
    ...(o.blocking ? { maxRetriesPerRequest: null } : { maxRetriesPerRequest: 3 }),
  };
}

/** A new Redis client for the target (errors are logged through `onError`, masked, at most once per kind). */
export function newRedis(t: QueueTarget, o: { blocking?: boolean; onError?: (line: string) => void } = {}): Redis {
  const r = new Redis({ ...redisOptions(t, o), maxRetriesPerRequest: null });
  const seen = new Set<string>();
  r.on('error', (e: Error) => {
    const line = `queue ${t.masked}: ${maskSecrets(describeRedisError(e, t), t)}`;
    if (seen.has(line)) return;
    seen.add(line);
    o.onError?.(line);
  });
  return r;
}

/** What a Redis client error means, in plain words. */
export function describeRedisError(e: unknown, t: QueueTarget): string {
  const err = e as NodeJS.ErrnoException & { message: string };
  const msg = String(err?.message ?? e).split('\n')[0]!.replace(/\.+$/, '');
  const where = `${t.host}:${t.port}`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(msg)) return `the Redis server at ${where} refused the password${t.passwordFrom ? ` (from ${t.passwordFrom})` : ''}${t.username ? ` for user ${t.username}` : ''}: ${msg}`;
  if (/NOAUTH/i.test(msg)) return `the Redis server at ${where} needs a password: give it with HEATPLAN_QUEUE_PASSWORD or --queue-password-file`;
  if (/without any password configured/i.test(msg)) return `the Redis server at ${where} has no password set, but one was given${t.passwordFrom ? ` (from ${t.passwordFrom})` : ''}`;
  switch (err?.code) {
    case 'ECONNREFUSED':
      return `cannot reach the queue at ${where}: connection refused (is redis-server running there, on that port?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach the queue at ${where}: unknown host ${t.host}`;
    case 'ETIMEDOUT':
      return `cannot reach the queue at ${where}: no answer (timed out)`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach the queue at ${where}: no route to the host`;
    case 'ECONNRESET':
      return `the queue at ${where} closed the connection${t.tls ? '' : ' (a TLS-only server? use rediss://)'}`;
  }
  if (/certificate|SSL|TLS|self.signed|wrong version number/i.test(msg) || /^ERR_SSL|CERT|DEPTH_ZERO/.test(err?.code ?? '')) {
    return `TLS connection to the queue at ${where} failed: ${msg}${t.ca ? '' : ' (a private CA? give it with --queue-ca or HEATPLAN_QUEUE_CA)'}`;
  }
  return `queue at ${where}: ${msg}`;
}

/**
 * Connect to the queue once, in bounded time (`timeoutMs`), and check it answers; throws a QueueError naming the host
 * and the cause (the password never in it). Nothing is written to Redis.
 */
export async function checkQueue(t: QueueTarget, timeoutMs = 5000): Promise<void> {
  const r = new Redis({ ...redisOptions(t), lazyConnect: true, connectTimeout: timeoutMs, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false, autoResendUnfulfilledCommands: false, reconnectOnError: () => false });
  let lastError: unknown;
  r.on('error', (e) => {
    lastError = e;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs + 1000);
    });
    await Promise.race([
      (async () => {
        await r.connect();
        const pong = await r.ping();
        if (pong !== 'PONG') throw new Error(`unexpected answer to PING: ${pong}`);
      })(),
      deadline,
    ]);
  } catch (e) {
    // ioredis rejects connect() with a generic "Connection is closed" after the error event that says why
    const cause = /Connection is closed|Stream isn't writeable/i.test(String((e as Error)?.message)) && lastError ? lastError : e;
    throw new QueueError('queue-unreachable', maskSecrets(describeRedisError(cause, t), t));
  } finally {
    if (timer) clearTimeout(timer);
    r.disconnect();
  }
}

/** BullMQ's key prefix of heatplan's queues. */
export const QUEUE_PREFIX = 'bull';

/** The Redis clients of one process on a queue, with the queue itself; `close` ends them all. */
export interface QueueConnection {
  queue: Queue;
  redis: ReturnType<typeof newRedis>;
  /** A new client (BullMQ leaves clients it is given open: `close` ends them all). */
  client(blocking?: boolean): ReturnType<typeof newRedis>;
  close(): Promise<void>;
}

/** Connect to the queue of `t`; connection errors go to `onError` as one line each. */
export function connectQueue(t: QueueTarget, onError: (line: string) => void): QueueConnection {
  const clients: ReturnType<typeof newRedis>[] = [];
  const client = (blocking = false) => {
    const r = newRedis(t, { onError, blocking });
    clients.push(r);
    return r;
  };
  const redis = client();
  const queue = new Queue(t.name, { connection: client(), prefix: QUEUE_PREFIX });
  return {
    queue,
    redis,
    client,
    async close() {
      await queue.close();
      for (const r of clients) r.disconnect();
    },
  };
}
