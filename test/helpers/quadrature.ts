/**
 * Composite Simpson on [0, h] with 2m panels in s, r = h(3s² − 2s³): an independent quadrature for
 * the local-linearization noise integrals (the change of variable resolves the ends of the step, where
 * e^{2μ(h−r)} peaks and the √ of g² is not smooth if g vanishes there).
 */
export function simpson(f: (r: number) => number, h: number, m = 20000): number {
  const ds = 1 / (2 * m);
  const F = (s: number) => f(h * s * s * (3 - 2 * s)) * 6 * h * s * (1 - s);
  let sum = F(0) + F(1);
  for (let i = 1; i < 2 * m; i++) sum += (i % 2 ? 4 : 2) * F(i * ds);
  return (sum * ds) / 3;
}
