/**
 * Convergence orders: least squares of log W2 on log NFE (or log step size) over the
 * asymptotic part of a curve, with a Student-t confidence interval on the slope.
 */
import { InvalidArgumentError } from '../errors.js';
import { studentTQuantile } from './student-t.js';

export interface OrderFit {
  /** The fitted order p in error ≈ C · x^(−p) (x = NFE) or C · h^p (x = step size). */
  order: number;
  /** Confidence interval on the order at `level`; null when only two points were fitted (no residual degrees of freedom). */
  interval: [number, number] | null;
  level: number;
  /** log C */
  intercept: number;
  /** Points used (after dropping the pre-asymptotic head and the round-off floor). */
  points: number;
  /** Coefficient of determination of the log-log fit. */
  r2: number;
}

export interface FitOptions {
  /** Confidence level (default 0.95). */
  level?: number;
  /** How many of the largest-x points to use (default: all that pass the filters). */
  lastPoints?: number;
  /** Errors at or below this are round-off or noise floor and are excluded (default 0). */
  floor?: number;
  /** 'decreasing' when the error falls as x grows (x = NFE), 'increasing' for x = step size. */
  direction?: 'decreasing' | 'increasing';
}

/** Fits log y = a + b log x; the order is −b for NFE and b for step sizes. */
export function fitOrder(x: readonly number[], y: readonly number[], options: FitOptions = {}): OrderFit {
  if (x.length !== y.length) throw new InvalidArgumentError(`fitOrder: ${x.length} x values but ${y.length} y values`);
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError(`level must be in (0, 1), got ${level}`);
  const direction = options.direction ?? 'decreasing';
  let pts = x
    .map((xi, i) => ({ x: xi, y: y[i]! }))
    .filter((p) => p.x > 0 && p.y > (options.floor ?? 0) && Number.isFinite(p.y) && Number.isFinite(p.x))
    .sort((a, b) => a.x - b.x);
  // Asymptotic part: the smallest step sizes = the largest NFE.
  if (options.lastPoints !== undefined) pts = direction === 'decreasing' ? pts.slice(-options.lastPoints) : pts.slice(0, options.lastPoints);
  if (pts.length < 2) throw new InvalidArgumentError(`fitOrder needs at least 2 usable points, got ${pts.length}`);
  const lx = pts.map((p) => Math.log(p.x));
  const ly = pts.map((p) => Math.log(p.y));
  const n = pts.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n;
  const my = ly.reduce((a, b) => a + b, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i]! - mx) ** 2;
    sxy += (lx[i]! - mx) * (ly[i]! - my);
    syy += (ly[i]! - my) ** 2;
  }
  if (sxx === 0) throw new InvalidArgumentError('fitOrder needs at least two distinct x values');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const rss = Math.max(0, syy - slope * sxy);
  const r2 = syy > 0 ? 1 - rss / syy : 1;
  const sign = direction === 'decreasing' ? -1 : 1;
  let interval: [number, number] | null = null;
  if (n > 2) {
    const se = Math.sqrt(rss / (n - 2) / sxx);
    const t = studentTQuantile(0.5 + level / 2, n - 2);
    const lo = sign * slope - t * se;
    const hi = sign * slope + t * se;
    interval = [lo, hi];
  }
  return { order: sign * slope, interval, level, intercept, points: n, r2 };
}
