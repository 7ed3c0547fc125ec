/**
 * SamplerName is generated from the native catalogue's rows (scripts/gen-sampler-names.mjs): the
 * committed lib/sampler-names.ts must be what the generator writes now, and its names must be the
 * schemes the built addon reports, in the same order.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs build script without type declarations
import { catalogNames, outputPath, samplerNamesModule } from '../scripts/gen-sampler-names.mjs';
import { samplerNames } from '../lib/sampler-names.js';
import { schemes } from '../lib/index.js';

describe('sampler names come from the native catalogue', () => {
  it('lib/sampler-names.ts is the generator output for scheme_catalog.cc', () => {
    expect(readFileSync(outputPath, 'utf8')).toBe(samplerNamesModule());
  });
  it('they are the names the addon lists, in its order', () => {
    expect([...samplerNames]).toEqual(schemes().map((s) => s.name));
    expect(catalogNames()).toEqual(schemes().map((s) => s.name));
  });
  it('the generator reads rows only (a row added to a catalogue text appears; comments do not)', () => {
    const text = '// {"not-a-row", x}\nconst SchemeInfo kSchemes[] = {\n    {"a-1", plans::a, 1, 1.0, kOde},\n    {"b", nullptr, 1, 2.0, kSde},\n};\n';
    expect(catalogNames(text)).toEqual(['a-1', 'b']);
  });
});
