// Runs a dw2 subcommand in-process and returns what it printed with console.log.
import { vi } from 'vitest';

export async function captureLog(run: (argv: string[]) => Promise<void>, argv: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await run(argv);
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}
