/**
 * heatplan viewer: loads whatever the run folder has, builds the switchable layers, the legend, the summary and the
 * hourly chart, and drives the map's hourly values from the time slider. `window.__heatplan` exposes the Deck and
 * a few helpers for the browser tests and the benchmark.
 */
import { Deck, MapView, WebMercatorViewport, type Layer, type PickingInfo } from '@deck.gl/core';
import { loadBlocks, loadNetworkChunk, loadRoadsChunk, loadRun, type RunData } from './data.js';
import { drawRank, layerEntries, type LayerEntry } from './layers/index.js';
import { DEFAULT_THRESHOLD_KW_PER_M, type DemandScale, type LayerContext } from './layers/context.js';
import { factorAt, hourlyCases, type HourlyCase } from './hourly.js';
import { describe } from './tooltip.js';
import { chunkFilter } from './layers/building-chunks.js';
import { legendHtml, type LodView } from './legend.js';
import { chunksInView, detailShown, detailZoom, loadChunksInView, lodOf, registerLod } from './layers/network-lod.js';
import { loadRoadChunksInView, registerRoadsLod, roadChunksInView, roadsDetailShown, roadsDetailZoom, roadsLodOf } from './layers/roads-lod.js';
import { chunkedLayerFilter } from './layers/chunk-view.js';
import { caseTitle, chartLegendHtml, drawChart, readoutText } from './chart.js';
import { scaleBar, type ScaleBar } from './scalebar.js';
import { summaryHtml } from './summary.js';
import { esc } from './format.js';
import type { NetworkProperties } from '../../engine/run/contract.js';

interface ViewState {
  longitude: number;
  latitude: number;
  zoom: number;
  pitch: number;
  bearing: number;
}

