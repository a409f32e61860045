/**
 * The platform view's marks (issue 19), shared by the plan sheets and the viewer: buildings meeting a municipal
 * guideline rule in force as a blue ring, critical facilities as a chartreuse dot with a black outline. Both differ
 * from every use fill and demand class by more than SHEET_MIN_DELTA_E (test/export/colours.test.ts). No imports.
 */
export const PLATFORM_STYLE = { guidelineRing: '#0000ff', criticalFill: '#7fff00', criticalStroke: '#000000' } as const;
