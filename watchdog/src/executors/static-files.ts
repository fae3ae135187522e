/**
 * Mapping request URLs onto files under static_path: safe path resolution and content types.
 *
 * The path is percent-decoded once; NUL bytes, backslashes and '..' segments are refused, and the result must stay
 * inside the root. Symlinks are checked by the caller with realpath and isInside.
 */
import { posix, resolve, sep } from 'node:path';

/** File extension → Content-Type; unknown extensions are served as application/octet-stream. */
const CONTENT_TYPES: ReadonlyMap<string, string> = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.htm', 'text/html; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.mjs', 'text/javascript; charset=utf-8'],
  ['.json', 'application/json'],
  ['.map', 'application/json'],
  ['.txt', 'text/plain; charset=utf-8'],
  ['.md', 'text/markdown; charset=utf-8'],
  ['.csv', 'text/csv; charset=utf-8'],
  ['.xml', 'application/xml'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.jpg', 'image/jpeg'],
  ['.jpeg', 'image/jpeg'],
  ['.gif', 'image/gif'],
  ['.webp', 'image/webp'],
  ['.avif', 'image/avif'],
  ['.ico', 'image/x-icon'],
  ['.woff', 'font/woff'],
  ['.woff2', 'font/woff2'],
  ['.ttf', 'font/ttf'],
  ['.otf', 'font/otf'],
  ['.wasm', 'application/wasm'],
  ['.pdf', 'application/pdf'],
  ['.zip', 'application/zip'],
  ['.gz', 'application/gzip'],
  ['.mp4', 'video/mp4'],
  ['.webm', 'video/webm'],
  ['.mp3', 'audio/mpeg'],
  ['.wav', 'audio/wav'],
]);

export function contentTypeFor(extension: string): string {
  return CONTENT_TYPES.get(extension.toLowerCase()) ?? 'application/octet-stream';
}

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
