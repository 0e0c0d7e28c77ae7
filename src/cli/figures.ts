/**
 * The one place where pictures meet the file system: each figure (an SVG document from
 * src/plot) is written as NAME.svg and, rasterised, as NAME.png into a directory made on demand.
 * Missing fonts are reported once, as a warning, not as silently blank titles.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canRenderText, svgToPng, type RasterOptions } from '../plot/index.js';

export interface Figure {
  /** File name without extension, e.g. `regression-line`. */
  readonly name: string;
  readonly svg: string;
}

export interface SavedFigures {
  /** Paths written, SVG and PNG of each figure in turn. */
  readonly paths: readonly string[];
  /** Set when no font renders: the PNGs have no text. */
  readonly warning?: string;
}

/** A runtime failure to write pictures (exit code 1 in the commands). */
export class FigureWriteError extends Error {
  override readonly name = 'FigureWriteError';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Creates the plots directory (and its parents) now, so that a run that will write pictures at
 * its end fails before training rather than after it. Throws FigureWriteError.
 */
export const preparePlotsDirectory = async (dir: string): Promise<void> => {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new FigureWriteError(`cannot create the plots directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
};

/** Writes every figure as SVG and PNG into `dir` (created if needed). */
export const saveFigures = async (dir: string, figures: readonly Figure[], options: RasterOptions = {}): Promise<SavedFigures> => {
  const bad = figures.find((figure) => !NAME.test(figure.name));
  if (bad !== undefined) throw new FigureWriteError(`saveFigures: expected a plain file name (letters, digits, . _ -), got '${bad.name}'`);
  await preparePlotsDirectory(dir);
  const warning = canRenderText(options.fonts)
    ? undefined
    : 'no font renders text, so the PNG titles and labels are missing; install DejaVu Sans (Debian: apt-get install fonts-dejavu-core)';
  const paths: string[] = [];
  for (const figure of figures) {
    const svgPath = join(dir, `${figure.name}.svg`);
    const pngPath = join(dir, `${figure.name}.png`);
    const png = svgToPng(figure.svg, options);
    try {
      await writeFile(svgPath, figure.svg);
      await writeFile(pngPath, png);
    } catch (error) {
      throw new FigureWriteError(`cannot write ${figure.name}.svg/.png into ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    paths.push(svgPath, pngPath);
  }
  return warning === undefined ? { paths } : { paths, warning };
};