interface HeatplanHandle {
  ready: boolean;
  error?: string;
  /** ms from navigation start to the first frame with every loaded layer drawn (the GPU's drawing finished). */
  firstRenderMs?: number;
  /** ms from navigation start until deck.gl had given that frame's draw commands (before the GPU finished them). */
  firstSubmitMs?: number;
  /** ms from navigation start until the run's data was loaded and parsed. */
  loadedMs?: number;
  deck?: Deck<any>;
  data?: RunData;
  state: { hour: number; extruded: boolean; visible: Record<string, boolean>; caseId: string; demandScale: DemandScale };
  layerIds: string[];
  /** The cases of hourly.csv (ids), in file order. */
  caseIds: string[];
  setVisible(id: string, on: boolean): Promise<void>;
  /** Back to the view the viewer opened with (the run's extent, north up, no tilt). */
  resetView(): Promise<void>;
  /** Show exactly these layers (the others hidden), in one update. */
  showOnly(ids: string[]): Promise<void>;
  setHour(h: number): Promise<void>;
  /** Extrude the demand grid and tilt the view (as the panel's checkbox). */
  setExtruded(on: boolean): Promise<void>;
  /** Show case `id` in the chart and on the map (as the panel's case selector). */
  setCase(id: string): Promise<void>;
  setDemandScale(s: DemandScale): Promise<void>;
  /** The scale bar as drawn: its width in page pixels and the ground length it stands for, m. */
  scaleBar(): ScaleBar | null;
  /** Page pixel position of a lon/lat point. */
  project(lonLat: [number, number]): [number, number];
  /** Resolves after the next frame is drawn. */
  nextFrame(): Promise<void>;
  /** Draw n frames while panning; returns each frame's ms (draw + GPU finish). */
  benchFrames(n: number): number[];
  /**
   * Go to a view and resolve once a city's network chunks in it are loaded and drawn (at once for a network drawn
   * whole); the view's lon, lat and zoom.
   */
  viewAt(lon: number, lat: number, zoom: number): Promise<void>;
  /** What the map shows of a city's network in levels of detail (null for a network drawn whole). */
  lod(): (LodView & { inView: number[] }) | null;
  /** The same for a city's road graph in levels of detail (null for a graph drawn whole). */
  roadsLod(): (LodView & { inView: number[] }) | null;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const frameWaiters: (() => void)[] = [];
const state = { hour: 0, extruded: false, visible: {} as Record<string, boolean>, caseId: '', demandScale: 'classes' as DemandScale };
const handle: HeatplanHandle = {
  ready: false,
  state,
  layerIds: [],
  caseIds: [],
  setVisible: async (id, on) => {
    state.visible[id] = on;
    const box = document.querySelector<HTMLInputElement>(`input[data-layer="${id}"]`);
    if (box) box.checked = on;
    await update();
    await lazyLoaded();
  },
  resetView: async () => {
    // deck.gl applies a new initialViewState only when it differs from the last one given (deep compare): the
    // fitted view is what it was given at start, so it is nudged by a nanodegree, alternately, to count as new
    resets++;
    const v = fitView();
    viewState = { ...v, longitude: v.longitude + (resets % 2 ? 1e-9 : 0), pitch: state.extruded ? 45 : 0 };
    deck?.setProps({ initialViewState: { ...viewState } });
    await update();
  },
  showOnly: async (ids) => {
    for (const id of handle.layerIds) {
      state.visible[id] = ids.includes(id);
      const box = document.querySelector<HTMLInputElement>(`input[data-layer="${id}"]`);
      if (box) box.checked = state.visible[id]!;
    }
    await update();
    await lazyLoaded();
  },
  setHour: async (h) => {
    ($('hour') as HTMLInputElement).value = String(h);
    state.hour = h;
    await update();
  },
  setExtruded: async (on) => {
    const box = document.getElementById('extrude') as HTMLInputElement | null;
    if (box) box.checked = on;
    setExtruded(on);
    await update();
  },
  setCase: async (id) => {
    const sel = document.getElementById('case') as HTMLSelectElement | null;
    if (sel) sel.value = id;
    state.caseId = id;
    await update();
  },
  setDemandScale: async (sc) => {
    const sel = document.getElementById('demand-scale') as HTMLSelectElement | null;
    if (sel) sel.value = sc;
    state.demandScale = sc;
    await update();
  },
  scaleBar: () => lastScaleBar,
  project: ([lon, lat]) => {
    const vp = deck!.getViewports()[0]!;
    const [x, y] = vp.project([lon, lat]);
    const r = $('map').getBoundingClientRect();
    return [r.left + x!, r.top + y!];
  },
  nextFrame: () =>
    new Promise<void>((ok) => {
      frameWaiters.push(ok);
      // deck draws only when something changed: ask for a frame so a waiter never waits for nothing
      requestAnimationFrame(() => deck?.redraw('heatplan: frame requested'));
    }),
  benchFrames: (n) => {
    const d = deck!;
    const vp = d.getViewports()[0]! as unknown as ViewState;
    const gl = (d as unknown as { device: { gl: WebGL2RenderingContext } }).device.gl;
    const px = new Uint8Array(4);
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      d.setProps({ viewState: { ...viewState, longitude: vp.longitude + (i % 2 ? 1e-4 : -1e-4), latitude: vp.latitude, zoom: vp.zoom } });
      d.redraw('bench');
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      times.push(performance.now() - t0);
    }
    d.setProps({ viewState: undefined, initialViewState: viewState });
    return times;
  },
  viewAt: async (lon, lat, zoom) => {
    resets++;
    viewState = { ...viewState, longitude: lon + (resets % 2 ? 1e-9 : 0), latitude: lat, zoom };
    deck?.setProps({ initialViewState: { ...viewState } });
    await new Promise<void>((ok) => {
      const lod = lodOf(data);
      const roadsLod = roadsLodOf(data);
      const check = () => {
        const vp = currentViewport();
        const want = lod ? chunksInView(vp, lod) : [];
        const wantRoads = roadsLod ? roadChunksInView(vp, roadsLod) : [];
        if (
          want.every((i) => data.networkChunks.has(i) || data.errors.some((e) => e.file === `network chunk ${i}`)) &&
          wantRoads.every((i) => data.roadChunks.has(i) || data.errors.some((e) => e.file === `road graph chunk ${i}`))
        )
          ok();
        else setTimeout(check, 20);
      };
      loadChunks();
      check();
    });
    await update();
  },
  lod: () => {
    const lod = lodOf(data);
    return lod ? { ...lodView()!, inView: chunksInView(currentViewport(), lod) } : null;
  },
  roadsLod: () => {
    const lod = roadsLodOf(data);
    return lod ? { ...roadsView()!, inView: roadChunksInView(currentViewport(), lod) } : null;
  },
};
(window as unknown as { __heatplan: HeatplanHandle }).__heatplan = handle;

