/**
 * Independent transcriptions of the k-diffusion-family samplers, written from their papers'
 * formulas (not from the library's plans), for a diagonal Gaussian target N(m, diag λ) whose
 * denoiser is known in closed form. Each runs one particle, coordinate by coordinate.
 *
 * Two frames are used, as in the papers:
 *  - the process frame x_t = α_t x₀ + σ_t z with λ_t = log(α_t/σ_t) (DPM-Solver++, Lu et al. 2023);
 *  - the noise-level frame y = x/α, ς = σ/α, y = x₀ + ς z (Karras et al. 2022; k-diffusion),
 *    mapped back to the process frame at the end (x = α y).
 * No library code is used here.
 */
import type { Coefficients } from './scalar-schemes.js';

/** E[x₀ | x_t = x] for x₀ ~ N(m, λ): m + λα(x − αm)/(α²λ + σ²). */
export function processDenoiser(c: Coefficients, t: number, x: number, m: number, lam: number): number {
  const a = c.alpha(t);
  return m + (lam * a * (x - a * m)) / (a * a * lam + c.sigma2(t));
}

/** E[x₀ | x₀ + ς z = y] for x₀ ~ N(m, λ): m + λ(y − m)/(λ + ς²). */
export function noiseLevelDenoiser(varsigma: number, y: number, m: number, lam: number): number {
  return m + (lam * (y - m)) / (lam + varsigma * varsigma);
}

/** Fresh standard normal of step k, noise index l (for one particle and coordinate). */
export type NoiseAt = (k: number, l: number) => number;

export interface Direction {
  m: number;
  lam: number;
}

/**
 * DPM-Solver++(2M), Lu et al. 2023, Algorithm 2 (data prediction, multistep):
 *   h_i = λ_{t_i} − λ_{t_{i−1}}, r_i = h_{i−1}/h_i,
 *   D_i = (1 + 1/(2r_i)) x̂₀(x_{i−1}, t_{i−1}) − 1/(2r_i) x̂₀(x_{i−2}, t_{i−2}),
 *   x_i = (σ_{t_i}/σ_{t_{i−1}}) x_{i−1} − α_{t_i}(e^{−h_i} − 1) D_i,
 * with the first step first order; a last step to σ = 0 is first order too (k-diffusion's convention).
 */
export function dpmSolverPp2M(c: Coefficients, grid: ArrayLike<number>, x0: number, dir: Direction): number {
  const sigma = (t: number) => Math.sqrt(c.sigma2(t));
  const logSnr = (t: number) => Math.log(c.alpha(t) / sigma(t));
  let x = x0;
  let previous: { d: number; h: number } | undefined;
  for (let i = 1; i < grid.length; i++) {
    const s = grid[i - 1]!;
    const t = grid[i]!;
    const d = processDenoiser(c, s, x, dir.m, dir.lam);
    if (t === 0) {
      x = c.alpha(t) * d; // σ_t = 0: e^{−h} = 0
      continue;
    }
    const h = logSnr(t) - logSnr(s);
    let D = d;
    if (previous !== undefined) {
      const r = previous.h / h;
      D = (1 + 1 / (2 * r)) * d - (1 / (2 * r)) * previous.d;
    }
    x = (sigma(t) / sigma(s)) * x - c.alpha(t) * Math.expm1(-h) * D;
    previous = { d, h };
  }
  return x;
}

/**
 * Euler ancestral in the noise-level frame (k-diffusion's sample_euler_ancestral; the ancestral
 * split of DDIM, Song et al. 2021 eq. 16, written with ς):
 *   ς_up = min(ς′, η √(ς′²(ς² − ς′²)/ς²)), ς_down = √(ς′² − ς_up²),
 *   y′ = y + (ς_down − ς)(y − D(y; ς))/ς + s_noise ς_up z.
 */
