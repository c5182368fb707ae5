/*
 * The layout ARCHITECTURE.md describes, checked against the source.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const PROVIDERS = join(ROOT, 'src', 'providers');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.[cm]?ts$/.test(entry.name) ? [path] : [];
  });
}

describe('provider folders', () => {
  // Translations of wire formats no provider owns: every provider may use them.
  const SHARED = new Set(['stainless', 'openai-shaped', 'anthropic-shaped']);

  /** The provider folder (`src/providers/<name>/`) a path lies in, or undefined outside one. */
  function providerFolderOf(path: string): string | undefined {
    const parts = relative(PROVIDERS, path).split(sep);
    return parts.length > 1 && parts[0] !== '..' ? parts[0] : undefined;
  }

  /** Every module a file imports, re-exports, requires or imports dynamically, resolved when relative. */
  function importsOf(file: string): string[] {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return importedFiles.map(({ fileName }) => (fileName.startsWith('.') ? resolve(dirname(file), fileName) : fileName));
  }

  it('no file under src/providers/<p>/ imports from another provider folder (shared folders excepted)', () => {
    const crossings: string[] = [];
    for (const file of sourceFiles(PROVIDERS)) {
      const own = providerFolderOf(file);
      for (const target of importsOf(file)) {
        const other = providerFolderOf(target);
        if (other && other !== own && !SHARED.has(other)) crossings.push(`${relative(ROOT, file)} → ${relative(ROOT, target)}`);
      }
    }
    expect(crossings).toEqual([]);
  });
});