let deck: Deck<any> | undefined;
let data: RunData;
let entries: LayerEntry[] = [];
let viewState: ViewState;
let threshold = DEFAULT_THRESHOLD_KW_PER_M;
let wantFirst = false;
let cases: HourlyCase[] = [];
let lastScaleBar: ScaleBar | null = null;
let resets = 0;
/** A city's network chunks asked for and not yet arrived (layers/network-lod.ts). */
const pendingChunks = new Set<number>();
let chunkTimer: ReturnType<typeof setTimeout> | undefined;
let redrawQueued = false;
let lastLodShown: boolean | undefined;
/** A city's road graph chunks asked for and not yet arrived (layers/roads-lod.ts). */
const pendingRoadChunks = new Set<number>();
let lastRoadsShown: boolean | undefined;
/** A lazily loaded layer's file on its way (blocks.geojson, fetched when the layer is first switched on). */
let lazy: Promise<void> | undefined;

/** The viewport of the current view state at the map's size. */
function currentViewport(): WebMercatorViewport {
  const r = $('map').getBoundingClientRect();
  return new WebMercatorViewport({ ...viewState, width: r.width, height: r.height });
}

/** What the map shows of a city's network in levels of detail, for the legend (undefined for a network drawn whole). */
function lodView(): LodView | undefined {
  const lod = lodOf(data);
  if (!lod) return undefined;
  const vp = currentViewport();
  return { shown: detailShown(vp, lod), detailZoom: detailZoom(lod, vp.width), zoom: vp.zoom, loaded: data.networkChunks.size, pending: pendingChunks.size };
}

/** What the map shows of a city's road graph in levels of detail, for the legend (undefined for a graph drawn whole). */
function roadsView(): LodView | undefined {
  const lod = roadsLodOf(data);
  if (!lod) return undefined;
  const vp = currentViewport();
  return { shown: roadsDetailShown(vp, lod), detailZoom: roadsDetailZoom(lod, vp.width), zoom: vp.zoom, loaded: data.roadChunks.size, pending: pendingRoadChunks.size };
}

/** The viewer's base URL (the server's root). */
const baseUrl = (): string => new URL('./', location.href).href.replace(/[^/]*$/, '');

/** Redraw once for any number of chunks arriving in the same animation frame. */
function queueRedraw(): void {
  if (redrawQueued) return;
  redrawQueued = true;
  requestAnimationFrame(() => {
    redrawQueued = false;
    void update();
  });
}

/** Fetch a city's network and road graph chunks in view (none below their detail zoom); each one that arrives redraws once. */
function loadChunks(): void {
  const base = baseUrl();
  if (lodOf(data)) loadChunksInView(data, currentViewport(), (i) => loadNetworkChunk(i, base), queueRedraw, pendingChunks);
  if (roadsLodOf(data)) loadRoadChunksInView(data, currentViewport(), (i) => loadRoadsChunk(i, base), queueRedraw, pendingRoadChunks);
}

/** The files of layers switched on that are loaded only then (blocks.geojson); resolves when they are in (or failed). */
function lazyLoaded(): Promise<void> {
  return lazy ?? Promise.resolve();
}

/** Start fetching the file of a lazily loaded layer that is switched on and not loaded; redraw when it arrives. */
function loadLazyLayers(): void {
  if (!state.visible.blocks || data.blocks || lazy) return;
  lazy = loadBlocks(data, baseUrl()).then(() => {
    lazy = undefined;
    notes();
    return update();
  });
}

/** After the view moved: the chunks of the new view (once it rests for a moment), and the legend when what is drawn changed. */
function viewMoved(): void {
  const lod = lodOf(data);
  const roadsLod = roadsLodOf(data);
  if (!lod && !roadsLod) return;
  const vp = currentViewport();
  const shown = lod ? detailShown(vp, lod) : undefined;
  const roadsShown = roadsLod ? roadsDetailShown(vp, roadsLod) : undefined;
  if (shown !== lastLodShown || roadsShown !== lastRoadsShown) {
    lastLodShown = shown;
    lastRoadsShown = roadsShown;
    $('legend').innerHTML = legendHtml(data, state.visible, threshold, state.demandScale, lodView(), roadsView());
  }
  clearTimeout(chunkTimer);
  chunkTimer = setTimeout(loadChunks, 150);
}

