/** Number formatting for the panel and tooltips. */
export function fmt(v: unknown, digits = 1): string {
  const x = Number(v);
  if (v === null || v === undefined || v === '' || !Number.isFinite(x)) return '–';
  const a = Math.abs(x);
  const d = a >= 1000 ? 0 : a >= 10 ? Math.min(digits, 1) : a >= 1 ? Math.max(digits, 1) : Math.max(digits, 2);
  return x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
}

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function rows(pairs: [string, string][]): string {
  return `<table>${pairs.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${v}</td></tr>`).join('')}</table>`;
}
