/** Pure pieces of per-function admission and balancing: replica picking, the concurrency limiter. */
import t from 'tap';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { pickLeastInFlight } from './replica-picker.js';

t.test('pickLeastInFlight', async (t) => {
  t.equal(pickLeastInFlight([], 0), undefined);
  const a = { id: 'a', inFlight: 2 };
  const b = { id: 'b', inFlight: 0 };
  const c = { id: 'c', inFlight: 1 };
  t.equal(pickLeastInFlight([a, b, c], 0), b);
  const idle = [{ id: 'x', inFlight: 0 }, { id: 'y', inFlight: 0 }, { id: 'z', inFlight: 0 }];
  t.same([0, 1, 2, 3].map((r) => pickLeastInFlight(idle, r)?.id), ['x', 'y', 'z', 'x'], 'ties rotate');
});

t.test('ConcurrencyLimiter: bound, FIFO queue, rejection, cancel, resize, unbounded', async (t) => {
  const started: string[] = [];
  const item = (name: string) => ({ name, start: () => started.push(name) });
  const limiter = new ConcurrencyLimiter<ReturnType<typeof item>>(1, 2);
  const [a, b, c, d] = [item('a'), item('b'), item('c'), item('d')];
  t.equal(limiter.acquire(a), 'run');
  t.equal(limiter.acquire(b), 'queued');
  t.equal(limiter.acquire(c), 'queued');
  t.equal(limiter.acquire(d), 'rejected');
  t.equal(limiter.queued, 2);
  t.ok(limiter.cancel(b));
  t.notOk(limiter.cancel(b));
  limiter.release();
  t.same(started, ['c'], 'oldest remaining waiter runs');
  t.equal(limiter.active, 1);
  limiter.acquire(item('e'));
  limiter.resize(3, 2);
  t.same(started, ['c', 'e'], 'a wider bound admits waiters');
  const unbounded = new ConcurrencyLimiter(0, 0);
  for (let i = 0; i < 100; i++) t.equal(unbounded.acquire(item(String(i))), 'run');
});