/** The case shown in the chart and on the map. */
function currentCase(): HourlyCase | undefined {
  return cases.find((c) => c.id === state.caseId) ?? cases[0];
}

/** Demand at the slider's hour over the shown case's peak demand (1 without hourly.csv). */
function hourFactorNow(): number {
  const c = currentCase();
  return c ? factorAt(c.demand, state.hour) : 1;
}

function context(): LayerContext {
  return { data, hour: state.hour, hourFactor: hourFactorNow(), extruded: state.extruded, thresholdKwPerM: threshold, demandScale: state.demandScale };
}

function setExtruded(on: boolean): void {
  state.extruded = on;
  viewState = { ...viewState, pitch: on ? 45 : 0 };
  deck?.setProps({ initialViewState: { ...viewState } });
  updateScaleBar();
}

function updateScaleBar(): void {
  const el = document.getElementById('scalebar');
  const vp = deck?.getViewports()[0];
  if (!el || !vp) return;
  lastScaleBar = scaleBar(vp, el, $('map').getBoundingClientRect());
}

function buildLayers(): Layer[] {
  const ctx = context();
  const out: Layer[] = [];
  // drawn bottom to top by DRAW_ORDER; the panel lists them in their own order
  for (const e of [...entries].sort((a, b) => drawRank(a.id) - drawRank(b.id))) {
    const l = e.build(ctx);
    // hidden layers stay in the list with visible: false, so their GPU buffers survive a toggle
    for (const x of l === null ? [] : Array.isArray(l) ? l : [l]) out.push(x.clone({ visible: !!state.visible[e.id] }) as Layer);
  }
  return out;
}

async function update(): Promise<void> {
  if (!deck) return;
  const frame = handle.nextFrame();
  loadLazyLayers();
  deck.setProps({ layers: buildLayers() });
  $('legend').innerHTML = legendHtml(data, state.visible, threshold, state.demandScale, lodView(), roadsView());
  const label = document.getElementById('hour-label');
  if (label) label.textContent = `${state.hour} (${dateOfHour(state.hour)})`;
  const c = currentCase();
  if (data.hourly && c) {
    drawChart($('chart') as HTMLCanvasElement, c, data.hourly.hours, state.hour, cases.length > 1);
    const r = document.getElementById('readout');
    if (r) r.textContent = `${cases.length > 1 ? `${caseTitle(c)}. ` : ''}${readoutText(c, state.hour)}`;
    const lg = document.getElementById('chart-legend');
    if (lg) lg.innerHTML = chartLegendHtml(c);
  }
  updateScaleBar();
  await frame;
}

function dateOfHour(h: number): string {
  const d = new Date(Date.UTC(2023, 0, 1) + h * 3_600_000);
  return `${d.toISOString().slice(5, 10)} ${String(d.getUTCHours()).padStart(2, '0')}:00`;
}

