/**
 * Header filtering for the http-mode proxy, on node's flat rawHeaders arrays ([name, value, name, value, ...]).
 *
 * Working on rawHeaders keeps the client's spelling and order and skips building a header object per request; both
 * http.request and writeHead accept the flat form.
 */
import { HOP_BY_HOP_HEADERS } from '@funtainer/core/headers';

/** Removes hop-by-hop headers; returns the input itself when there is nothing to remove (the common case). */
export function withoutHopByHop(rawHeaders: readonly string[]): string[] {
  let kept: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (HOP_BY_HOP_HEADERS.has(name.toLowerCase())) {
      kept ??= rawHeaders.slice(0, i);
    } else if (kept !== undefined) {
      kept.push(name, rawHeaders[i + 1] as string);
    }
  }
  return kept ?? (rawHeaders as string[]);
}
