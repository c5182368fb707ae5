/*
 * ARCHITECTURE.md stays true: every file and function its call path names exists (the function is
 * declared in that file), and its folder table names every folder under src/ and src/providers/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const doc = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');

/** The rows of the markdown table under `heading` (cells, without the header and separator rows). */
function tableRows(heading: string): string[][] {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`ARCHITECTURE.md has no section "${heading}"`);
  const rows = section.split('\n').filter((line) => line.startsWith('|'));
  return rows.slice(2).map((row) => row.split('|').slice(1, -1).map((cell) => cell.trim()));
}

const backticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** Whether `source` declares `name` (function, class, const, or a method / property of a class). */
function declares(source: string, name: string): boolean {
  const escaped = name.replace(/[$]/g, '\\$');
  return new RegExp(`(?:function\\*?|class|const|let|interface|type)\\s+${escaped}\\b|^\\s+(?:(?:private|protected|public|static|override|readonly|async)\\s+)*${escaped}\\s*[(<:=]`, 'm').test(source);
}

describe('ARCHITECTURE.md', () => {
  test('the call path has five steps, each naming a file that exists and the functions it declares', () => {
    const rows = tableRows('The path of one call');
    expect(rows.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5']);
    const missing: string[] = [];
    for (const [step, fileCell, what] of rows) {
      const file = backticked(fileCell!)[0]!;
      if (!existsSync(join(ROOT, file))) {
        missing.push(`step ${step}: no file ${file}`);
        continue;
      }
      const source = readFileSync(join(ROOT, file), 'utf8');
      // The first backticked identifier of the description is what the step runs in that file.
      const runs = backticked(what!).find((name) => /^[A-Za-z_$][\w$]*$/.test(name))!;
      if (!declares(source, runs)) missing.push(`step ${step}: ${file} declares no ${runs}`);
    }
    expect(missing).toEqual([]);
  });

  test('every file the document names in backticks under src/ or test/ exists', () => {
    const named = [...new Set([...doc.matchAll(/`((?:src|test)\/[\w./*-]+)`/g)].map((m) => m[1]!))].filter((p) => !p.includes('*') && !p.includes('<'));
    expect(named.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  test('the folder table names every folder of src/ and of src/providers/', () => {
    const listed = new Set(tableRows('Where each concern lives').flatMap((r) => backticked(r[0]!)));
    const folders = (dir: string) =>
      readdirSync(join(ROOT, dir), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${dir}/${e.name}/`);
    const providers = folders('src/providers').filter((f) => !listed.has(f));
    // Provider folders are covered by the `src/providers/<sdk>/` row; shared folders must be listed by name.
    const sharedUnlisted = providers.filter((f) => !existsSync(join(ROOT, f, 'instrumentation.ts')));
    const srcUnlisted = folders('src').filter((f) => ![...listed].some((entry) => entry.startsWith(f)));
    expect({ src: srcUnlisted, sharedProviderFolders: sharedUnlisted }).toEqual({ src: [], sharedProviderFolders: [] });
  });
});
