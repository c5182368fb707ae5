/*
 * The spool's place on disk, shared by every process of one service:
 *
 *   <root>/                        owner-only (0700); refused if another user owns it
 *     <instance>/                  one per running process, created whole (owner.json inside) by a rename
 *       owner.json                 { pid, host }; its mtime is the heartbeat; removed at exit ("released")
 *       <time>-<seq>.<signal>      spooled batches (./batch-file.ts), owner-only (0600), written whole by a rename
 *       adopted-<instance>/        the directory of a process that is gone, taken over by this one
 *
 * A process only ever sends the files under its own instance directory, so two processes never send the
 * same file: leftovers of a process that is gone are first moved under the adopter's directory by one
 * atomic rename, which only one adopter can win. A process is gone when its directory was released, its
 * heartbeat is older than STALE_AFTER_MS, or it ran on this host and its pid is no longer alive.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Signal } from './batch-file';

export const HEARTBEAT_MS = 10_000;
export const STALE_AFTER_MS = 30_000;
const OWNER_FILE = 'owner.json';
const ADOPTED_PREFIX = 'adopted-';
const TEMP_PREFIX = '.tmp-';
const BATCH_NAME = /^[0-9a-z]{9}-[0-9a-z]{5}\.(traces|logs)$/;
/**
 * Instance directories in use by this process (several exports may share a root): never orphans. Kept on
 * the global object, so that every copy of this package loaded in the process sees the same set.
 */
const openHere = ((globalThis as { [key: symbol]: unknown })[Symbol.for('opentelemetry-instrumentation-genai.spool.open-dirs')] ??=
  new Set<string>()) as Set<string>;

/** A spooled batch file, as listed: its name orders batches by the time they were written. */
export interface SpooledFile {
  path: string;
  name: string;
  signal: Signal;
  bytes: number;
}

export class SpoolDirectory {
  private instanceDir: string;
  private sequence = 0;
  private released = false;

  private constructor(
    readonly root: string,
    private readonly host: string,
  ) {
    this.instanceDir = this.createInstanceDir();
  }

  /** Opens (creating it owner-only if needed) the spool root; throws an Error that says what is wrong. */
  static open(root: string): SpoolDirectory {
    try {
      fs.mkdirSync(root, { recursive: true, mode: 0o700 });
    } catch (error) {
      // EEXIST: the path is there but is not a directory; the check below says so.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const stat = fs.statSync(root);
    if (!stat.isDirectory()) throw new Error(`${root} is not a directory`);
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
      throw new Error(`${root} belongs to another user (uid ${stat.uid}); spooled telemetry would be readable by them`);
    }
    if ((stat.mode & 0o077) !== 0) fs.chmodSync(root, 0o700);
    return new SpoolDirectory(root, hostname());
  }

  get directory(): string {
    return this.instanceDir;
  }

  /**
   * Writes one batch file from its parts (header, payload), whole or not at all (a temp file renamed into
   * place): a crash mid-write leaves only a temp file, which nobody sends. Synchronous, so it can run in a
   * process 'exit' handler.
   */
  writeBatch(signal: Signal, data: readonly Uint8Array[]): SpooledFile {
    const name = `${pad(Date.now(), 9)}-${pad(this.sequence++ % 36 ** 5, 5)}.${signal}`;
    try {
      return this.writeInto(this.instanceDir, name, signal, data);
    } catch (error) {
      // Our directory was taken over (we were stopped longer than the heartbeat allows): start a new one.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || this.released) throw error;
      this.instanceDir = this.createInstanceDir();
      return this.writeInto(this.instanceDir, name, signal, data);
    }
  }

