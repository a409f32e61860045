/**
 * The hourly chart, drawn on a canvas: plant outputs stacked as areas, demand as a black line, surplus green, backup
 * red, and a cursor at the slider's hour. Each pixel column shows the mean of the hours it covers.
 */
import { label, series, type Hourly } from './hourly.js';
import { SERIES_COLORS, USE_PALETTE, css } from '../../engine/style/palette.js';

export { SERIES_COLORS } from '../../engine/style/palette.js';

function bucketMeans(v: Float32Array, w: number): Float32Array {
  const out = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const a = Math.floor((x * v.length) / w);
    const b = Math.max(a + 1, Math.floor(((x + 1) * v.length) / w));
    let s = 0;
    for (let i = a; i < b; i++) s += v[i]!;
    out[x] = s / (b - a);
  }
  return out;
}

export function drawChart(canvas: HTMLCanvasElement, h: Hourly, hour: number): void {
  const g = canvas.getContext('2d')!;
  const W = canvas.width;
  const H = canvas.height;
  const left = 44;
  const bottom = 36;
  const pw = W - left - 4;
  const ph = H - bottom - 6;
  g.clearRect(0, 0, W, H);
  g.fillStyle = '#fff';
  g.fillRect(0, 0, W, H);
  const sr = series(h);
  const dem = sr.demand;
  const plants = sr.plants;
  const surplus = sr.surplus;
  const backup = sr.backup;
  const means: Record<string, Float32Array> = {};
  for (const n of [dem, surplus, backup, ...plants]) if (n) means[n] = bucketMeans(h.columns[n]!, pw);
  let max = 0;
  const stack = new Float32Array(pw);
  for (const p of [...plants, ...(backup ? [backup] : [])]) for (let x = 0; x < pw; x++) stack[x] += means[p]![x]!;
  for (let x = 0; x < pw; x++) max = Math.max(max, stack[x]!, dem ? means[dem]![x]! : 0);
  max = max > 0 ? max * 1.05 : 1;
  const Y = (v: number) => 6 + ph - (v / max) * ph;
  // stacked areas: plants, then backup on top
  const base = new Float32Array(pw);
  const areas = [...plants.map((p, i) => [p, css(USE_PALETTE[(i + 7) % USE_PALETTE.length]!)] as const), ...(backup ? [[backup, SERIES_COLORS.backup] as const] : [])];
  for (const [name, color] of areas) {
    g.fillStyle = color;
    g.globalAlpha = 0.55;
    g.beginPath();
    for (let x = 0; x < pw; x++) g.lineTo(left + x, Y(base[x]! + means[name]![x]!));
    for (let x = pw - 1; x >= 0; x--) g.lineTo(left + x, Y(base[x]!));
    g.fill();
    for (let x = 0; x < pw; x++) base[x] += means[name]![x]!;
  }
  g.globalAlpha = 1;
  const line = (name: string | undefined, color: string) => {
    if (!name) return;
    g.strokeStyle = color;
    g.lineWidth = 1;
    g.beginPath();
    for (let x = 0; x < pw; x++) g.lineTo(left + x, Y(means[name]![x]!));
    g.stroke();
  };
  line(surplus, SERIES_COLORS.surplus);
  line(dem, SERIES_COLORS.demand);
  // axes
  g.strokeStyle = '#444';
  g.strokeRect(left, 6, pw, ph);
  g.fillStyle = '#222';
  g.font = '10px sans-serif';
  g.textAlign = 'right';
  g.fillText(`${Math.round(max)}`, left - 3, 12);
  g.fillText('0', left - 3, 6 + ph);
  g.fillText('kW', left - 3, 6 + ph / 2);
  g.textAlign = 'center';
  for (let m = 0; m < 12; m++) g.fillText('JFMAMJJASOND'[m]!, left + ((m + 0.5) / 12) * pw, 6 + ph + 11);
  // cursor and readout
  const cx = left + ((hour + 0.5) / h.hours) * pw;
  g.strokeStyle = '#0050ff';
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(cx, 6);
  g.lineTo(cx, 6 + ph);
  g.stroke();
  g.textAlign = 'left';
  const at = (n: string | undefined) => (n ? Math.round(h.columns[n]![hour]!) : '–');
  g.fillText(`h ${hour}${h.scenarios.length ? ` [scenario ${h.scenarios[0]}]` : ''}: demand ${at(dem)} kW, plants ${plants.map((p) => at(p)).join('+')} kW, surplus ${at(surplus)}, backup ${at(backup)} kW`, 2, H - 4);
}

export function chartLegendHtml(h: Hourly): string {
  const plants = series(h).plants;
  const sw = (c: string, t: string) => `<span class="legend-row"><span class="swatch" style="background:${c}"></span>${t}</span>`;
  return [
    sw(SERIES_COLORS.demand, 'demand'),
    ...plants.map((p, i) => sw(css(USE_PALETTE[(i + 7) % USE_PALETTE.length]!), `${label(p)} (supply)`)),
    sw(SERIES_COLORS.surplus, 'surplus'),
    sw(SERIES_COLORS.backup, 'backup'),
  ].join(' ');
}
