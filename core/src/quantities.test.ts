import t from 'tap';
import { formatCpu, formatMemory, parseCpuNanos, parseMemoryBytes } from './quantities.js';

t.test('memory quantities', async (t) => {
  t.equal(parseMemoryBytes('128Mi'), 128 * 1024 * 1024);
  t.equal(parseMemoryBytes('1G'), 1e9);
  t.equal(parseMemoryBytes('1048576'), 1048576);
  t.equal(parseMemoryBytes('0.5Gi'), 512 * 1024 * 1024);
  for (const bad of ['', 'lots', '-1Mi', '0', '12Qi', '1 Mi']) t.equal(parseMemoryBytes(bad), undefined, bad);
  t.equal(formatMemory(128 * 1024 * 1024), '128Mi');
  t.equal(formatMemory(1000), '1000');
});

t.test('cpu quantities', async (t) => {
  t.equal(parseCpuNanos('100m'), 1e8);
  t.equal(parseCpuNanos('0.5'), 5e8);
  t.equal(parseCpuNanos('2'), 2e9);
  for (const bad of ['', '0', '0m', 'x', '-1', '1.5k']) t.equal(parseCpuNanos(bad), undefined, bad);
  t.equal(formatCpu(1e8), '100m');
  t.equal(formatCpu(2e9), '2');
});
