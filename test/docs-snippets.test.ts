/**
 * Every code block in README.md, docs/*.md and the examples' README.md files is checked against the built package (dist/, as
 * `npm test` builds it first). Conventions (the words after the language in the opening fence):
 *   ```ts / ```js            a complete program: type-checked (strict) and run with node; it must
 *                            finish in a few seconds and must not need files it does not write itself
 *   ```ts check-only         type-checked, not run (needs data such as CIFAR-10 eigenvalues, or is slow)
 *   ```ts continues          appended to the previous ts block of the same page (one program)
 *   ```ts reference          a listing of signatures: each `function NAME` must be exported
 *   ```sh                    parsed with bash -n; each `dw2 CMD` line may use only that command's flags,
 *                            each `npm run X` only scripts package.json defines
 *   ```json / ```text / ``` other content (JSON is parsed when it is a whole document)
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltDist } from './helpers/built-dist.js';
import * as api from '../lib/index.js';

const root = resolve(import.meta.dirname, '..');
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  'examples/README.md',
  ...readdirSync(join(root, 'examples')).filter((d) => existsSync(join(root, 'examples', d, 'README.md'))).map((d) => `examples/${d}/README.md`),
];

interface Block {
  page: string;
  line: number;
  lang: string;
  flags: string[];
  code: string;
}

function blocks(page: string): Block[] {
  const lines = readFileSync(join(root, page), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    out.push({ page, line: start + 1, lang: open[1]!, flags: open[2]!.split(/\s+/).filter(Boolean), code: body.join('\n') });
  }
  return out;
}

const all = pages.flatMap(blocks);
const label = (b: Block) => `${b.page}:${b.line}`;

/** ts/js programs: consecutive `continues` blocks are joined into the block they continue. */
function programs(): { name: string; code: string; run: boolean; lang: string }[] {
  const out: { name: string; code: string; run: boolean; lang: string; page: string }[] = [];
  for (const b of all.filter((b) => (b.lang === 'ts' || b.lang === 'js') && !b.flags.includes('reference'))) {
    const previous = out.at(-1);
    if (b.flags.includes('continues')) {
      if (!previous || previous.page !== b.page) throw new Error(`${label(b)}: 'continues' without a previous ts block on the page`);
      previous.code += `\n// ${label(b)}\n${b.code}`;
      previous.run &&= !b.flags.includes('check-only');
      continue;
    }
    const name = `${b.page.replace(/[/.]/g, '_')}_${b.line}`;
    out.push({ name, code: `// ${label(b)}\n${b.code}`, run: !b.flags.includes('check-only'), lang: b.lang, page: b.page });
  }
  return out;
}

describe('documentation snippets', () => {
  beforeAll(ensureBuiltDist, 120_000);
  const snippetDir = join(root, '.docs-snippets');

  it('every ts/js snippet type-checks against the package and every runnable one runs', async () => {
    const progs = programs();
    expect(progs.length).toBeGreaterThan(10);
    rmSync(snippetDir, { recursive: true, force: true });
    mkdirSync(snippetDir, { recursive: true });
    // Inside the package folder, so `import … from 'diffusion-w2'` resolves through the package's own exports.
    const files = progs.map((p) => {
      const file = join(snippetDir, `${p.name}.${p.lang === 'js' ? 'mjs' : 'mts'}`);
      writeFileSync(file, `${p.code}\nexport {};\n`);
      return file;
    });
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      allowJs: true,
      checkJs: true,
      skipLibCheck: true,
      types: ['node'],
      outDir: join(snippetDir, 'out'),
      rootDir: snippetDir,
    });
    const emit = program.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emit.diagnostics].map((d) => {
      const where = d.file ? `${d.file.fileName.replace(`${snippetDir}/`, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(diagnostics).toEqual([]);

    const run = promisify(execFile);
    const failures: string[] = [];
    const runnable = progs.filter((p) => p.run);
    // Two at a time (CI has 2 cores); each in a fresh folder, so files it writes stay apart.
    for (let k = 0; k < runnable.length; k += 2) {
      await Promise.all(
        runnable.slice(k, k + 2).map(async (p) => {
          const cwd = mkdtempSync(join(tmpdir(), 'dw2-snippet-'));
          const js = join(snippetDir, 'out', `${p.name}.mjs`);
          try {
            await run(process.execPath, [js], { cwd, timeout: 60_000, env: { ...process.env, DW2_PROGRESS: '0' } });
          } catch (e) {
            failures.push(`${p.code.split('\n')[0]}: ${(e as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' | ') ?? String(e)}`);
          } finally {
            rmSync(cwd, { recursive: true, force: true });
          }
        }),
      );
    }
    expect(failures).toEqual([]);
    if (!process.env.DW2_KEEP_SNIPPETS) rmSync(snippetDir, { recursive: true, force: true });
  }, 180_000);

  it('every function in a reference listing is exported by the package', () => {
    const listed = all
      .filter((b) => b.flags.includes('reference'))
      .flatMap((b) => [...b.code.matchAll(/^\s*function (\w+)/gm)].map((m) => ({ name: m[1]!, where: label(b) })));
    expect(listed.length).toBeGreaterThan(3);
    expect(listed.filter((f) => typeof (api as Record<string, unknown>)[f.name] !== 'function')).toEqual([]);
  });

  it('every sh snippet parses; dw2 lines use real commands and flags; npm run lines real scripts', () => {
    const sh = all.filter((b) => b.lang === 'sh' || b.lang === 'bash');
    expect(sh.length).toBeGreaterThan(3);
    const usage = new Map<string, string>();
    const help = (cmd: string) => {
      if (!usage.has(cmd))
        usage.set(cmd, execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), cmd, '--help'], { encoding: 'utf8' }));
      return usage.get(cmd)!;
    };
    const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    const problems: string[] = [];
    for (const b of sh) {
      try {
        execFileSync('bash', ['-n'], { input: b.code, stdio: ['pipe', 'ignore', 'pipe'] });
      } catch (e) {
        problems.push(`${label(b)}: bash -n: ${String((e as { stderr?: Buffer }).stderr)}`);
      }
      const commands = b.code.replace(/\\\n/g, ' ').split(/\n|&&|;|\|/).map((s) => s.replace(/#.*$/, '').trim());
      for (const c of commands) {
        const dw2 = /^(?:\S+=\S+\s+)*dw2\s+(\S+)(.*)$/.exec(c);
        if (dw2) {
          const [, cmd, rest] = dw2 as unknown as [string, string, string];
          if (cmd.startsWith('-')) continue;
          const text = help(cmd);
          if (!text.startsWith(`dw2 ${cmd}`)) problems.push(`${label(b)}: dw2 ${cmd} is not a command`);
          for (const flag of rest.match(/--[\w-]+/g) ?? []) if (!new RegExp(`${flag}\\b`).test(text)) problems.push(`${label(b)}: dw2 ${cmd} has no ${flag}`);
        }
        const npm = /^(?:\S+=\S+\s+)*npm run\s+([\w:-]+)/.exec(c);
        if (npm && !scripts.includes(npm[1]!)) problems.push(`${label(b)}: no npm script ${npm[1]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every json snippet that is a document (or one per line) parses', () => {
    const json = all.filter((b) => b.lang === 'json' && b.code.trim().startsWith('{'));
    const parses = (s: string) => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    };
    // A document, or one document per line (target-file examples).
    const bad = json.filter((b) => !parses(b.code) && !b.code.split('\n').filter((l) => l.trim()).every(parses));
    expect(bad.map(label)).toEqual([]);
  });
});
