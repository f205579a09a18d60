/**
 * Draws the Teams app icons into manifest/: color.png (192×192) and outline.png (32×32).
 * Run once with `node --import tsx scripts/draw-icons.ts` and commit the PNGs; the design is our
 * own (a clipboard with a tick), deliberately not the NHS logo or lettering, which we may not use.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { PROJECT_ROOT } from '../src/paths';

/** True when the point (x, y), in pixels from the top-left corner, is inside the shape. */
type Shape = (x: number, y: number) => boolean;
type Rgba = readonly [number, number, number, number];
interface Layer {
  shape: Shape;
  colour: Rgba;
}

const BLUE: Rgba = [0x00, 0x5e, 0xb8, 255];
const LIGHT_BLUE: Rgba = [0x9f, 0xc9, 0xf0, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [255, 255, 255, 0];

// Each pixel is sampled on a 4×4 grid so edges are anti-aliased without a drawing library.
const SUBSAMPLES = 4;

/** A rectangle from (x0, y0) to (x1, y1) with corners rounded to radius r. */
function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

/** A thick line through the points, with round ends and joins (a tick is two of these). */
function polyline(points: readonly (readonly [number, number])[], width: number): Shape {
  const half = width / 2;
  return (x, y) =>
    points.slice(1).some(([bx, by], i) => {
      const [ax, ay] = points[i]!;
      const dx = bx - ax;
      const dy = by - ay;
      const t = Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
      return (x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2 <= half * half;
    });
}

/** Points inside `outer` but not inside `inner` (used for the outline's hollow clipboard). */
function subtract(outer: Shape, inner: Shape): Shape {
  return (x, y) => outer(x, y) && !inner(x, y);
}

/** Paints the layers in order over the background and encodes the result as an RGBA PNG. */
function drawPng(size: number, background: Rgba, layers: readonly Layer[]): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const x = px + (sx + 0.5) / SUBSAMPLES;
          const y = py + (sy + 0.5) / SUBSAMPLES;
          const top = layers.findLast((layer) => layer.shape(x, y));
          const colour = top?.colour ?? background;
          // Premultiply so transparent samples do not darken or tint the edges.
          for (let c = 0; c < 3; c++) sum[c]! += colour[c]! * colour[3];
          sum[3]! += colour[3];
        }
      }
      const alpha = sum[3]!;
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) {
        png.data[i + c] = alpha === 0 ? background[c]! : Math.round(sum[c]! / alpha);
      }
      png.data[i + 3] = Math.round(alpha / (SUBSAMPLES * SUBSAMPLES));
    }
  }
  return PNG.sync.write(png);
}

/** The 192×192 colour icon: a white clipboard with a blue tick on a solid blue square. */
function drawColourIcon(): Buffer {
  // Solid full-bleed background: Teams rounds the corners itself, and the symbol stays inside
  // the central area Teams recommends so it is not clipped.
  return drawPng(192, BLUE, [
    { shape: roundedRect(50, 44, 142, 158, 14), colour: WHITE },
    { shape: roundedRect(74, 32, 118, 58, 9), colour: LIGHT_BLUE },
    { shape: roundedRect(86, 38, 106, 46, 4), colour: BLUE },
    {
      shape: polyline(
        [
          [70, 104],
          [88, 122],
          [122, 86],
        ],
        14,
      ),
      colour: BLUE,
    },
  ]);
}

/** The 32×32 outline icon: the same clipboard and tick in white on transparency, as Teams requires. */
function drawOutlineIcon(): Buffer {
  const board = subtract(roundedRect(6, 5, 26, 30, 3), roundedRect(8, 7, 24, 28, 1.5));
  return drawPng(32, CLEAR, [
    { shape: board, colour: WHITE },
    { shape: roundedRect(11, 2.5, 21, 8, 1.5), colour: WHITE },
    {
      shape: polyline(
        [
          [11.5, 18],
          [14.5, 21],
          [20.5, 14.5],
        ],
        2.5,
      ),
      colour: WHITE,
    },
  ]);
}

const manifestDir = path.join(PROJECT_ROOT, 'manifest');
for (const [name, png] of [
  ['color.png', drawColourIcon()],
  ['outline.png', drawOutlineIcon()],
] as const) {
  const file = path.join(manifestDir, name);
  writeFileSync(file, png);
  console.log(`Wrote ${path.relative(process.cwd(), file)}`);
}
