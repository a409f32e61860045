/**
 * Independent expectations for the CityGML reader tests: a plain regex scan of the raw text, per bldg:Building,
 * with PLATEAU's unknown-value rule (9999, 99999, negative; 0 for storeys above ground and areas).
 */
export interface ScannedBuilding {
  id: string;
  usage?: string;
  storeysAbove: number;
  storeysBelow: number;
  heightM: number;
  totalFloorArea: number;
  footprintArea: number;
  parts: number;
}

const known = (s: string | undefined, zeroUnknown: boolean): number => {
  if (s === undefined) return NaN;
  const v = Number(s.trim());
  return !Number.isFinite(v) || v < 0 || v === 9999 || v === 99999 || (zeroUnknown && v === 0) ? NaN : v;
};

/** First value of element `tag` (qualified) in `text`. */
export const firstValue = (text: string, tag: string): string | undefined =>
  new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(text)?.[1];

/** Every value of element `tag` in `text`. */
export const allValues = (text: string, tag: string): string[] =>
  [...text.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);

/** Scan buildings without parts (attributes are the Building's own). */
export function scanBuildings(xml: string): ScannedBuilding[] {
  return xml
    .split('<bldg:Building ')
    .slice(1)
    .map((chunk) => {
      const detail = /<uro:BuildingDetailAttribute>([\s\S]*?)<\/uro:BuildingDetailAttribute>/.exec(chunk)?.[1] ?? '';
      return {
        id: /gml:id="([^"]+)"/.exec(chunk)![1]!,
        usage: firstValue(chunk, 'bldg:usage'),
        storeysAbove: known(firstValue(chunk, 'bldg:storeysAboveGround'), true),
        storeysBelow: known(firstValue(chunk, 'bldg:storeysBelowGround'), false),
        heightM: known(firstValue(chunk, 'bldg:measuredHeight'), false),
        totalFloorArea: known(firstValue(detail, 'uro:totalFloorArea'), true),
        footprintArea: known(firstValue(detail, 'uro:buildingFootprintArea'), true),
        parts: chunk.split('<bldg:BuildingPart ').length - 1,
      };
    });
}