export function eulerAncestral(c: Coefficients, grid: ArrayLike<number>, x0: number, dir: Direction, eta: number, sNoise: number, noise: NoiseAt): number {
  const vs = (t: number) => Math.sqrt(c.sigma2(t)) / c.alpha(t);
  let y = x0 / c.alpha(grid[0]!);
  for (let k = 0; k + 1 < grid.length; k++) {
    const s0 = vs(grid[k]!);
    const s1 = vs(grid[k + 1]!);
    const up = Math.min(s1, eta * Math.sqrt((s1 * s1 * (s0 * s0 - s1 * s1)) / (s0 * s0)));
    const down = Math.sqrt(s1 * s1 - up * up);
    const d = (y - noiseLevelDenoiser(s0, y, dir.m, dir.lam)) / s0;
    y = y + (down - s0) * d;
    if (s1 > 0 && up > 0) y += sNoise * up * noise(k, 0);
  }
  return c.alpha(grid[grid.length - 1]!) * y;
}

export interface EdmOptions {
  sChurn: number;
  sTmin: number;
  sTmax: number;
  sNoise: number;
}

/**
 * EDM's stochastic sampler, Karras et al. 2022, Algorithm 2 (σ(t) = t, s(t) = 1, i.e. the
 * noise-level frame), N steps:
 *   γ_i = min(S_churn/N, √2 − 1) if ς_i ∈ [S_tmin, S_tmax] else 0;  ς̂ = ς_i + γ_i ς_i;
 *   ŷ = y + √(ς̂² − ς_i²) S_noise ε;  d = (ŷ − D(ŷ; ς̂))/ς̂;  y′ = ŷ + (ς_{i+1} − ς̂) d;
 *   if ς_{i+1} ≠ 0: d′ = (y′ − D(y′; ς_{i+1}))/ς_{i+1};  y′ = ŷ + (ς_{i+1} − ς̂)(d/2 + d′/2).
 */
export function edmSampler(c: Coefficients, grid: ArrayLike<number>, x0: number, dir: Direction, o: EdmOptions, noise: NoiseAt): number {
  const vs = (t: number) => Math.sqrt(c.sigma2(t)) / c.alpha(t);
  const N = grid.length - 1;
  const D = (v: number, y: number) => noiseLevelDenoiser(v, y, dir.m, dir.lam);
  let y = x0 / c.alpha(grid[0]!);
  for (let i = 0; i < N; i++) {
    const ti = vs(grid[i]!);
    const next = vs(grid[i + 1]!);
    const gamma = ti >= o.sTmin && ti <= o.sTmax ? Math.min(o.sChurn / N, Math.SQRT2 - 1) : 0;
    const hat = ti + gamma * ti;
    const yHat = gamma > 0 ? y + Math.sqrt(hat * hat - ti * ti) * o.sNoise * noise(i, 0) : y;
    const d = (yHat - D(hat, yHat)) / hat;
    y = yHat + (next - hat) * d;
    if (next !== 0) {
      const d2 = (y - D(next, y)) / next;
      y = yHat + (next - hat) * (0.5 * d + 0.5 * d2);
    }
  }
  return c.alpha(grid[N]!) * y;
}

export interface UniPcOptions {
  order: number;
  variant: 'bh1' | 'bh2';
  corrector: boolean;
}

/**
 * UniPC, Zhao et al. 2023 (data prediction), as the authors' multistep sampler runs it.
 * With hh = −h, h = λ_t − λ_s, the stored outputs m_s, m_{s−1}, … and r_k = (λ_{s−k} − λ_s)/h:
 *   B(h) = hh (bh1) or e^{hh} − 1 (bh2);  g_1 = (e^{hh} − 1)/hh − 1, g_{i+1} = g_i/hh − 1/(i+1)!;
 *   b_i = i! g_i / B(h);  R_{ik} = r_k^{i−1} (k = 1..p, r_p = 1);
 *   base = (σ_t/σ_s) x_s − α_t (e^{hh} − 1) m_s;  D_k = (m_{s−k} − m_s)/r_k;
 *   UniP-p: x̃_t = base − α_t B(h) Σ_{k<p} a_k D_k with R[1..p−1, 1..p−1] a = b[1..p−1] (a = ½ if p = 2);
 *   UniC-p: x_t = base − α_t B(h) (Σ_{k<p} c_k D_k + c_p (m_t − m_s)) with R c = b (c = ½ if p = 1),
 *           m_t = x̂₀(x̃_t, t), which is then stored (no extra evaluation); the last step is not corrected.
 * Step j = 1..N has order min(j, order, N + 1 − j) (lower_order_final).
 */
