/**
 * PURE callback-URL policy: where the queue-worker may POST a function's output (`X-Callback-Url`). Without it
 * anyone who may call a function could make the worker send data to the cloud metadata service, to Redis or to
 * any internal host (SSRF). Used twice: by the gateway on submit (the URL's host as written) and by the
 * queue-worker at connect time (every address the name resolves to), because a name can resolve differently
 * between the two (DNS rebinding).
 *
 * Decision for one address, in order:
 *   1. link-local, cloud metadata, unspecified, multicast and reserved addresses: always denied;
 *   2. the operator's `callback_allow_cidrs` / `callback_deny_cidrs`: the longest matching prefix wins, a tie
 *      denies (so `deny 0.0.0.0/0` + `allow 203.0.113.0/24` is an allow-list);
 *   3. loopback and private ranges: allowed only with `callback_allow_private=true`;
 *   4. anything else (public) is allowed.
 */
import { IPV4_MAPPED_PREFIX, cidrContains, parseCidr, parseIPv4, parseIPv6, type Cidr } from './ip-address.js';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'multicast' | 'reserved';

/** Never allowed, whatever the operator configures: nothing legitimate receives callbacks there. */
const ALWAYS_DENIED: ReadonlySet<AddressClass> = new Set(['link-local', 'metadata', 'unspecified', 'multicast', 'reserved']);

export interface CallbackPolicy {
  /** Loopback, private (RFC 1918, CGNAT, ULA) addresses and internal host names. */
  readonly allowPrivate: boolean;
  readonly allow: readonly Cidr[];
  readonly deny: readonly Cidr[];
}

export const DEFAULT_CALLBACK_POLICY: CallbackPolicy = Object.freeze({ allowPrivate: false, allow: [], deny: [] });

export type PolicyVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: AddressClass | 'internal-name' | 'denied-cidr' | 'not-an-address' };

const ALLOWED: PolicyVerdict = Object.freeze({ allowed: true });

/** Most specific first: the metadata /32s sit inside link-local and public ranges. */
const CLASS_TABLE: ReadonlyArray<readonly [Cidr, AddressClass]> = (
  [
    ['169.254.169.254/32', 'metadata'], // AWS, GCP, Azure, OpenStack, Oracle
    ['fd00:ec2::254/128', 'metadata'], // AWS IMDS over IPv6
    ['100.100.100.200/32', 'metadata'], // Alibaba Cloud
    ['168.63.129.16/32', 'metadata'], // Azure WireServer
    ['0.0.0.0/8', 'unspecified'], // "this network": connecting to 0.0.0.0 reaches the local host on Linux
    ['::/128', 'unspecified'],
    ['127.0.0.0/8', 'loopback'],
    ['::1/128', 'loopback'],
    ['169.254.0.0/16', 'link-local'],
    ['fe80::/10', 'link-local'],
    ['10.0.0.0/8', 'private'],
    ['172.16.0.0/12', 'private'],
    ['192.168.0.0/16', 'private'],
    ['100.64.0.0/10', 'private'], // carrier-grade NAT
    ['192.0.0.0/24', 'private'], // IETF protocol assignments
    ['198.18.0.0/15', 'private'], // benchmarking
    ['fc00::/7', 'private'], // unique local
    ['fec0::/10', 'private'], // deprecated site-local
    ['64:ff9b:1::/48', 'private'], // local-use NAT64
    ['224.0.0.0/4', 'multicast'],
    ['ff00::/8', 'multicast'],
    ['240.0.0.0/4', 'reserved'], // includes 255.255.255.255
  ] as const
).map(([text, cls]) => [parseCidr(text) as Cidr, cls] as const);

/**
 * IPv6 forms that carry an IPv4 address a translator or tunnel would reach: IPv4-compatible (`::a.b.c.d`),
 * SIIT (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:aabb:ccdd::`). Judged as that IPv4.
 */
