/**
 * Credentials inside URLs (`http://user:secret@host/`): a callback URL may carry them (OpenFaaS' Go worker turns
 * them into Basic auth, and so do we) and an operator may put them in `gateway_url`. They are sent where they
 * belong and never logged: every URL the worker logs goes through `redactUrl` first.
 */

/** `http://user:secret@host/x` → `http://***:***@host/x`; an unparseable value is not echoed at all. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(unparseable URL)';
  }
  if (url.username === '' && url.password === '') return url.toString();
  if (url.username !== '') url.username = '***';
  if (url.password !== '') url.password = '***';
  return url.toString();
}

export interface CallbackTarget {
  /** The URL without userinfo (undici would silently drop it). */
  readonly url: string;
  /** `Basic …` from the URL's userinfo, when it had any. */
  readonly authorization: string | undefined;
}

export function callbackTarget(raw: string): CallbackTarget {
  const url = new URL(raw);
  if (url.username === '' && url.password === '') return { url: url.toString(), authorization: undefined };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  return { url: url.toString(), authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}
