import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, renameSync, utimesSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockPath, lockRun, readManifest, rewritePaths, RunTransaction, staleList, withRun } from '../../engine/io/run-folder.js';
import { InputError, UsageError } from '../../engine/errors.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'heatplan-run-'));

describe('RunTransaction', () => {
  it('creates a run only on commit, under a temporary name until then', async () => {
    const dir = join(tmp(), 'run');
    const tx = await RunTransaction.create(dir);
    writeFileSync(tx.path('a.txt'), 'x');
    expect(existsSync(dir)).toBe(false);
    tx.setStage('demand', { buildings: 1 });
    await tx.commit();
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'manifest.json']);
    const m = await readManifest(dir);
    expect(m.stages).toEqual(['demand']);
    expect(m.demand).toEqual({ buildings: 1 });
  });

  it('leaves nothing when the stage throws', async () => {
    const root = tmp();
    const dir = join(root, 'run');
    await expect(withRun(await RunTransaction.create(dir), async (tx) => {
      writeFileSync(tx.path('a.txt'), 'x');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(readdirSync(root)).toEqual([]);
  });

  it('adds a stage to an existing run with the manifest written last; a failed stage changes nothing', async () => {
    const dir = join(tmp(), 'run');
    await withRun(await RunTransaction.create(dir), async (tx) => {
      writeFileSync(tx.path('demand.tif'), 'd');
      tx.setStage('demand', { n: 1 });
    });
    await withRun(await RunTransaction.open(dir), async (tx) => {
      writeFileSync(tx.path('network.geojson'), 'n');
      tx.setStage('route', { n: 2 });
    });
    let m = await readManifest(dir);
    expect(m.stages).toEqual(['demand', 'route']);
    const before = readFileSync(join(dir, 'manifest.json'), 'utf8');
    await expect(withRun(await RunTransaction.open(dir), async (tx) => {
      writeFileSync(tx.path('sim.json'), 's');
      throw new Error('sim failed');
    })).rejects.toThrow();
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'sim.json'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.heatplan-tmp'))).toEqual([]);
    m = await readManifest(dir);
    expect(m.route).toEqual({ n: 2 });
  });

  it('refuses to replace a folder that is not a run, and to open one without a manifest', async () => {
    const dir = join(tmp(), 'notes');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.docx'), 'precious');
    await expect(RunTransaction.create(dir)).rejects.toThrow(UsageError);
    await expect(RunTransaction.open(dir)).rejects.toThrow(InputError);
    expect(readFileSync(join(dir, 'thesis.docx'), 'utf8')).toBe('precious');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// recovery of what killed processes left, the run lock, stale stages (issue 17)

/** The pid of a process that has ended (a child that exited). */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

/** A complete run folder at `dir` with one stage and a file. */
async function makeRun(dir: string, content = 'd'): Promise<void> {
  await withRun(await RunTransaction.create(dir), async (tx) => {
    writeFileSync(tx.path('demand.tif'), content);
    tx.setStage('demand', { n: 1 });
  });
}

const heatplanLeftovers = (root: string) => readdirSync(root).filter((f) => f.includes('.heatplan-'));

describe('recovery on start-up', () => {
  it('puts back a run moved aside by a killed swap when the run path is missing, in one line', async () => {
    const root = tmp();
    const dir = join(root, 'run');
    await makeRun(dir, 'old');
    const pid = deadPid();
    renameSync(dir, `${dir}.heatplan-old-${pid}-${Date.now()}`);
    mkdirSync(`${dir}.heatplan-tmp-${pid}-${Date.now()}`); // the staged new run of the same kill
    const notes: string[] = [];
    const tx = await RunTransaction.open(dir, { note: (l) => notes.push(l) });
    await tx.abort();
    expect(readFileSync(join(dir, 'demand.tif'), 'utf8')).toBe('old');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(new RegExp(`recovered what an interrupted heatplan \\(pid ${pid}\\) left: put back the run .*removed 1 unfinished staging folder`));
    expect(heatplanLeftovers(root)).toEqual([]);
  });

  it("an old-style `heatplan run` killed mid-way: its .heatplan-previous-* comes back in place of the partial run", async () => {
    const root = tmp();
    const dir = join(root, 'run');
    await makeRun(dir, 'complete');
    const prev = `${dir}.heatplan-previous-${deadPid()}-${Date.now()}`;
    renameSync(dir, prev);
    // the killed run's demand stage, written by the old runner straight into the run path
    mkdirSync(dir);
    writeFileSync(join(dir, 'demand.tif'), 'partial');
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ heatplan: { version: '0.1.0' }, created: 'x', updated: 'x', inputs: [], stages: ['demand'] }));
    const tx = await RunTransaction.create(dir, { note: () => {} });
    await tx.abort();
    expect(readFileSync(join(dir, 'demand.tif'), 'utf8')).toBe('complete');
    expect(heatplanLeftovers(root)).toEqual([]);

    // a run path missing altogether: the previous run is put back too
    const prev2 = `${dir}.heatplan-previous-${deadPid()}-${Date.now()}`;
    renameSync(dir, prev2);
    await (await RunTransaction.open(dir, { note: () => {} })).abort();
    expect(readFileSync(join(dir, 'demand.tif'), 'utf8')).toBe('complete');

    // killed after the new run finished (its scenario record is newer than the move): the new run stays
    const prev3 = `${dir}.heatplan-previous-${deadPid()}-${Date.now() - 60_000}`;
    mkdirSync(prev3);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...m, scenarios: [{ finished: new Date().toISOString() }] }));
    await (await RunTransaction.open(dir, { note: () => {} })).abort();
    expect(readFileSync(join(dir, 'demand.tif'), 'utf8')).toBe('complete');
    expect(heatplanLeftovers(root)).toEqual([]);
  });

  it('finishes a stage commit interrupted after its commit point, drops one interrupted before it, keeps live ones', async () => {
    const dir = join(tmp(), 'run');
    await makeRun(dir);
    const m = await readManifest(dir);
    // decided: manifest and file list written, one file already moved in
    const decided = join(dir, `.heatplan-tmp-${deadPid()}-1`);
    mkdirSync(decided);
    writeFileSync(join(decided, 'roads.geojson'), 'r');
    writeFileSync(join(dir, 'network.geojson'), 'n');
    writeFileSync(join(decided, 'manifest.json'), JSON.stringify({ ...m, stages: ['demand', 'route'], route: { n: 2 } }));
    writeFileSync(join(decided, '.heatplan-commit'), JSON.stringify({ files: ['network.geojson', 'roads.geojson'] }));
    // undecided: nothing of it is part of the run
    const undecided = join(dir, `.heatplan-tmp-${deadPid()}-2`);
    mkdirSync(undecided);
    writeFileSync(join(undecided, 'sim.json'), 's');
    // a live process's staging folder (the parent of this test process is alive) is not touched
    const live = join(dir, `.heatplan-tmp-${process.ppid}-3`);
    mkdirSync(live);
    await (await RunTransaction.open(dir, { note: () => {} })).abort();
    const after = await readManifest(dir);
    expect(after.stages).toEqual(['demand', 'route']);
    expect(readFileSync(join(dir, 'roads.geojson'), 'utf8')).toBe('r');
    expect(existsSync(join(dir, 'sim.json'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('.heatplan-'))).toEqual([`.heatplan-tmp-${process.ppid}-3`]);
  });
});

