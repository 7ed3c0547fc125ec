/**
 * `npm run bench [name …]`: runs the side-by-side benchmarks. Every number printed is a
 * ratio against a baseline measured in the same run (plain JS, or numpy/scipy when present).
 */
const all: Record<string, () => Promise<{ main: () => Promise<void> }>> = {
  noise: () => import('./noise.js'),
  'path-noise': () => import('./path-noise.js'),
  'ot-prior': () => import('./ot-prior.js'),
  threads: () => import('./threads.js'),
  sampler: () => import('./sampler.js'),
  'local-linearization': () => import('./local-linearization.js'),
  gaussian: () => import('./gaussian.js'),
  'to-accuracy': () => import('./to-accuracy.js'),
  w2: () => import('./w2.js'),
  gpu: () => import('./gpu.js'),
  model: () => import('./model.js'),
  abort: () => import('./abort.js'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--')); // flags are read by the benchmarks
for (const name of wanted.length ? wanted : Object.keys(all)) {
  const load = all[name];
  if (!load) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(all).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n=== ${name} ===`);
  await (await load()).main();
}
