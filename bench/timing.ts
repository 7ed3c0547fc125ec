/** Wall-clock timing shared by the benchmarks: the median of `reps` runs, after `warmup` untimed ones. */
export function medianMs(fn: () => void, reps: number, warmup = 0): number {
  for (let k = 0; k < warmup; k++) fn();
  const t: number[] = [];
  for (let k = 0; k < reps; k++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}
