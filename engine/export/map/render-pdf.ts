/**
 * PDF back end (pdfkit): vector paths and real text, user space scaled so one unit is one paper millimetre.
 * Rasters are embedded as PNG images. Fonts: see fonts.ts.
 */
import PDFDocument from 'pdfkit';
import { PT_PER_MM, needsCjk, type Drawing, type Style } from './model.js';
import { findFonts, toWinAnsi } from './fonts.js';
import { encodePng } from './render-svg.js';

export interface PdfResult {
  bytes: Buffer;
  /** Whether Japanese text could be set in a CJK font. */
  cjkFont: boolean;
}

export interface PdfMeta {
  author?: string;
  subject?: string;
  /** The document's date: the run's (manifest `updated`, an ISO string or Date); SOURCE_DATE_EPOCH overrides it. */
  date?: Date | string;
}

/**
 * The PDF's CreationDate and ModDate (and the XMP CreateDate): SOURCE_DATE_EPOCH (seconds since 1970, the
 * reproducible-builds convention) when set, else `date` (the run's own: manifest `updated`), else the Unix epoch.
 * Never the clock: the same drawing gives the same bytes (pdfkit's document ID is a hash of the info dictionary, date
 * included).
 */
export function pdfDate(date?: Date | string, env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = env.SOURCE_DATE_EPOCH?.trim();
  if (epoch && /^\d+$/.test(epoch)) {
    const d = new Date(Number(epoch) * 1000);
    if (Number.isFinite(d.getTime())) return d;
  }
  const d = date === undefined ? undefined : date instanceof Date ? date : new Date(date);
  return d && Number.isFinite(d.getTime()) ? new Date(Math.floor(d.getTime() / 1000) * 1000) : new Date(0);
}

/** Render a drawing to PDF bytes. */
export async function renderPdf(d: Drawing, meta: PdfMeta = {}): Promise<PdfResult> {
  const fonts = findFonts();
  const date = pdfDate(meta.date);
  const doc = new PDFDocument({
    size: [d.widthMm * PT_PER_MM, d.heightMm * PT_PER_MM],
    margin: 0,
    autoFirstPage: true,
    compress: true,
    // pdfkit would take CreationDate from the clock and hashes the info into the document ID: a given date keeps both
    // reproducible
    info: { Title: d.title, Producer: 'heatplan', Creator: 'heatplan export-map', Author: meta.author ?? '', Subject: meta.subject ?? '', CreationDate: date, ModDate: date },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((res, rej) => {
    doc.on('end', () => res());
    doc.on('error', rej);
  });

  const hasSans = fonts.sans !== undefined;
  if (fonts.sans) doc.registerFont('hp-sans', fonts.sans.path);
  if (fonts.sansBold) doc.registerFont('hp-bold', fonts.sansBold.path);
  if (fonts.cjk) doc.registerFont('hp-cjk', fonts.cjk.path, fonts.cjk.family as string);
  const pickFont = (text: string, bold: boolean): { name: string; text: string } => {
    if (needsCjk(text) && fonts.cjk) return { name: 'hp-cjk', text };
    if (hasSans) return { name: bold ? 'hp-bold' : 'hp-sans', text };
    return { name: bold ? 'Helvetica-Bold' : 'Helvetica', text: toWinAnsi(text) };
  };

  doc.scale(PT_PER_MM);
  const stack: boolean[] = [];

  const applyPaint = (s: Style, hasFill: boolean): void => {
    const fill = hasFill && s.fill !== undefined;
    const stroke = s.stroke !== undefined;
    if (fill) doc.fillColor(s.fill!, s.fillOpacity ?? 1);
    if (stroke) {
      doc.strokeColor(s.stroke!, s.strokeOpacity ?? 1).lineWidth(s.strokeWidthMm ?? 0.25).lineJoin('round').lineCap('round');
      if (s.dashMm?.length) doc.dash(s.dashMm[0]!, { space: s.dashMm[1] ?? s.dashMm[0]! });
      else doc.undash();
    }
    const rule = s.evenOdd ? 'even-odd' : 'non-zero';
    if (fill && stroke) doc.fillAndStroke(undefined, undefined, rule);
    else if (fill) doc.fill(rule);
    else if (stroke) doc.stroke();
  };

  for (const p of d.prims) {
    switch (p.kind) {
      case 'group':
        doc.save();
        if (p.clip) doc.rect(p.clip.x, p.clip.y, p.clip.w, p.clip.h).clip();
        stack.push(true);
        break;
      case 'end':
        if (stack.pop()) doc.restore();
        break;
      case 'rect':
        if (p.fill === undefined && p.stroke === undefined) break;
        doc.rect(p.x, p.y, p.w, p.h);
        applyPaint(p, true);
        break;
      case 'circle':
        doc.circle(p.cx, p.cy, p.rMm);
        applyPaint(p, true);
        break;
      case 'path': {
        let any = false;
        for (const part of p.parts) {
          if (part.length < 4) continue;
          doc.moveTo(part[0]!, part[1]!);
          for (let i = 2; i < part.length; i += 2) doc.lineTo(part[i]!, part[i + 1]!);
          if (p.closed) doc.closePath();
          any = true;
        }
        if (any) applyPaint(p, p.closed);
        break;
      }
      case 'text': {
        const { name, text } = pickFont(p.text, p.bold ?? false);
        doc.font(name).fontSize(p.sizeMm).fillColor(p.color ?? '#000000', 1);
        const w = doc.widthOfString(text);
        const x = p.anchor === 'middle' ? p.x - w / 2 : p.anchor === 'end' ? p.x - w : p.x;
        if (p.halo) {
          // the halo: the glyphs stroked wide in the halo colour, then filled on top
          doc.save();
          doc.lineWidth(2 * (p.haloMm ?? 0)).lineJoin('round').strokeColor(p.halo, 1);
          doc.text(text, x, p.y, { lineBreak: false, baseline: 'alphabetic', stroke: true, fill: false });
          doc.restore();
          doc.font(name).fontSize(p.sizeMm).fillColor(p.color ?? '#000000', 1);
        }
        doc.text(text, x, p.y, { lineBreak: false, baseline: 'alphabetic' });
        break;
      }
      case 'image':
        doc.image(encodePng(p.width, p.height, p.rgba), p.x, p.y, { width: p.w, height: p.h });
        break;
    }
  }
  doc.end();
  await done;
  return { bytes: Buffer.concat(chunks), cjkFont: fonts.cjk !== undefined };
}
