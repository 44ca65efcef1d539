/** Atomic file writes: write a sibling temp file, fsync, rename — a crash never leaves half a file. */
import { closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { makeDirectory } from "./make-dir.js";
import { dirname, basename, join } from "node:path";

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  makeDirectory(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/**
 * Writes a new file atomically and never replaces one: the data goes to a sibling temp file, which is
 * then hard-linked to `path` — `link` fails with EEXIST when `path` exists, so two writers racing for
 * one name cannot overwrite each other, and a crash leaves at most the temp file, never half of `path`.
 */
export function writeFileExclusive(path: string, data: string | Uint8Array): void {
  makeDirectory(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(tmp, "wx");
    try {
      writeSync(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** {@link writeFileExclusive} of pretty-printed JSON. */
export function writeJsonExclusive(path: string, value: unknown): void {
  writeFileExclusive(path, JSON.stringify(value, null, 2) + "\n");
}
