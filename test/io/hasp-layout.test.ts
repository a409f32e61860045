/** HASP layout checks (engine/io/weather.ts parseHasp): a damaged day is an error naming the file, the line and the day. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../engine/errors.js';
import { parseHasp } from '../../engine/io/weather.js';

const KITAMI = join(import.meta.dirname, '..', '..', 'datasets', 'weather', '0868195.has');

/** A HASP text of 365 days at 0 °C; day d has the date 1/(d % 31 + 1). */
function hasp(): string[] {
  const lines: string[] = [];
  for (let d = 0; d < 365; d++) {
    const tail = (el: number) => ` 0 1${String((d % 31) + 1).padStart(2, ' ')}${el === 1 ? 0 : ((d + 4) % 7) + 1}${el}`;
    lines.push('500'.repeat(24) + tail(1));
    for (let el = 2; el <= 7; el++) lines.push('  0'.repeat(24) + tail(el));
  }
  return lines;
}

describe('parseHasp: the layout of every line', () => {
  it('reads the bundled file (ends with a Ctrl-Z line)', () => {
    const text = readFileSync(KITAMI, 'latin1');
    expect(text.endsWith('\x1a\n')).toBe(true);
    expect(parseHasp(text, '0868195.has').hours).toBe(8760);
  });

  it('a temperature line whose element column is damaged: error naming the line and the day, not a short year', () => {
    const lines = hasp();
    // day 183's temperature line (line 1275): random bytes over its tail, column 80 no longer '1'
    lines[182 * 7] = lines[182 * 7]!.slice(0, 70) + '\u0011x\u00ff#5q 7 a9Z';
    const text = lines.join('\n') + '\n';
    expect(() => parseHasp(text, 'bad.has')).toThrow(InputError);
    expect(() => parseHasp(text, 'bad.has')).toThrow(/bad\.has: record line 1275: HASP day 183\b/);
  });

  it('a line split in two (a newline among random bytes) and a day missing a line are errors too', () => {
    const split = hasp();
    split.splice(700, 1, split[700]!.slice(0, 30), split[700]!.slice(30));
    expect(() => parseHasp(split.join('\n'), 'split.has')).toThrow(/split\.has: record line 701: HASP day 101: the line has 30 columns/);
    const gap = hasp();
    gap.splice(703, 1);
    expect(() => parseHasp(gap.join('\n'), 'gap.has')).toThrow(/gap\.has: record line 704: HASP day 101 \(1\/8\): column 80 holds element "5", expected 4/);
    const date = hasp();
    date[702] = date[702]!.slice(0, 72) + ' 0 212' + date[702]!.slice(78);
    expect(() => parseHasp(date.join('\n'), 'date.has')).toThrow(/date\.has: record line 703: .*date columns/);
  });
});
