/**
 * PURE: Swarm placement constraints (`node.labels.zone==eu`, `node.role!=manager`) against the swarm's nodes.
 * Swarm itself accepts a service no node can take and leaves its tasks pending for ever ("no suitable node"):
 * the deployer would only see a function that never starts. Checking the constraints against the nodes first
 * turns a typo or an unlabelled swarm into a 400 at deploy, naming the constraints. The syntax and the keys
 * are Swarm's (docs.docker.com, "Specify service constraints"); values compare case-insensitively, as Swarm does.
 */

/** The parts of `GET /nodes` the check reads. */
export interface NodeInfo {
  readonly ID: string;
  readonly Spec?: { readonly Role?: string; readonly Labels?: Readonly<Record<string, string>> };
  readonly Description?: {
    readonly Hostname?: string;
    readonly Platform?: { readonly OS?: string; readonly Architecture?: string };
    readonly Engine?: { readonly Labels?: Readonly<Record<string, string>> };
  };
}

export interface Constraint {
  readonly key: string;
  readonly equal: boolean;
  readonly value: string;
}

const SYNTAX = /^\s*([\w.-]+)\s*(==|!=)\s*(.*?)\s*$/;
const PLAIN_KEYS = new Set(['node.id', 'node.hostname', 'node.role', 'node.platform.os', 'node.platform.arch']);
const LABEL_PREFIXES = ['node.labels.', 'engine.labels.'];

/** A constraint, or why Swarm would not understand it. */
export function parseConstraint(text: string): Constraint | string {
  const match = SYNTAX.exec(text);
  if (!match) return `constraint "${text}" is not <key>==<value> or <key>!=<value>`;
  const [, key = '', op, value = ''] = match;
  const known = PLAIN_KEYS.has(key) || LABEL_PREFIXES.some((p) => key.startsWith(p) && key.length > p.length);
  if (!known) return `constraint "${text}": unknown key "${key}" (node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.<label>, engine.labels.<label>)`;
  if (value === '') return `constraint "${text}" has no value`;
  return { key, equal: op === '==', value };
}

function nodeValue(node: NodeInfo, key: string): string {
  if (key.startsWith('node.labels.')) return node.Spec?.Labels?.[key.slice('node.labels.'.length)] ?? '';
  if (key.startsWith('engine.labels.')) return node.Description?.Engine?.Labels?.[key.slice('engine.labels.'.length)] ?? '';
  const values: Record<string, string | undefined> = {
    'node.id': node.ID,
    'node.hostname': node.Description?.Hostname,
    'node.role': node.Spec?.Role,
    'node.platform.os': node.Description?.Platform?.OS,
    'node.platform.arch': node.Description?.Platform?.Architecture,
  };
  return values[key] ?? '';
}

export function nodeSatisfies(node: NodeInfo, constraints: readonly Constraint[]): boolean {
  return constraints.every((c) => (nodeValue(node, c.key).toLowerCase() === c.value.toLowerCase()) === c.equal);
}

/**
 * Syntax problems (the deployer's to fix), or, when the constraints parse, whether no node satisfies them all.
 * Node state is not looked at: a matching node that is down or drained may come back, and Swarm then places.
 */
export function checkConstraints(texts: readonly string[], nodes: readonly NodeInfo[]): { problems: string[] } | { unsatisfiable: boolean } {
  const parsed = texts.map(parseConstraint);
  const problems = parsed.filter((p): p is string => typeof p === 'string');
  if (problems.length > 0) return { problems };
  const constraints = parsed as Constraint[];
  return { unsatisfiable: constraints.length > 0 && !nodes.some((node) => nodeSatisfies(node, constraints)) };
}