describe('the run lock', () => {
  it('is a file beside the run while a transaction is open, holding pid, host and command; gone after commit and abort', async () => {
    const root = tmp();
    const dir = join(root, 'run');
    const tx = await RunTransaction.create(dir, { command: 'heatplan demand --out run' });
    const info = JSON.parse(readFileSync(lockPath(dir), 'utf8'));
    expect(info).toMatchObject({ pid: process.pid, host: hostname(), command: 'heatplan demand --out run' });
    expect(Date.parse(info.since)).toBeGreaterThan(Date.now() - 60_000);
    tx.setStage('demand', { n: 1 });
    await tx.commit();
    expect(existsSync(lockPath(dir))).toBe(false);
    const tx2 = await RunTransaction.open(dir);
    expect(existsSync(lockPath(dir))).toBe(true);
    await tx2.abort();
    expect(readdirSync(root)).toEqual(['run']);
  });

  it('a second writer fails at once naming the holder: pid, command and since when', async () => {
    const dir = join(tmp(), 'run');
    await makeRun(dir);
    // a live holder: this test's parent process, as another command would be
    const since = new Date(Date.now() - 5000).toISOString();
    writeFileSync(lockPath(dir), JSON.stringify({ pid: process.ppid, host: hostname(), command: 'heatplan route --run run', since }) + '\n');
    const e = await RunTransaction.open(dir).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UsageError);
    expect((e as UsageError).code).toBe('run-locked');
    expect((e as Error).message).toContain(`locked by pid ${process.ppid} on ${hostname()} ("heatplan route --run run"), since ${since} (5 s ago)`);
    await expect(RunTransaction.create(dir)).rejects.toThrow(/locked by pid/);
    await expect(lockRun(dir)).rejects.toThrow(UsageError);
    // nothing of the refused writers is left, and the holder's lock is untouched
    expect(readdirSync(dir).filter((f) => f.startsWith('.heatplan-'))).toEqual([]);
    expect(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid).toBe(process.ppid);
  });

  it('a lock left by a dead pid on this host is taken over with a note', async () => {
    const dir = join(tmp(), 'run');
    await makeRun(dir, 'v1');
    const pid = deadPid();
    writeFileSync(lockPath(dir), JSON.stringify({ pid, host: hostname(), command: 'heatplan potential --run run', since: new Date().toISOString() }) + '\n');
    const notes: string[] = [];
    await withRun(await RunTransaction.open(dir, { note: (l) => notes.push(l) }), async (tx) => {
      writeFileSync(tx.path('network.geojson'), 'n');
      tx.setStage('route', { n: 2 });
    });
    expect(notes[0]).toMatch(new RegExp(`took over the lock of .*run: pid ${pid} \\("heatplan potential --run run", since .*\\) is no longer running`));
    expect((await readManifest(dir)).stages).toEqual(['demand', 'route']);
    expect(existsSync(lockPath(dir))).toBe(false);
  });

  it('is re-entrant in one thread (the scenario runner holds it while its stages open transactions)', async () => {
    const dir = join(tmp(), 'run');
    await makeRun(dir);
    const lock = await lockRun(dir);
    await withRun(await RunTransaction.open(dir), async (tx) => tx.setStage('route', { n: 2 }));
    expect(existsSync(lockPath(dir))).toBe(true);
    lock.release();
    lock.release();
    expect(existsSync(lockPath(dir))).toBe(false);
  });
});