export function uniPc(c: Coefficients, grid: ArrayLike<number>, x0: number, dir: Direction, o: UniPcOptions): number {
  const sigma = (t: number) => Math.sqrt(c.sigma2(t));
  const lambda = (t: number) => Math.log(c.alpha(t) / sigma(t));
  const N = grid.length - 1;
  const solve = (A: number[][], b: number[]): number[] => {
    // Cramer's rule for n ≤ 3 (an algorithm unlike the library's elimination).
    const det = (M: number[][]): number =>
      M.length === 1
        ? M[0]![0]!
        : M.length === 2
          ? M[0]![0]! * M[1]![1]! - M[0]![1]! * M[1]![0]!
          : M[0]![0]! * (M[1]![1]! * M[2]![2]! - M[1]![2]! * M[2]![1]!) -
            M[0]![1]! * (M[1]![0]! * M[2]![2]! - M[1]![2]! * M[2]![0]!) +
            M[0]![2]! * (M[1]![0]! * M[2]![1]! - M[1]![1]! * M[2]![0]!);
    const D = det(A);
    return b.map((_, k) => det(A.map((row, i) => row.map((v, j) => (j === k ? b[i]! : v)))) / D);
  };
  // One update s → t of order p: the predictor (model at t unknown) or the corrector.
  // ms[k], ts[k]: the model output stored k updates ago and its time (ms[0] at s = ts[0]).
  const update = (x: number, ms: number[], ts: number[], t: number, p: number, mt?: number): number => {
    const ls = ts.map(lambda);
    const h = lambda(t) - ls[0]!;
    const hh = -h;
    const B = o.variant === 'bh1' ? hh : Math.expm1(hh);
    const base = (sigma(t) / sigma(ts[0]!)) * x - c.alpha(t) * Math.expm1(hh) * ms[0]!;
    const r: number[] = [];
    const D: number[] = [];
    for (let k = 1; k < p; k++) {
      r.push((ls[k]! - ls[0]!) / h);
      D.push((ms[k]! - ms[0]!) / r[k - 1]!);
    }
    const rk = [...r, 1];
    const R: number[][] = [];
    const b: number[] = [];
    let g = Math.expm1(hh) / hh - 1;
    let fact = 1;
    for (let i = 1; i <= p; i++) {
      R.push(rk.map((v) => v ** (i - 1)));
      b.push((g * fact) / B);
      fact *= i + 1;
      g = g / hh - 1 / fact;
    }
    if (mt === undefined) {
      if (p === 1) return base;
      const a = p === 2 ? [0.5] : solve(R.slice(0, p - 1).map((row) => row.slice(0, p - 1)), b.slice(0, p - 1));
      return base - c.alpha(t) * B * a.reduce((acc, ak, k) => acc + ak * D[k]!, 0);
    }
    const cc = p === 1 ? [0.5] : solve(R, b);
    const sum = D.reduce((acc, dk, k) => acc + cc[k]! * dk, 0) + cc[p - 1]! * (mt - ms[0]!);
    return base - c.alpha(t) * B * sum;
  };
  let x = x0;
  const ms = [processDenoiser(c, grid[0]!, x0, dir.m, dir.lam)];
  const ts = [grid[0]!];
  for (let j = 1; j <= N; j++) {
    const t = grid[j]!;
    const p = Math.min(j, o.order, N + 1 - j);
    const mRecent = [...ms].reverse();
    const lRecent = [...ts].reverse();
    if (t === 0) {
      x = c.alpha(t) * mRecent[0]!;
      break;
    }
    const predicted = update(x, mRecent, lRecent, t, p);
    if (j === N) {
      x = predicted;
      break;
    }
    const mt = processDenoiser(c, t, predicted, dir.m, dir.lam);
    x = o.corrector ? update(x, mRecent, lRecent, t, p, mt) : predicted;
    ms.push(mt);
    ts.push(t);
  }
  return x;
}