function fitView(): ViewState {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const add = (bb: number[] | undefined) => {
    if (!bb || !bb.every(Number.isFinite)) return;
    b[0] = Math.min(b[0]!, bb[0]!);
    b[1] = Math.min(b[1]!, bb[1]!);
    b[2] = Math.max(b[2]!, bb[2]!);
    b[3] = Math.max(b[3]!, bb[3]!);
  };
  add(data.demand?.meta.bbox);
  add(data.buildings?.meta.bbox);
  add(data.network?.meta.bbox);
  // the blocks' extent from the server (blocks.geojson itself is loaded when its layer is switched on)
  add(data.blocksExtent?.bbox ?? undefined);
  for (const f of data.areas?.features ?? []) {
    const walk = (c: any): void => (typeof c?.[0] === 'number' ? add([c[0], c[1], c[0], c[1]]) : c?.forEach?.(walk));
    walk(f.geometry?.coordinates);
  }
  // water near the data (the river a town's potential was computed from) is in view; a far larger water layer is not
  if (data.water && Number.isFinite(b[0]!)) {
    const w = [Infinity, Infinity, -Infinity, -Infinity];
    const grow = (c: any): void => {
      if (typeof c?.[0] === 'number') {
        w[0] = Math.min(w[0]!, c[0]);
        w[1] = Math.min(w[1]!, c[1]);
        w[2] = Math.max(w[2]!, c[0]);
        w[3] = Math.max(w[3]!, c[1]);
      } else c?.forEach?.(grow);
    };
    for (const f of data.water.features) grow(f.geometry?.coordinates);
    const area = (x: number[]) => Math.max(x[2]! - x[0]!, 1e-3) * Math.max(x[3]! - x[1]!, 1e-3);
    const u = [Math.min(b[0]!, w[0]!), Math.min(b[1]!, w[1]!), Math.max(b[2]!, w[2]!), Math.max(b[3]!, w[3]!)];
    if (Number.isFinite(w[0]!) && area(u) <= 4 * area(b)) add(w);
  }
  const r = $('map').getBoundingClientRect();
  if (!Number.isFinite(b[0]!)) return { longitude: 139.7, latitude: 35.68, zoom: 10, pitch: 0, bearing: 0 };
  if (b[2]! - b[0]! < 1e-6) (b[0]! -= 0.001), (b[2]! += 0.001);
  if (b[3]! - b[1]! < 1e-6) (b[1]! -= 0.001), (b[3]! += 0.001);
  const vp = new WebMercatorViewport({ width: r.width, height: r.height }).fitBounds(
    [
      [b[0]!, b[1]!],
      [b[2]!, b[3]!],
    ],
    { padding: 24 },
  );
  return { longitude: vp.longitude, latitude: vp.latitude, zoom: Math.min(vp.zoom, 19), pitch: 0, bearing: 0 };
}

/** The panel's notes: the files the run lacks and those that could not be read (again after a lazily loaded file). */
function notes(): void {
  const out: string[] = [];
  const missing = data.status.files.filter((f) => !f.present);
  if (missing.length) out.push(`<b>Not in this run</b> (not shown): ${missing.map((f) => `${esc(f.name)} (${esc(f.shows)})`).join(', ')}`);
  for (const e of data.errors) out.push(`<b>Could not read ${esc(e.file)}</b>: ${esc(e.message)}`);
  if (out.length) {
    $('missing').innerHTML = out.join('<br>');
    $('missing').hidden = false;
  }
}

function panel(): void {
  $('run-name').textContent = data.status.run;
  notes();
  const boxes = entries.map(
    (e) => `<label><input type="checkbox" data-layer="${e.id}" ${state.visible[e.id] ? 'checked' : ''}/> ${esc(e.label)}</label>`,
  );
  if (data.demand) {
    boxes.push(`<label><input type="checkbox" id="extrude"/> extrude demand grid (3D)</label>`);
    boxes.push(
      `<label>demand colours <select id="demand-scale"><option value="classes">fixed classes, MWh/(ha·a)</option><option value="sqrt">continuous (√ to the maximum)</option></select></label>`,
    );
  }
  $('layers').innerHTML = boxes.join('');
  $('layers').addEventListener('change', (ev) => {
    const t = ev.target as HTMLInputElement;
    if (t.id === 'extrude') setExtruded(t.checked);
    else if (t.id === 'demand-scale') state.demandScale = t.value === 'sqrt' ? 'sqrt' : 'classes';
    else if (t.dataset.layer) state.visible[t.dataset.layer] = t.checked;
    void update();
  });
  $('summary').innerHTML = summaryHtml(data);
  if (data.hourly && cases.length) {
    const slider = $('hour') as HTMLInputElement;
    slider.max = String(data.hourly.hours - 1);
    slider.addEventListener('input', () => {
      state.hour = Number(slider.value);
      void update();
    });
    $('time').insertAdjacentHTML('beforeend', `<div id="readout"></div><div id="chart-legend"></div>`);
    if (cases.length > 1) {
      const opts = cases.map((c) => `<option value="${esc(c.id)}">${esc(caseTitle(c))}</option>`).join('');
      $('time').querySelector('h2')!.insertAdjacentHTML('afterend', `<label class="case">case <select id="case">${opts}</select></label>`);
      $('case').addEventListener('change', (ev) => {
        state.caseId = (ev.target as HTMLSelectElement).value;
        void update();
      });
    }
  } else if (data.hourly) {
    $('time').innerHTML = '<h2>Hourly simulation</h2><div class="missing">hourly.csv has no demand or plant series this viewer knows: no chart, the map shows design loads.</div>';
  } else {
    $('time').innerHTML = '<h2>Hourly simulation</h2><div class="missing">hourly.csv is not in this run: no chart, the map shows design loads.</div>';
  }
  if (data.tiles) {
    $('attribution').innerHTML = esc(data.tiles.attribution);
    $('attribution').hidden = false;
  }
}

