// Where a process spent its CPU, from V8 CPU profiles (`node --cpu-prof`): self time per function, grouped by
// package or project file, as a share of the busy (non-idle) time. bench/gateway.sh runs the gateway and the
// minimal proxy under the same load with PROFILE=1; putting their summaries side by side shows what the
// gateway does that the minimal proxy does not.
//   node bench/cpu-profile-summary.mjs <dir>   (one subdirectory per process, e.g. gateway-fn/, proxy-fn/)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const TOP = 18;

/** `undici`, `prom-client`, `gateway:proxy/invocation.js:49 begin`, `node:_http_outgoing`, `(garbage collector)`… */
function groupOf(frame) {
  const { url, functionName, lineNumber } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  const own = url.match(/\/(gateway|core|watchdog)\/dist\/(.*)$/);
  if (own) return `${own[1]}:${own[2]}:${lineNumber} ${functionName || '(anonymous)'}`;
  return url.startsWith('node:') ? url : url.replace(/.*\//, '');
}

function summarise(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const group = groupOf(nodes.get(id).callFrame);
    if (group === '(idle)') return;
    const dt = profile.timeDeltas[i] ?? 0;
    busy += dt;
    self.set(group, (self.get(group) ?? 0) + dt);
  });
  return { busy, rows: [...self].sort((a, b) => b[1] - a[1]) };
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/cpu-profile-summary.mjs <profiles dir>');
  process.exit(2);
}
for (const name of readdirSync(dir).sort()) {
  const sub = join(dir, name);
  if (!statSync(sub).isDirectory()) continue;
  for (const file of readdirSync(sub).filter((f) => f.endsWith('.cpuprofile'))) {
    const { busy, rows } = summarise(join(sub, file));
    console.log(`\n${name}: ${(busy / 1e6).toFixed(2)} s busy; self time by place (share of busy)`);
    for (const [group, t] of rows.slice(0, TOP)) console.log(`  ${((100 * t) / busy).toFixed(1).padStart(5)} %  ${group}`);
  }
}
