/**
 * Maps a request URL onto a file under static_path without ever leaving it.
 *
 * The path is percent-decoded once, NUL bytes and backslashes are refused, and the normalised result must stay
 * inside the root; symlinks are checked by the caller with realpath.
 */
import { posix, resolve, sep } from 'node:path';

/** Absolute file path for `url` under `root`, or undefined if the URL tries to escape or is malformed. */
export function resolveStaticPath(root: string, url: string): string | undefined {
  const queryStart = url.search(/[?#]/);
  const rawPath = queryStart === -1 ? url : url.slice(0, queryStart);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  // Refuse rather than clamp: a URL with '..' segments is a probe, not a link anyone published.
  if (decoded.split('/').includes('..')) return undefined;
  const normalised = posix.normalize(`/${decoded}`);
  const absoluteRoot = resolve(root);
  const candidate = resolve(absoluteRoot, `.${normalised}`);
  if (candidate !== absoluteRoot && !candidate.startsWith(absoluteRoot + sep)) return undefined;
  return candidate;
}

/** True when `realFile` (after symlink resolution) is still under `realRoot`. */
export function isInside(realRoot: string, realFile: string): boolean {
  return realFile === realRoot || realFile.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
}