function onHover(info: PickingInfo): void {
  const tip = $('tooltip');
  const html = info.layer ? describe(info, data, hourFactorNow(), state.hour) : null;
  if (!html) {
    tip.hidden = true;
    return;
  }
  tip.innerHTML = html;
  tip.hidden = false;
  const r = $('map').getBoundingClientRect();
  tip.style.left = `${r.left + info.x + 12}px`;
  tip.style.top = `${r.top + info.y + 12}px`;
}

async function start(): Promise<void> {
  $('status').textContent = 'loading run…';
  data = await loadRun(new URL('./', location.href).href.replace(/[^/]*$/, ''));
  handle.loadedMs = performance.now();
  handle.data = data;
  // the kW/m threshold the route stage pruned with: network.geojson's minKwPerM (engine/run/contract.ts NetworkProperties)
  const t = Number((data.network?.meta.properties as Partial<NetworkProperties> | undefined)?.minKwPerM);
  if (t > 0) threshold = t;
  registerLod(lodOf(data));
  registerRoadsLod(roadsLodOf(data));
  entries = layerEntries(data);
  for (const e of entries) state.visible[e.id] = e.defaultOn;
  handle.layerIds = entries.map((e) => e.id);
  cases = data.hourly ? hourlyCases(data.hourly, data.sim) : [];
  handle.caseIds = cases.map((c) => c.id);
  state.caseId = cases[0]?.id ?? '';
  panel();
  viewState = fitView();
  wantFirst = true;
  deck = new Deck({
    parent: $('map') as HTMLDivElement,
    views: new MapView({ repeat: false }),
    initialViewState: viewState,
    controller: true,
    layers: [],
    onViewStateChange: ({ viewState: v }) => {
      viewState = v as ViewState;
      viewMoved();
    },
    onHover,
    // a city's buildings chunks: drawn and picked only in view and where a footprint covers a pixel
    // a city's network and road graph chunks: drawn and picked only in view and zoomed in (layers/chunk-view.ts)
    layerFilter: (a) => chunkFilter(a) && chunkedLayerFilter(a),
    getCursor: ({ isHovering }) => (isHovering ? 'pointer' : 'grab'),
    onAfterRender: () => {
      if (wantFirst && deck?.isInitialized && deck.props.layers.length && (deck.props.layers as Layer[]).every((l) => !l.props.visible || l.isLoaded)) {
        wantFirst = false;
        handle.firstSubmitMs = performance.now();
        // until the GPU has drawn it: a software renderer (SwiftShader) draws long after deck.gl has given the commands
        const gl = (deck as unknown as { device?: { gl?: WebGL2RenderingContext } }).device?.gl;
        gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
        handle.firstRenderMs = performance.now();
        handle.ready = true;
        const n = data.buildings?.meta.count ?? 0;
        const c = data.demand?.meta.count ?? 0;
        $('status').textContent = `${n.toLocaleString('en-US')} buildings, ${c.toLocaleString('en-US')} grid cells`;
      }
      updateScaleBar();
      for (const w of frameWaiters.splice(0)) w();
    },
  });
  handle.deck = deck;
  await new Promise<void>((ok) => {
    const wait = () => (deck!.isInitialized ? ok() : setTimeout(wait, 10));
    wait();
  });
  await update();
  // a city's network and road graph: the chunks of an opening view that is zoomed in far enough already
  viewMoved();
}

start().catch((e: Error) => {
  handle.error = e.message;
  $('status').textContent = `error: ${e.message}`;
  console.error(e);
});
