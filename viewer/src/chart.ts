/**
 * The hourly chart of one case, drawn on a canvas: plant outputs stacked as areas, demand as a black line, surplus
 * green, backup red on top of the plants, and a cursor at the slider's hour. Each pixel column shows the mean of the
 * hours it covers.
 */
import type { HourlyCase } from './hourly.js';
import { PLANT_SERIES_COLORS, SERIES_COLORS } from '../../engine/style/palette.js';
import { esc } from './format.js';

export { SERIES_COLORS } from '../../engine/style/palette.js';

/** Colour of the i-th plant's area. */
export const plantColor = (i: number): string => PLANT_SERIES_COLORS[i % PLANT_SERIES_COLORS.length]!;

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

/** A case's title for the chart and the selector: 'case 1: greenhouse added'. */
export const caseTitle = (c: HourlyCase): string => `case ${c.id}${c.name ? `: ${c.name}` : ''}`;

export function drawChart(canvas: HTMLCanvasElement, c: HourlyCase, hours: number, hour: number, showCase = false): void {
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
  const m = (v: Float32Array | undefined) => (v ? bucketMeans(v, pw) : undefined);
  const dem = m(c.demand);
  const surplus = m(c.surplus);
  const backup = m(c.backup);
  const plants = c.plants.map((p) => m(p.values)!);
  let max = 0;
  const stack = new Float32Array(pw);
  for (const p of [...plants, ...(backup ? [backup] : [])]) for (let x = 0; x < pw; x++) stack[x] += p[x]!;
  for (let x = 0; x < pw; x++) max = Math.max(max, stack[x]!, dem ? dem[x]! : 0, surplus ? surplus[x]! : 0);
  max = max > 0 ? max * 1.05 : 1;
  const Y = (v: number) => 6 + ph - (v / max) * ph;
  // stacked areas: plants, then backup on top
  const base = new Float32Array(pw);
  const areas: [Float32Array, string][] = [...plants.map((p, i) => [p, plantColor(i)] as [Float32Array, string]), ...(backup ? [[backup, SERIES_COLORS.backup] as [Float32Array, string]] : [])];
  for (const [v, color] of areas) {
    g.fillStyle = color;
    g.globalAlpha = 0.6;
    g.beginPath();
    for (let x = 0; x < pw; x++) g.lineTo(left + x, Y(base[x]! + v[x]!));
    for (let x = pw - 1; x >= 0; x--) g.lineTo(left + x, Y(base[x]!));
    g.fill();
    for (let x = 0; x < pw; x++) base[x] += v[x]!;
  }
  g.globalAlpha = 1;
  const line = (v: Float32Array | undefined, color: string) => {
    if (!v) return;
    g.strokeStyle = color;
    g.lineWidth = 1;
    g.beginPath();
    for (let x = 0; x < pw; x++) g.lineTo(left + x, Y(v[x]!));
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
  g.fillText(`${Math.round(max).toLocaleString('en-US')}`, left - 3, 12);
  g.fillText('0', left - 3, 6 + ph);
  g.fillText('kW', left - 3, 6 + ph / 2);
  g.textAlign = 'center';
  for (let k = 0; k < 12; k++) g.fillText('JFMAMJJASOND'[k]!, left + ((k + 0.5) / 12) * pw, 6 + ph + 11);
  // cursor
  const cx = left + ((hour + 0.5) / hours) * pw;
  g.strokeStyle = '#0050ff';
  g.lineWidth = 2;
  g.beginPath();
  g.moveTo(cx, 6);
  g.lineTo(cx, 6 + ph);
  g.stroke();
  g.textAlign = 'left';
  g.fillText(`${showCase ? `case ${c.id}, ` : ''}hour ${hour}`, 2, H - 4);
}

/** The values at the slider's hour, as text under the chart. */
export function readoutText(c: HourlyCase, hour: number): string {
  const at = (v: Float32Array | undefined) => (v ? Math.round(v[hour]!).toLocaleString('en-US') : '–');
  const plants = c.plants.map((p) => `${p.label} ${at(p.values)}`).join(', ');
  return `demand ${at(c.demand)} kW; plants ${plants || '–'} kW; surplus ${at(c.surplus)} kW; backup ${at(c.backup)} kW`;
}

export function chartLegendHtml(c: HourlyCase): string {
  const sw = (col: string, t: string) => `<span class="legend-row"><span class="swatch" style="background:${col}"></span>${esc(t)}</span>`;
  return [
    sw(SERIES_COLORS.demand, 'demand'),
    ...c.plants.map((p, i) => sw(plantColor(i), `${p.label} (supply)`)),
    ...(c.surplus ? [sw(SERIES_COLORS.surplus, 'surplus')] : []),
    ...(c.backup ? [sw(SERIES_COLORS.backup, 'backup')] : []),
  ].join(' ');
}
