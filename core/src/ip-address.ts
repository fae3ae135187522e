/**
 * PURE IP address and CIDR parsing for the callback policy. Every address is one 128-bit number: IPv4 is kept in
 * its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`), so one comparison covers `169.254.169.254` and
 * `::ffff:a9fe:a9fe` alike, and an IPv4 CIDR `/n` is the mapped prefix `/96+n`.
 *
 * Only canonical text is accepted here (dotted quad with decimal parts, RFC 4291 IPv6 text): the exotic IPv4
 * spellings (`0xa9fea9fe`, `2852039166`, `0251.0376.0251.0376`, `169.254.43518`) are normalised by WHATWG URL
 * parsing before a host reaches this module, and addresses from DNS are canonical already.
 */

export const IPV4_MAPPED_PREFIX = 0xffffn << 32n;
const ALL_ONES_128 = (1n << 128n) - 1n;

export interface Cidr {
  /** As the operator wrote it, for messages. */
  readonly text: string;
  /** Network address in the 128-bit space (host bits cleared). */
  readonly base: bigint;
  /** Prefix length in the 128-bit space (an IPv4 /24 is 120). */
  readonly prefix: number;
  /** The written form, so a logged config shows `10.0.0.0/8` rather than failing on a bigint. */
  toJSON(): string;
}

/** `a.b.c.d` with decimal parts 0–255 (no leading zeros: those are octal to some parsers). */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/** RFC 4291 text (with `::` and an optional trailing dotted quad); no zone id. Brackets are accepted. */
export function parseIPv6(raw: string): bigint | undefined {
  const text = raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
  if (text === '' || text.includes('%')) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as string;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) out.push(parseInt(piece, 16));
      else return undefined;
    }
    return out;
  };
  const head = groupsOf(halves[0] as string);
  const tail = halves.length === 2 ? groupsOf(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1 && head.length !== 8) return undefined;
  if (halves.length === 2 && head.length + tail.length > 7) return undefined;
  // A dotted quad may only end the address, never sit before a "::".
  if (halves.length === 2 && (halves[0] as string).includes('.')) return undefined;
  const groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** Any canonical IPv4 or IPv6 text → its 128-bit value (IPv4 as mapped). */
export function parseIp(text: string): bigint | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return IPV4_MAPPED_PREFIX | BigInt(v4);
  return parseIPv6(text);
}

export function isIpLiteral(text: string): boolean {
  return parseIp(text) !== undefined;
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128). Host bits must be zero. */
export function parseCidr(raw: string): Cidr | undefined {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const v4 = parseIPv4(addressText);
  const address = v4 !== undefined ? IPV4_MAPPED_PREFIX | BigInt(v4) : parseIPv6(addressText);
  if (address === undefined) return undefined;
  const width = v4 !== undefined ? 32 : 128;
  const lengthText = slash === -1 ? String(width) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lengthText) || Number(lengthText) > width) return undefined;
  const prefix = Number(lengthText) + (128 - width);
  const base = address & maskOf(prefix);
  if (base !== address) return undefined;
  return { text, base, prefix, toJSON: () => text };
}

export function cidrContains(cidr: Pick<Cidr, 'base' | 'prefix'>, address: bigint): boolean {
  return (address & maskOf(cidr.prefix)) === cidr.base;
}

function maskOf(prefix: number): bigint {
  return prefix === 0 ? 0n : (ALL_ONES_128 << BigInt(128 - prefix)) & ALL_ONES_128;
}

/** Comma/space separated CIDR list; returns the entries that did not parse so config can name them. */
export function parseCidrList(raw: string): { readonly cidrs: readonly Cidr[]; readonly invalid: readonly string[] } {
  const cidrs: Cidr[] = [];
  const invalid: string[] = [];
  for (const entry of raw.split(/[\s,]+/).filter(Boolean)) {
    const cidr = parseCidr(entry);
    if (cidr) cidrs.push(cidr);
    else invalid.push(entry);
  }
  return { cidrs, invalid };
}
