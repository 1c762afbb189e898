// Private binary sprite renderer shared by dSprites and Shapes.
//
// Geometry (documented in dsprites.ts): a sprite lives in a unit box
// [−½, ½]² of its own coordinates (u right, v down), scaled to `side` pixels,
// rotated by `angle` radians (clockwise on screen, since image y points down)
// and centred at (cx, cy) in pixel units, where pixel (row r, column c) covers
// [c, c+1) × [r, r+1) and is lit (1) when its centre (c+½, r+½) is inside.

/** Shape codes, in dSprites order. */
export const SQUARE = 0;
/** Ellipse with semi-axes ½ (along u) and ¼ (along v) of the box. */
export const ELLIPSE = 1;
/** Heart: the sextic (X²+Y²−1)³ ≤ X²Y³ scaled to fit the box, lobes up. */
export const HEART = 2;

// Bounding box of the heart sextic, measured on a fine grid: X ∈ [−1.139,
// 1.139], Y ∈ [−1, 1.2365]. Its width 2.278 is the larger side, so it maps to
// the box side; the vertical centre of its bounding box is Y = 0.11825.
const HEART_SPAN = 2.278;
const HEART_MID_Y = 0.11825;

/**
 * Sets to 1 the pixels of `out` (one `size × size` single-channel image at
 * `offset`, assumed zero) covered by the sprite.
 */
export function renderSprite(
  out: Float32Array,
  offset: number,
  size: number,
  shape: number,
  side: number,
  angle: number,
  cx: number,
  cy: number,
): void {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const inv = 1 / side;
  // Every point of the unit box is within side·√½ of the centre.
  const reach = side * Math.SQRT1_2 + 1;
  const r0 = Math.max(0, Math.floor(cy - reach));
  const r1 = Math.min(size - 1, Math.ceil(cy + reach));
  const c0 = Math.max(0, Math.floor(cx - reach));
  const c1 = Math.min(size - 1, Math.ceil(cx + reach));
  for (let r = r0; r <= r1; r++) {
    const dy = r + 0.5 - cy;
    const row = offset + r * size;
    for (let c = c0; c <= c1; c++) {
      const dx = c + 0.5 - cx;
      const u = (dx * cos + dy * sin) * inv;
      const v = (dy * cos - dx * sin) * inv;
      let inside: boolean;
      if (shape === SQUARE) {
        inside = u >= -0.5 && u <= 0.5 && v >= -0.5 && v <= 0.5;
      } else if (shape === ELLIPSE) {
        inside = 4 * u * u + 16 * v * v <= 1;
      } else {
        const x = u * HEART_SPAN;
        const y = HEART_MID_Y - v * HEART_SPAN;
        const q = x * x + y * y - 1;
        inside = q * q * q <= x * x * y * y * y;
      }
      if (inside) out[row + c] = 1;
    }
  }
}
