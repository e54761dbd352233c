/**
 * Every `src/…` and `test/…` path that README.md and docs/*.md name exists: a moved or removed file
 * leaves no stale path in the docs. A `*` (or a `<placeholder>`) in a path stands for any name, and
 * such a path must still match some file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    return entry.isDirectory() ? [`${path}/`, ...filesUnder(path)] : [path];
  });
}

/** The paths a Markdown text names: src/… or test/… up to the first character a path does not hold. */
function pathsIn(text: string): string[] {
  const found = [...text.matchAll(/(?<![\w./-])((?:src|test)\/[\w./*<>{}-]*)/g)].map((m) => (m[1] ?? '').replace(/[.,:;]+$/, ''));
  return [...new Set(found)];
}

/** Whether `path` names a file or folder of `tree` (`*` and `<…>` match any run of a name's characters). */
function named(path: string, tree: readonly string[]): boolean {
  if (!/[*<]/.test(path)) return existsSync(join(root, path));
  const pattern = path
    .split(/(\*+|<[^>]*>)/)
    .map((part, i) => (i % 2 === 1 ? (part === '**' ? '.*' : '[^/]*') : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${pattern}/?$`);
  return tree.some((file) => re.test(file));
}

const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const tree = [...filesUnder('src'), ...filesUnder('test')];

describe('paths in the docs', () => {
  it('finds the paths a text names, and tells a named file from a missing one', () => {
    expect(pathsIn('see `src/notify/plan.ts`, then src/state/ and test/support/world.ts.')).toEqual([
      'src/notify/plan.ts',
      'src/state/',
      'test/support/world.ts',
    ]);
    expect(pathsIn('the renderers (`src/notify/render-*.ts`) and mysrc/x.ts')).toEqual(['src/notify/render-*.ts']);
    expect(named('src/notify/plan.ts', tree)).toBe(true);
    expect(named('src/pipeline.ts', tree)).toBe(false);
    expect(named('src/notify/render-*.ts', tree)).toBe(true);
    expect(named('src/notify/nothing-*.ts', tree)).toBe(false);
    expect(named('test/integration/<file>', tree)).toBe(true);
  });

  it.each(docs)('%s names only paths that exist', (doc) => {
    const missing = pathsIn(readFileSync(join(root, doc), 'utf8')).filter((path) => !named(path, tree));
    expect(missing, `${relative(root, join(root, doc))} names paths that do not exist`).toEqual([]);
  });
});
