/*
 * Several processes of one service start at once over a spool full of leftovers: each adopts what it can
 * (src/spool/spool-directory.ts), and the rename that moves an orphan directory under the adopter's must
 * let exactly one of them win, so that no batch is sent twice and none is left behind. Real child
 * processes running the BUILT module, released together so that they really race.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBatch } from '../../src/spool/batch-file';
import { ROOT, useBuiltPackage } from '../helpers/child-app';

const BUILT_MODULE = join(ROOT, 'dist', 'cjs', 'spool', 'spool-directory.js');
const ORPHANS = 300;

// Opens the root, says it is ready, waits for "go", adopts, prints what it got, and stays alive until its
// stdin closes: a child that exited early would look like a dead owner, and the others would adopt it.
const CHILD = `
const { SpoolDirectory } = require(${JSON.stringify(BUILT_MODULE)});
const dir = SpoolDirectory.open(process.env.SPOOL_ROOT);
process.stdout.write('ready\\n');
process.stdin.once('data', () => {
  const { files, tornWrites } = dir.adoptOrphans();
  process.stdout.write(JSON.stringify({ instance: dir.directory, tornWrites, paths: files.map((f) => f.path) }) + '\\n');
  process.stdin.resume();
});
`;

interface ChildResult {
  instance: string;
  tornWrites: number;
  paths: string[];
}

function batchName(i: number): string {
  return `${(1_000_000 + i).toString(36).padStart(9, '0')}-${i.toString(36).padStart(5, '0')}.traces`;
}

/** Orphan instance directories (released: no owner.json), one batch file each; their batch file names. */
function makeOrphans(root: string): string[] {
  fs.mkdirSync(root, { mode: 0o700 });
  const names: string[] = [];
  for (let i = 0; i < ORPHANS; i++) {
    const dir = join(root, `orphan-${i}`);
    fs.mkdirSync(dir);
    fs.writeFileSync(join(dir, batchName(i)), encodeBatch({ signal: 'traces', encoding: 'protobuf', items: 1 }, Buffer.from([i & 0xff])));
    names.push(batchName(i));
  }
  return names;
}

/** Batch files anywhere under `dir`. */
function batchFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.traces'))
    .map((e) => join(e.parentPath, e.name));
}

async function race(root: string, processes: number): Promise<ChildResult[]> {
  const children: ChildProcessWithoutNullStreams[] = [];
  try {
    const outputs = Array.from({ length: processes }, () => {
      const child = spawn(process.execPath, ['-e', CHILD], { env: { ...process.env, SPOOL_ROOT: root, NODE_OPTIONS: '' } });
      children.push(child);
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const lines: Array<(line: string) => void> = [];
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        let nl: number;
        while ((nl = stdout.indexOf('\n')) >= 0) {
          const line = stdout.slice(0, nl);
          stdout = stdout.slice(nl + 1);
          lines.shift()?.(line);
        }
      });
      const nextLine = () =>
        new Promise<string>((resolve, reject) => {
          lines.push(resolve);
          child.once('exit', (code) => reject(new Error(`child exited (${code}) early\n${stderr}`)));
        });
      return { child, ready: nextLine(), result: undefined as Promise<string> | undefined, nextLine };
    });
    await Promise.all(outputs.map((o) => o.ready));
    // Every child is up and has made its own instance directory: release them at once.
    for (const o of outputs) o.result = o.nextLine();
    for (const o of outputs) o.child.stdin.write('go\n');
    return (await Promise.all(outputs.map((o) => o.result!))).map((line) => JSON.parse(line) as ChildResult);
  } finally {
    for (const child of children) {
      child.stdin.end();
      // Closing stdin ends them; a kill backs it up should one hang.
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }
    await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  }
}

describe('adoption race between processes', () => {
  useBuiltPackage();
  let temp: string;
  beforeAll(() => {
    if (!fs.existsSync(BUILT_MODULE)) throw new Error(`${BUILT_MODULE} is missing: run \`npm run build\` first (\`npm test\` does).`);
    temp = fs.mkdtempSync(join(tmpdir(), 'spool-race-test-'));
  });
  afterAll(() => fs.rmSync(temp, { recursive: true, force: true }));

  it.each([2, 3, 4])('%i processes: every batch file is adopted by exactly one of them', async (processes) => {
    const root = join(temp, `spool-${processes}`);
    const names = makeOrphans(root);
    const results = await race(root, processes);

    const adopted = results.flatMap((r) => r.paths);
    const byName = new Map<string, number>();
    for (const path of adopted) byName.set(path.slice(path.lastIndexOf('/') + 1), (byName.get(path.slice(path.lastIndexOf('/') + 1)) ?? 0) + 1);
    // The union is everything, and nothing was taken twice.
    expect([...byName.keys()].sort()).toEqual([...names].sort());
    expect([...byName.values()].filter((n) => n !== 1)).toEqual([]);
    expect(adopted).toHaveLength(ORPHANS);
    expect(results.map((r) => r.tornWrites)).toEqual(results.map(() => 0));

    // On disk too: every file is where its adopter said, under its adopter's instance directory.
    for (const r of results) for (const path of r.paths) expect(path.startsWith(`${r.instance}/adopted-orphan-`)).toBe(true);
    expect(batchFilesUnder(root).sort()).toEqual([...adopted].sort());
    // No orphan directory is left at the root: only the children's instance directories.
    expect(fs.readdirSync(root).sort()).toEqual(results.map((r) => r.instance.slice(root.length + 1)).sort());
  });
});
