/**
 * Progress on stderr for the command-line programs: a one-line bar on a terminal; plain lines
 * (percentage, rate, ETA) when stderr is a file or a pipe, so logs of long jobs show that work
 * goes on. Jobs shorter than a second print nothing. Hand-written (see the README's dependency
 * table): the library reports a fraction at most 20 times a second, which is all this needs.
 */
export interface ProgressBar {
  update: (fraction: number) => void;
  done: () => void;
}

export interface ProgressOptions {
  /** Seconds between plain lines (default 10; a line is also printed at every further 10 %). */
  interval?: number;
  /** Clock in ms (tests). */
  now?: () => number;
}

type Stream = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

const quiet = /^(0|false|off)$/i.test(process.env.DW2_PROGRESS ?? '');

/** "12 s", "3.4 min", "1.2 h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** "42% · 7.0 %/s · ETA 8.3 s" from the fraction done and the seconds elapsed. */
export function progressText(fraction: number, elapsed: number): string {
  const f = Math.min(1, Math.max(0, fraction));
  const rate = elapsed > 0 ? (100 * f) / elapsed : 0;
  const eta = f > 0 ? (elapsed * (1 - f)) / f : Infinity;
  return `${Math.floor(100 * f)}% · ${rate.toPrecision(2)} %/s · ETA ${formatDuration(eta)}`;
}

export function progressBar(label: string, stream: Stream = process.stderr, options: ProgressOptions = {}): ProgressBar | undefined {
  if (quiet) return undefined;
  const now = options.now ?? (() => performance.now());
  const start = now();
  const elapsed = () => (now() - start) / 1000;
  let printed = false;
  if (stream.isTTY) {
    const width = 30;
    let last = '';
    return {
      update: (fraction: number) => {
        if (elapsed() < 0.25) return;
        const f = Math.min(1, Math.max(0, fraction));
        const filled = Math.round(f * width);
        const line = `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${progressText(f, elapsed())}`;
        if (line === last) return;
        last = line;
        printed = true;
        stream.write(`${line}\x1b[K`);
      },
      done: () => {
        if (printed) stream.write('\r\x1b[K');
      },
    };
  }
  const interval = options.interval ?? 10;
  let lastTime = 0;
  let lastDecile = 0;
  return {
    update: (fraction: number) => {
      const t = elapsed();
      const decile = Math.floor(10 * Math.min(1, Math.max(0, fraction)));
      if (t < 1 || t - lastTime < 1) return;
      if (decile <= lastDecile && t - lastTime < interval) return;
      lastTime = t;
      lastDecile = Math.max(lastDecile, decile);
      printed = true;
      stream.write(`${label}: ${progressText(fraction, t)}\n`);
    },
    done: () => {
      if (printed) stream.write(`${label}: done in ${formatDuration(elapsed())}\n`);
    },
  };
}