describe('stale stages', () => {
  it('a re-run stage marks the stages that used it stale, transitively; re-running one clears its entry', async () => {
    const dir = join(tmp(), 'run');
    await makeRun(dir);
    const add = async (stage: string, summary: unknown, file?: string) =>
      withRun(await RunTransaction.open(dir), async (tx) => {
        if (file) writeFileSync(tx.path(file), stage);
        tx.setStage(stage, summary);
      });
    await add('potential', { n: 1 }, 'potential.tif');
    await add('areas', { potentials: true, demandSource: 'demand.tif' }, 'areas.geojson');
    await add('route', { plantSource: 'potential' }, 'network.geojson');
    await add('sim', { n: 1 }, 'sim.json');
    expect((await readManifest(dir)).stale).toBeUndefined();

    await add('potential', { n: 2 }, 'potential.tif');
    let m = await readManifest(dir);
    expect(Object.keys(m.stale!).sort()).toEqual(['areas', 'route', 'sim']);
    expect(m.stale!.sim!.since).toBe('potential');
    expect(Date.parse(m.stale!.sim!.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(staleList(m).map((s) => `${s.stage}:${s.rerun}`)).toEqual(['areas:heatplan areas', 'route:heatplan route', 'sim:heatplan simulate']);
    // the stale stages keep their files and summaries
    expect(readFileSync(join(dir, 'sim.json'), 'utf8')).toBe('sim');
    expect(m.sim).toEqual({ n: 1 });

    await add('route', { plantSource: 'file' }, 'network.geojson');
    m = await readManifest(dir);
    expect(Object.keys(m.stale!).sort()).toEqual(['areas', 'sim']);
    expect(m.stale!.sim!.since).toBe('route');
    await add('sim', { n: 2 }, 'sim.json');
    await add('areas', { potentials: true, demandSource: 'demand.tif' }, 'areas.geojson');
    expect((await readManifest(dir)).stale).toBeUndefined();

    // a route whose plant did not come from the potential does not depend on it; areas without potentials neither
    await add('areas', { potentials: false, demandSource: 'demand.tif' }, 'areas.geojson');
    await add('potential', { n: 3 }, 'potential.tif');
    expect((await readManifest(dir)).stale).toBeUndefined();
  });

  it('report and plan sheet in the run go stale on any stage; their entry stops counting once the file is rewritten', async () => {
    const dir = join(tmp(), 'run');
    await makeRun(dir);
    writeFileSync(join(dir, 'report.html'), 'r');
    writeFileSync(join(dir, 'map.png'), 'p');
    await withRun(await RunTransaction.open(dir), async (tx) => tx.setStage('potential', { n: 1 }));
    let m = await readManifest(dir);
    expect(Object.keys(m.stale!).sort()).toEqual(['map', 'report']);
    const later = new Date(Date.now() + 2000);
    writeFileSync(join(dir, 'report.html'), 'r2');
    utimesSync(join(dir, 'report.html'), later, later);
    expect(staleList(m, dir).map((s) => s.stage)).toEqual(['map']);
    expect(staleList(m).map((s) => s.stage)).toEqual(['report', 'map']);
    // the next commit drops the entry of the rewritten report
    await withRun(await RunTransaction.open(dir), async (tx) => tx.addInputs([]));
    m = await readManifest(dir);
    expect(Object.keys(m.stale!)).toEqual(['map']);
  });
});

describe('rewritePaths', () => {
  it('names the final run path instead of the staging path in text files, also across read chunks and escaped', async () => {
    const dir = join(tmp(), 'run');
    mkdirSync(dir);
    const from = join(dir, '..', 'run.heatplan-run-1-2', 'run');
    const to = join(dir, '..', 'run');
    // the path straddles the 1 MiB read chunk
    const pad = 'x'.repeat((1 << 20) - 10);
    writeFileSync(join(dir, 'big.csv'), `${pad}${from}/a,${from}\n`);
    writeFileSync(join(dir, 'sim.json'), JSON.stringify({ file: `${from}/network.geojson` }));
    writeFileSync(join(dir, 'report.html'), `<td>${from}</td>`);
    writeFileSync(join(dir, 'demand.tif'), from);
    const changed = await rewritePaths(dir, from, to);
    expect(changed).toEqual(['big.csv', 'report.html', 'sim.json']);
    expect(readFileSync(join(dir, 'big.csv'), 'utf8')).toBe(`${pad}${to}/a,${to}\n`);
    expect(JSON.parse(readFileSync(join(dir, 'sim.json'), 'utf8')).file).toBe(`${to}/network.geojson`);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(`<td>${to}</td>`);
    expect(readFileSync(join(dir, 'demand.tif'), 'utf8')).toBe(from); // binary files are not touched
    expect(readdirSync(dir).sort()).toEqual(['big.csv', 'demand.tif', 'report.html', 'sim.json']);
  });
});