/** The time where λ = log(α/σ) takes the value l (bisection on the monotone λ; 200 halvings). */
function timeOfLogSnr(c: Coefficients, l: number): number {
  const lam = (t: number) => Math.log(c.alpha(t) / Math.sqrt(c.sigma2(t)));
  let lo = 0;
  let hi = 1;
  while (lam(hi) > l) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 0; i++) {
    const mid = 0.5 * (lo + hi);
    if (mid === lo || mid === hi) break;
    if (lam(mid) > l) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * DPM-Solver-2 and -3, Lu et al. 2022, Algorithms 1 (r₁ = ½) and 2 (r₁ = ⅓, r₂ = ⅔), with the
 * noise prediction ε̂(x, t) = (x − α_t x̂₀(x, t))/σ_t and intermediate times s = t_λ(λ_{t_{i−1}} + r h).
 * A last step to t = 0 is the DDIM step x = α x̂₀ (k-diffusion's convention).
 */
export function dpmSolverSinglestep(c: Coefficients, grid: ArrayLike<number>, x0: number, dir: Direction, order: 2 | 3): number {
  const sigma = (t: number) => Math.sqrt(c.sigma2(t));
  const lambda = (t: number) => Math.log(c.alpha(t) / sigma(t));
  const eps = (t: number, x: number) => (x - c.alpha(t) * processDenoiser(c, t, x, dir.m, dir.lam)) / sigma(t);
  let x = x0;
  for (let i = 1; i < grid.length; i++) {
    const s = grid[i - 1]!;
    const t = grid[i]!;
    if (t === 0) {
      x = c.alpha(t) * processDenoiser(c, s, x, dir.m, dir.lam);
      continue;
    }
    const h = lambda(t) - lambda(s);
    const e0 = eps(s, x);
    if (order === 2) {
      const s1 = timeOfLogSnr(c, lambda(s) + h / 2);
      const u = (c.alpha(s1) / c.alpha(s)) * x - sigma(s1) * Math.expm1(h / 2) * e0;
      x = (c.alpha(t) / c.alpha(s)) * x - sigma(t) * Math.expm1(h) * eps(s1, u);
      continue;
    }
    const r1 = 1 / 3;
    const r2 = 2 / 3;
    const s1 = timeOfLogSnr(c, lambda(s) + r1 * h);
    const s2 = timeOfLogSnr(c, lambda(s) + r2 * h);
    const u1 = (c.alpha(s1) / c.alpha(s)) * x - sigma(s1) * Math.expm1(r1 * h) * e0;
    const D1 = eps(s1, u1) - e0;
    const u2 = (c.alpha(s2) / c.alpha(s)) * x - sigma(s2) * Math.expm1(r2 * h) * e0 - ((sigma(s2) * r2) / r1) * (Math.expm1(r2 * h) / (r2 * h) - 1) * D1;
    const D2 = eps(s2, u2) - e0;
    x = (c.alpha(t) / c.alpha(s)) * x - sigma(t) * Math.expm1(h) * e0 - (sigma(t) / r2) * (Math.expm1(h) / h - 1) * D2;
  }
  return x;
}

/**
 * DPM-Solver++(2S) (Lu et al. 2023, Algorithm 1, r = ½) to ς_down, then ancestral noise ς_up
 * (η, s_noise as in euler-ancestral), in the noise-level frame with t = −log ς:
 *   s = t + h/2, y₂ = (ς_s/ς) y − (e^{−h/2} − 1) D(y; ς), y′ = (ς_down/ς) y − (e^{−h} − 1) D(y₂; ς_s) + s_noise ς_up z.
 */
export function dpmSolverPp2SAncestral(c: Coefficients, grid: ArrayLike<number>, x0: number, dir: Direction, eta: number, sNoise: number, noise: NoiseAt): number {
  const vs = (t: number) => Math.sqrt(c.sigma2(t)) / c.alpha(t);
  const D = (v: number, y: number) => noiseLevelDenoiser(v, y, dir.m, dir.lam);
  let y = x0 / c.alpha(grid[0]!);
  for (let k = 0; k + 1 < grid.length; k++) {
    const s0 = vs(grid[k]!);
    const s1 = vs(grid[k + 1]!);
    const up = Math.min(s1, eta * Math.sqrt((s1 * s1 * (s0 * s0 - s1 * s1)) / (s0 * s0)));
    const down = Math.sqrt(s1 * s1 - up * up);
    if (down === 0) y = D(s0, y);
    else {
      const h = Math.log(s0) - Math.log(down);
      const mid = Math.exp(-(-Math.log(s0) + h / 2));
      const y2 = (mid / s0) * y - Math.expm1(-h / 2) * D(s0, y);
      y = (down / s0) * y - Math.expm1(-h) * D(mid, y2);
    }
    if (s1 > 0 && up > 0) y += sNoise * up * noise(k, 0);
  }
  return c.alpha(grid[grid.length - 1]!) * y;
}

/**
 * DPM-Solver++(2M) SDE (Lu et al. 2023; η scales the injected noise, k-diffusion's form) and its
 * third-order multistep sibling DPM-Solver++(3M) SDE, in the noise-level frame, h = log(ς/ς′):
 *  2M: y′ = (ς′/ς)e^{−ηh} y + (1 − e^{−(1+η)h}) D + ½(1 − e^{−(1+η)h})(D − D₋₁)/r, r = h₋₁/h;
 *  3M: y′ = e^{−H} y + (1 − e^{−H}) D + φ₂ d₁ − φ₃ d₂ (H = (1+η)h; with one earlier output + φ₂ δ₀)
 *      δ₀ = (D − D₋₁)/r₀, δ₁ = (D₋₁ − D₋₂)/r₁, d₁ = δ₀ + (δ₀ − δ₁) r₀/(r₀ + r₁), d₂ = (δ₀ − δ₁)/(r₀ + r₁),
 *      φ₂ = (e^{−H} − 1)/H + 1, φ₃ = φ₂/H − ½;
 *  both: + s_noise ς′ √(1 − e^{−2ηh}) z; a step to ς′ = 0 returns D.
 */
export function dpmSolverPpSde(c: Coefficients, grid: ArrayLike<number>, x0: number, dir: Direction, order: 2 | 3, eta: number, sNoise: number, noise: NoiseAt): number {
  const vs = (t: number) => Math.sqrt(c.sigma2(t)) / c.alpha(t);
  let y = x0 / c.alpha(grid[0]!);
  const past: { d: number; h: number }[] = []; // most recent first
  for (let k = 0; k + 1 < grid.length; k++) {
    const s0 = vs(grid[k]!);
    const s1 = vs(grid[k + 1]!);
    const d = noiseLevelDenoiser(s0, y, dir.m, dir.lam);
    if (s1 === 0) {
      y = d;
      continue;
    }
    const h = Math.log(s0 / s1);
    if (order === 2) {
      const g = -Math.expm1(-(1 + eta) * h);
      let next = (s1 / s0) * Math.exp(-eta * h) * y + g * d;
      if (past.length > 0) next += (0.5 * g * (d - past[0]!.d)) / (past[0]!.h / h);
      y = next;
    } else {
      const H = (1 + eta) * h;
      let next = Math.exp(-H) * y - Math.expm1(-H) * d;
      const phi2 = Math.expm1(-H) / H + 1;
      const phi3 = phi2 / H - 0.5;
      if (past.length >= 2) {
        const r0 = past[0]!.h / h;
        const r1 = past[1]!.h / h;
        const d0 = (d - past[0]!.d) / r0;
        const d1 = (past[0]!.d - past[1]!.d) / r1;
        next += phi2 * (d0 + ((d0 - d1) * r0) / (r0 + r1)) - phi3 * ((d0 - d1) / (r0 + r1));
      } else if (past.length === 1) next += phi2 * ((d - past[0]!.d) / (past[0]!.h / h));
      y = next;
    }
    y += sNoise * s1 * Math.sqrt(-Math.expm1(-2 * eta * h)) * noise(k, 0);
    past.unshift({ d, h });
  }
  return c.alpha(grid[grid.length - 1]!) * y;
}

/**
 * Linear multistep in ς on dy/dς = (y − D(y; ς))/ς (k-diffusion's sample_lms): y′ = y + Σ_j c_j d_{k−j},
 * c_j = ∫_{ς_k}^{ς_{k+1}} Π_{m≠j} (τ − ς_{k−m})/(ς_{k−j} − ς_{k−m}) dτ over the last min(k + 1, order)
 * points, integrated exactly by Simpson's rule (exact for cubics).
 */
export function linearMultistep(c: Coefficients, grid: ArrayLike<number>, x0: number, dir: Direction, order: number): number {
  const vs = (t: number) => Math.sqrt(c.sigma2(t)) / c.alpha(t);
  let y = x0 / c.alpha(grid[0]!);
  const ds: number[] = []; // most recent first
  for (let k = 0; k + 1 < grid.length; k++) {
    const s0 = vs(grid[k]!);
    const s1 = vs(grid[k + 1]!);
    ds.unshift((y - noiseLevelDenoiser(s0, y, dir.m, dir.lam)) / s0);
    const q = Math.min(k + 1, order);
    const nodes = Array.from({ length: q }, (_, j) => vs(grid[k - j]!));
    let step = 0;
    for (let j = 0; j < q; j++) {
      const basis = (tau: number) => nodes.reduce((acc, nm, m) => (m === j ? acc : (acc * (tau - nm)) / (nodes[j]! - nm)), 1);
      const cj = ((s1 - s0) / 6) * (basis(s0) + 4 * basis(0.5 * (s0 + s1)) + basis(s1));
      step += cj * ds[j]!;
    }
    y += step;
  }
  return c.alpha(grid[grid.length - 1]!) * y;
}

export interface AdaptiveOptions {
  order: 2 | 3;
  rtol: number;
  atol: number;
  hInit: number;
  pcoeff: number;
  icoeff: number;
  dcoeff: number;
  acceptSafety: number;
}

/**
 * Adaptive DPM-Solver (Lu et al. 2022, adaptive step size schedule; k-diffusion's dpm_solver_adaptive with
 * its PID controller) on n particles of dimension dirs.length, stepping λ = −log ς from ς(T) to
 * ς(t_end). Each attempt s → t computes the pair (DPM-Solver-1, -2) or (DPM-Solver-2 with r₁ = ⅓,
 * DPM-Solver-3) from shared evaluations, the error
 *   E = ‖(x_low − x_high)/max(atol, rtol max(|x_low|, |x_prev|))‖₂/√(n d),
 * and the controller factor f = 1 + atan(ε₀^{b₁} ε₁^{b₂} ε₂^{b₃} − 1) with ε = 1/(E + 10⁻⁸) of this and the
 * last accepted attempts, b₁ = (p + i + d)/q, b₂ = −(p + 2d)/q, b₃ = d/q (q = order): accept when
 * f ≥ acceptSafety (then x = x_high, x_prev = x_low), and h ← f h in any case.
 */
export function dpmAdaptive(
  c: Coefficients,
  T: number,
  tEnd: number,
  x0: Float64Array,
  dirs: Direction[],
  o: AdaptiveOptions,
): { x: Float64Array; grid: number[]; accepted: number; rejected: number; nfe: number } {
  const d = dirs.length;
  const n = x0.length / d;
  const sigma = (t: number) => Math.sqrt(c.sigma2(t));
  const vs = (t: number) => sigma(t) / c.alpha(t);
  // ς ↦ t for this process, by bisection on the increasing ς(t)
  const timeOf = (v: number) => {
    let lo = 0;
    let hi = 1;
    while (vs(hi) < v) hi *= 2;
    for (let i = 0; i < 200; i++) {
      const mid = 0.5 * (lo + hi);
      if (mid === lo || mid === hi) break;
      if (vs(mid) < v) lo = mid;
      else hi = mid;
    }
    return 0.5 * (lo + hi);
  };
  const eps = (t: number, x: number, j: number) => (x - c.alpha(t) * processDenoiser(c, t, x, dirs[j]!.m, dirs[j]!.lam)) / sigma(t);
  let x = Float64Array.from(x0);
  let prev = Float64Array.from(x0);
  const lEnd = -Math.log(vs(tEnd));
  let l = -Math.log(vs(T));
  let t = T;
  let h = o.hInit;
  const b1 = (o.pcoeff + o.icoeff + o.dcoeff) / o.order;
  const b2 = -(o.pcoeff + 2 * o.dcoeff) / o.order;
  const b3 = o.dcoeff / o.order;
  let errs: number[] | undefined;
  const grid = [T];
  let accepted = 0;
  let rejected = 0;
  let nfe = 0;
  while (l < lEnd - 1e-5) {
    const lNext = Math.min(lEnd, l + h);
    const tn = lNext >= lEnd ? tEnd : timeOf(Math.exp(-lNext));
    const hh = lNext - l;
    const low = new Float64Array(x.length);
    const high = new Float64Array(x.length);
    const ratio = c.alpha(tn) / c.alpha(t);
    for (let q = 0; q < x.length; q++) {
      const j = q % d;
      const e0 = eps(t, x[q]!, j);
      if (o.order === 2) {
        const s1 = timeOf(vs(t) * Math.exp(-hh / 2));
        const u = (c.alpha(s1) / c.alpha(t)) * x[q]! - sigma(s1) * Math.expm1(hh / 2) * e0;
        low[q] = ratio * x[q]! - sigma(tn) * Math.expm1(hh) * e0;
        high[q] = ratio * x[q]! - sigma(tn) * Math.expm1(hh) * eps(s1, u, j);
      } else {
        const r1 = 1 / 3;
        const r2 = 2 / 3;
        const s1 = timeOf(vs(t) * Math.exp(-r1 * hh));
        const s2 = timeOf(vs(t) * Math.exp(-r2 * hh));
        const u1 = (c.alpha(s1) / c.alpha(t)) * x[q]! - sigma(s1) * Math.expm1(r1 * hh) * e0;
        const D1 = eps(s1, u1, j) - e0;
        low[q] = ratio * x[q]! - sigma(tn) * Math.expm1(hh) * e0 - (sigma(tn) / (2 * r1)) * Math.expm1(hh) * D1;
        const u2 = (c.alpha(s2) / c.alpha(t)) * x[q]! - sigma(s2) * Math.expm1(r2 * hh) * e0 - ((sigma(s2) * r2) / r1) * (Math.expm1(r2 * hh) / (r2 * hh) - 1) * D1;
        const D2 = eps(s2, u2, j) - e0;
        high[q] = ratio * x[q]! - sigma(tn) * Math.expm1(hh) * e0 - (sigma(tn) / r2) * (Math.expm1(hh) / hh - 1) * D2;
      }
    }
    nfe += o.order;
    let sum = 0;
    for (let q = 0; q < x.length; q++) {
      const scale = Math.max(o.atol, o.rtol * Math.max(Math.abs(low[q]!), Math.abs(prev[q]!)));
      sum += ((low[q]! - high[q]!) / scale) ** 2;
    }
    const inv = 1 / (Math.sqrt(sum / (n * d)) + 1e-8);
    errs ??= [inv, inv, inv];
    errs[0] = inv;
    const factor = 1 + Math.atan(errs[0] ** b1 * errs[1]! ** b2 * errs[2]! ** b3 - 1);
    if (factor >= o.acceptSafety) {
      errs[2] = errs[1]!;
      errs[1] = errs[0];
      prev = low;
      x = high;
      l = lNext;
      t = tn;
      grid.push(t);
      accepted++;
    } else rejected++;
    h *= factor;
  }
  return { x, grid, accepted, rejected, nfe };
}
