/**
 * The look shared by every purenet picture: one sans-serif font (DejaVu Sans, which Debian's
 * `fonts-dejavu-core` installs and the PNG rasteriser finds), a colour-blind-safe palette
 * (Okabe–Ito), and the sizes of text and marks.
 */

/** The font stack written into every `<text>`; the first family is what `svgToPng` loads. */
export const FONT_FAMILY = 'DejaVu Sans, Verdana, Arial, sans-serif';
export const DEFAULT_FONT = 'DejaVu Sans';

/** Okabe–Ito: distinguishable under the common colour-vision deficiencies. */
export const PALETTE: readonly string[] = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

/** Marks a mistake (digit grid) or a failure. */
export const ALERT = '#D00000';

export const TEXT_COLOR = '#222222';
export const AXIS_COLOR = '#444444';
export const GRID_COLOR = '#e6e6e6';

export const TITLE_SIZE = 15;
export const LABEL_SIZE = 12;
export const TICK_SIZE = 10.5;

/** The colour of series i when none is given. */
export const seriesColor = (index: number): string => PALETTE[index % PALETTE.length];
