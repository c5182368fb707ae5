/*
 * Packages a test needs that are not devDependencies (optional integrations of an SDK under test):
 * installed once into a scratch folder under .cache/ (as scripts/test-versions.mjs does for other
 * majors), never into the repo's node_modules.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The directory of `pkg` (`name@exact-version`) installed in .cache/test-packages/<folder>, with the
 * `companions` it is used with (exact versions too) installed next to it.
 */
export function cachedPackage(folder: string, pkg: string, companions: readonly string[] = []): string {
  const name = pkg.slice(0, pkg.lastIndexOf('@'));
  const dir = resolve(__dirname, '../../.cache/test-packages', folder);
  const installed = join(dir, 'node_modules', name);
  if (!existsSync(join(installed, 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{"private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', pkg, ...companions], { cwd: dir, stdio: 'ignore', timeout: 240_000 });
  }
  return installed;
}
