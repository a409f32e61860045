/**
 * Fonts for PDF and PNG output, found once per process. A Latin sans (DejaVu Sans, Liberation Sans) for most text and
 * a font with Japanese glyphs (IPA Gothic, Noto Sans CJK, Takao) for text that needs it. `HEATPLAN_FONT` and
 * `HEATPLAN_CJK_FONT` override the search. Without any font file, PDF falls back to the standard Helvetica and
 * text outside Latin-1 is transliterated (attribution stays ASCII).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface FontFile {
  path: string;
  /** Font inside a collection (.ttc): PostScript name. */
  family?: string;
}

export interface FontSet {
  sans?: FontFile;
  sansBold?: FontFile;
  cjk?: FontFile;
}

const SANS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/Library/Fonts/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];
const SANS_BOLD = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans-Bold.ttf',
  '/Library/Fonts/Arial Bold.ttf',
  'C:\\Windows\\Fonts\\arialbd.ttf',
];
const CJK: FontFile[] = [
  { path: '/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf' },
  { path: '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf' },
  { path: '/usr/share/fonts/truetype/fonts-japanese-gothic.ttf' },
  { path: '/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf' },
  { path: '/usr/share/fonts/truetype/takao-gothic/TakaoPGothic.ttf' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', family: 'NotoSansCJKjp-Regular' },
  { path: 'C:\\Windows\\Fonts\\msgothic.ttc', family: 'MS-Gothic' },
];

let cached: FontSet | undefined;

function first(paths: string[]): FontFile | undefined {
  const p = paths.find((x) => existsSync(x));
  return p ? { path: p } : undefined;
}

/**
 * A TrueType/OpenType file (not a collection) that fontconfig lists as covering Japanese, if fc-list is installed.
 * Not `fc-match :lang=ja`: fc-match always answers with its best match, which on a machine without any Japanese font
 * is a Latin font (DejaVu Sans) that draws every kanji as a missing-glyph box.
 */
function fcListJapanese(): FontFile | undefined {
  try {
    const out = execFileSync('fc-list', [':lang=ja', 'file'], { encoding: 'utf8', timeout: 3000, stdio: ['ignore', 'pipe', 'ignore'] });
    const files = out
      .split('\n')
      .map((l) => l.trim().replace(/:\s*$/, ''))
      .filter((f) => /\.(ttf|otf)$/i.test(f) && existsSync(f))
      .sort((a, b) => Number(/gothic|sans/i.test(b)) - Number(/gothic|sans/i.test(a)) || a.localeCompare(b));
    return files[0] ? { path: files[0] } : undefined;
  } catch {
    return undefined;
  }
}

/** The fonts available on this machine (cached). */
export function findFonts(): FontSet {
  if (cached) return cached;
  const envSans = process.env.HEATPLAN_FONT;
  const envCjk = process.env.HEATPLAN_CJK_FONT;
  const sans = envSans && existsSync(envSans) ? { path: envSans } : first(SANS);
  const sansBold = envSans && existsSync(envSans) ? { path: envSans } : (first(SANS_BOLD) ?? sans);
  const cjk = envCjk && existsSync(envCjk) ? { path: envCjk } : (CJK.find((f) => existsSync(f.path)) ?? fcListJapanese());
  cached = { sans, sansBold, cjk };
  return cached;
}

/** For the standard PDF fonts (WinAnsi): replace characters they cannot show. */
export function toWinAnsi(s: string): string {
  return s
    .replace(/≥/g, '>=')
    .replace(/≤/g, '<=')
    .replace(/[‐-―]/g, (c) => (c === '–' || c === '—' ? c : '-'))
    .replace(/[^\x20-\x7e\xa0-\xff–—‘’“”•…€]/g, '?');
}
