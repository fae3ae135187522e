import t from 'tap';
import { checkConstraints, parseConstraint, type NodeInfo } from './placement-constraints.js';

const nodes: NodeInfo[] = [
  { ID: 'm1', Spec: { Role: 'manager', Labels: { zone: 'eu' } }, Description: { Hostname: 'fsw-1', Platform: { OS: 'linux', Architecture: 'x86_64' } } },
  { ID: 'w2', Spec: { Role: 'worker', Labels: {} }, Description: { Hostname: 'fsw-2', Platform: { OS: 'linux', Architecture: 'x86_64' }, Engine: { Labels: { disk: 'ssd' } } } },
];

t.test('syntax and keys as Swarm has them', async (t) => {
  t.same(parseConstraint(' node.labels.zone == eu '), { key: 'node.labels.zone', equal: true, value: 'eu' });
  t.same(parseConstraint('node.role!=manager'), { key: 'node.role', equal: false, value: 'manager' });
  t.match(parseConstraint('node.labels.zone=eu'), /not <key>==<value>/);
  t.match(parseConstraint('node.colour==blue'), /unknown key "node.colour"/);
  t.match(parseConstraint('node.labels.==x'), /unknown key/);
  t.match(parseConstraint('node.hostname=='), /no value/);
});

t.test('satisfiable when one node meets every constraint, whatever case', async (t) => {
  t.same(checkConstraints([], nodes), { unsatisfiable: false });
  t.same(checkConstraints(['node.labels.zone==EU'], nodes), { unsatisfiable: false });
  t.same(checkConstraints(['node.role==worker', 'engine.labels.disk==ssd'], nodes), { unsatisfiable: false });
  t.same(checkConstraints(['node.role!=manager', 'node.platform.os==linux'], nodes), { unsatisfiable: false });
  t.same(checkConstraints(['node.labels.zone!=us'], nodes), { unsatisfiable: false }, 'a missing label is not equal to anything');
});

t.test('unsatisfiable when no node does, even if each constraint alone is met somewhere', async (t) => {
  t.same(checkConstraints(['node.labels.zone==nowhere'], nodes), { unsatisfiable: true });
  t.same(checkConstraints(['node.labels.zone==eu', 'node.role==worker'], nodes), { unsatisfiable: true });
  t.same(checkConstraints(['node.hostname==fsw-9'], nodes), { unsatisfiable: true });
  t.match(checkConstraints(['zone==eu', 'node.role==worker'], nodes), { problems: [/unknown key "zone"/] });
});
