/** hourly.csv: first column the hour, then one column per series in kW (demand, losses, each plant, surplus, backup). */
export interface Hourly {
  hours: number;
  /** Column names in file order, without the hour column. */
  names: string[];
  columns: Record<string, Float32Array>;
}

export function parseHourly(text: string): Hourly {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error('hourly.csv has no data rows');
  const head = lines[0]!.split(',').map((s) => s.trim());
  const names = head.slice(1);
  const hours = lines.length - 1;
  const columns: Record<string, Float32Array> = {};
  for (const n of names) columns[n] = new Float32Array(hours);
  for (let r = 0; r < hours; r++) {
    const cells = lines[r + 1]!.split(',');
    for (let c = 0; c < names.length; c++) columns[names[c]!]![r] = Number(cells[c + 1]);
  }
  return { hours, names, columns };
}

/** The demand column: 'demand_kW' or the first column whose name starts with 'demand'. */
export function demandColumn(h: Hourly): string | undefined {
  return h.names.find((n) => n === 'demand_kW') ?? h.names.find((n) => n.toLowerCase().startsWith('demand'));
}

/** Plant output columns: everything that is not hour/demand/losses/surplus/backup (and not a temperature). */
export function plantColumns(h: Hourly): string[] {
  return h.names.filter((n) => !/^(demand|loss|surplus|backup|t_|temp|ground|outdoor|cop)/i.test(n));
}

/** Demand at hour t over the year's peak demand, 0..1: scales consumers' peak loads to the hour. */
export function hourFactor(h: Hourly | undefined, t: number): number {
  if (!h) return 1;
  const col = demandColumn(h);
  if (!col) return 1;
  const v = h.columns[col]!;
  let max = 0;
  for (let i = 0; i < v.length; i++) if (v[i]! > max) max = v[i]!;
  return max > 0 ? v[Math.min(v.length - 1, Math.max(0, t))]! / max : 1;
}