  /** Every batch file this process may send (its own and adopted ones), oldest first. */
  listOwnFiles(): SpooledFile[] {
    const files: SpooledFile[] = [];
    collectBatchFiles(this.instanceDir, files);
    return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Moves the directories of processes that are gone under ours; returns the batch files that came with
   * them, and how many torn writes (temp files of a process killed mid-write) were found and removed.
   */
  adoptOrphans(now = Date.now()): { files: SpooledFile[]; tornWrites: number } {
    const adopted: SpooledFile[] = [];
    let tornWrites = 0;
    for (const entry of readDirSafe(this.root)) {
      if (!entry.isDirectory()) continue;
      const dir = join(this.root, entry.name);
      if (entry.name.startsWith(TEMP_PREFIX)) {
        if (olderThan(dir, STALE_AFTER_MS, now)) fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      if (dir === this.instanceDir || !this.isOrphan(dir, now)) continue;
      const target = join(this.instanceDir, `${ADOPTED_PREFIX}${entry.name}`);
      try {
        fs.renameSync(dir, target);
      } catch {
        continue; // another process adopted it first, or it went away
      }
      fs.rmSync(join(target, OWNER_FILE), { force: true });
      collectBatchFiles(target, adopted, (torn) => {
        tornWrites++;
        fs.rmSync(torn, { force: true });
      });
    }
    return { files: adopted, tornWrites };
  }

  /** Marks this process alive for the others (the owner file's mtime). */
  heartbeat(): void {
    const now = new Date();
    fs.utimes(join(this.instanceDir, OWNER_FILE), now, now, () => undefined);
  }

  removeFile(path: string): void {
    fs.rmSync(path, { force: true });
  }

  /**
   * At exit: lets the next process adopt what is left at once (no heartbeat wait), or removes the
   * directory when nothing is left. Synchronous.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    openHere.delete(this.instanceDir);
    if (this.listOwnFiles().length === 0) {
      fs.rmSync(this.instanceDir, { recursive: true, force: true });
    } else {
      fs.rmSync(join(this.instanceDir, OWNER_FILE), { force: true });
      removeEmptyAdoptedDirs(this.instanceDir);
    }
  }

  /** Removes adopted directories whose files have all been sent. */
  tidy(): void {
    removeEmptyAdoptedDirs(this.instanceDir);
  }

  private createInstanceDir(): string {
    const id = `${pad(Date.now(), 9)}-${randomBytes(4).toString('hex')}`;
    const temp = join(this.root, `${TEMP_PREFIX}${id}`);
    fs.mkdirSync(temp, { mode: 0o700 });
    fs.writeFileSync(join(temp, OWNER_FILE), JSON.stringify({ pid: process.pid, host: this.host }), { mode: 0o600 });
    const dir = join(this.root, id);
    fs.renameSync(temp, dir);
    openHere.add(dir);
    return dir;
  }

  private writeInto(dir: string, name: string, signal: Signal, data: readonly Uint8Array[]): SpooledFile {
    const path = join(dir, name);
    const temp = join(dir, `.${name}.tmp`);
    const fd = fs.openSync(temp, 'w', 0o600);
    let bytes = 0;
    try {
      // One write of the parts as they are (no copy into one buffer); writev may write less than asked.
      let parts = data.filter((p) => p.byteLength > 0);
      while (parts.length > 0) {
        let written = fs.writevSync(fd, parts as Uint8Array[]);
        bytes += written;
        while (parts.length > 0 && written >= parts[0]!.byteLength) written -= parts.shift()!.byteLength;
        if (written > 0) parts = [parts[0]!.subarray(written), ...parts.slice(1)];
      }
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path);
    return { path, name, signal, bytes };
  }

  private isOrphan(dir: string, now: number): boolean {
    const ownerPath = join(dir, OWNER_FILE);
    let owner: { pid?: unknown; host?: unknown };
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(ownerPath).mtimeMs;
      owner = JSON.parse(fs.readFileSync(ownerPath, 'utf8')) as typeof owner;
    } catch {
      return true; // released at exit (or never complete)
    }
    if (now - mtimeMs > STALE_AFTER_MS) return true;
    if (owner.host !== this.host || typeof owner.pid !== 'number') return false;
    // Our own pid in another directory is a previous process (a container restart reuses pid numbers),
    // unless another spool of this very process has it open.
    if (owner.pid === process.pid) return !openHere.has(dir);
    return !processAlive(owner.pid);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function collectBatchFiles(dir: string, out: SpooledFile[], onTornWrite?: (path: string) => void): void {
  for (const entry of readDirSafe(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name.startsWith(ADOPTED_PREFIX)) {
      collectBatchFiles(path, out, onTornWrite);
      continue;
    }
    if (onTornWrite && entry.isFile() && entry.name.endsWith('.tmp')) {
      onTornWrite(path);
      continue;
    }
    const match = entry.isFile() ? BATCH_NAME.exec(entry.name) : null;
    if (!match) continue;
    try {
      out.push({ path, name: entry.name, signal: match[1] as Signal, bytes: fs.statSync(path).size });
    } catch {
      // removed meanwhile
    }
  }
}

function removeEmptyAdoptedDirs(dir: string): void {
  for (const entry of readDirSafe(dir)) {
    if (!entry.isDirectory() || !entry.name.startsWith(ADOPTED_PREFIX)) continue;
    const path = join(dir, entry.name);
    removeEmptyAdoptedDirs(path);
    const left = readDirSafe(path).filter((e) => !e.name.endsWith('.tmp'));
    if (left.length === 0) fs.rmSync(path, { recursive: true, force: true });
  }
}

function readDirSafe(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function olderThan(path: string, ms: number, now: number): boolean {
  try {
    return now - fs.statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

function pad(n: number, width: number): string {
  return n.toString(36).padStart(width, '0');
}