function embeddedIPv4(address: bigint): bigint {
  const low32 = address & 0xffffffffn;
  const high96 = address >> 32n;
  if (high96 === 0n && address > 1n) return IPV4_MAPPED_PREFIX | low32;
  if (high96 === 0xffff0000n) return IPV4_MAPPED_PREFIX | low32;
  if (high96 === 0x64ff9b0000000000000000n) return IPV4_MAPPED_PREFIX | low32;
  if (address >> 112n === 0x2002n) return IPV4_MAPPED_PREFIX | ((address >> 80n) & 0xffffffffn);
  return address;
}

export function classifyAddress(address: bigint): AddressClass {
  const judged = embeddedIPv4(address);
  for (const [cidr, cls] of CLASS_TABLE) if (cidrContains(cidr, judged)) return cls;
  return 'public';
}

/** Judges one resolved address (`169.254.169.254`, `::ffff:a9fe:a9fe`, `[::1]`). */
export function checkAddress(text: string, policy: CallbackPolicy): PolicyVerdict {
  const v4 = parseIPv4(text);
  const parsed = v4 !== undefined ? IPV4_MAPPED_PREFIX | BigInt(v4) : parseIPv6(text);
  if (parsed === undefined) return { allowed: false, reason: 'not-an-address' };
  const address = embeddedIPv4(parsed);
  const cls = classifyAddress(address);
  if (ALWAYS_DENIED.has(cls)) return { allowed: false, reason: cls };
  const rule = longestMatch(policy, address);
  if (rule === 'allow') return ALLOWED;
  if (rule === 'deny') return { allowed: false, reason: 'denied-cidr' };
  if (cls === 'public' || policy.allowPrivate) return ALLOWED;
  return { allowed: false, reason: cls };
}

function longestMatch(policy: CallbackPolicy, address: bigint): 'allow' | 'deny' | undefined {
  let best = -1;
  let verdict: 'allow' | 'deny' | undefined;
  for (const cidr of policy.allow) {
    if (cidr.prefix > best && cidrContains(cidr, address)) [best, verdict] = [cidr.prefix, 'allow'];
  }
  for (const cidr of policy.deny) {
    if (cidr.prefix >= best && cidrContains(cidr, address)) [best, verdict] = [cidr.prefix, 'deny'];
  }
  return verdict;
}

/** Names of metadata services; always denied. */
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);
/** Suffixes that only resolve inside a private network. */
const INTERNAL_SUFFIXES = ['.localhost', '.internal', '.local', '.localdomain', '.lan', '.home.arpa', '.intranet', '.corp'];

/**
 * Submit-time check of a WHATWG-parsed `URL.hostname` (IPv4 already normalised from hex/decimal/octal forms,
 * IPv6 in brackets). Literal addresses get the full decision. Names cannot be matched against CIDRs before they
 * are resolved, so: metadata names are denied; `localhost`, single-label and internal-suffix names are denied
 * unless the operator allowed private destinations (allow_private, or any allow CIDR — the worker then judges
 * the resolved address); other names pass here and are judged by the worker at connect time.
 */
export function checkCallbackHost(hostname: string, policy: CallbackPolicy): PolicyVerdict {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('[') || parseIPv4(host) !== undefined) return checkAddress(host, policy);
  if (METADATA_NAMES.has(host)) return { allowed: false, reason: 'metadata' };
  const internal = host === 'localhost' || !host.includes('.') || INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix));
  if (internal && !policy.allowPrivate && policy.allow.length === 0) return { allowed: false, reason: host === 'localhost' || host.endsWith('.localhost') ? 'loopback' : 'internal-name' };
  return ALLOWED;
}

/** Builds a policy from already-parsed config values. */
export function callbackPolicy(options: { allowPrivate?: boolean; allow?: readonly Cidr[]; deny?: readonly Cidr[] }): CallbackPolicy {
  return Object.freeze({ allowPrivate: options.allowPrivate ?? false, allow: Object.freeze([...(options.allow ?? [])]), deny: Object.freeze([...(options.deny ?? [])]) });
}
