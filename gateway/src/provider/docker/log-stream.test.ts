import t from 'tap';
import { followReplicas } from './log-follow.js';
import { LogMerge } from './log-merge.js';
import { demuxLines, toLogEntry } from './log-stream.js';

function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

t.test('demux splits frames into lines across chunk and frame boundaries', async (t) => {
  const all = Buffer.concat([frame(1, 'one\ntw'), frame(2, 'err\n'), frame(1, 'o\n'), frame(1, 'tail')]);
  const chunks = [all.subarray(0, 5), all.subarray(5, 17), all.subarray(17)];
  const lines: string[] = [];
  for await (const line of demuxLines(chunks)) lines.push(line);
  t.same(lines, ['one', 'err', 'two', 'tail']);
});

t.test('log entries carry the engine timestamp', async (t) => {
  const fn = { name: 'echo', namespace: 'openfaas-fn' };
  t.same(toLogEntry(fn, 'abc', '2024-05-01T10:00:00.123456789Z hello world'), {
    name: 'echo', namespace: 'openfaas-fn', instance: 'abc', timestamp: '2024-05-01T10:00:00.123456789Z', text: 'hello world',
  });
  t.equal(toLogEntry(fn, 'abc', 'no stamp').text, 'no stamp');
});

interface FakeReplica {
  id: string;
  running: boolean;
  paused: boolean;
}

/** A follow over a fake replica list: each opened replica yields `<id>:<late>` once, then waits for the abort. */
function fakeFollow(replicas: FakeReplica[], rescanMs = 60_000) {
  const controller = new AbortController();
  const opened: string[] = [];
  const closed: string[] = [];
  let changed: () => void = () => {};
  let unsubscribed = false;
  const follow = followReplicas<string>({
    list: async () => replicas.map((r) => ({ ...r })),
    open: async function* (id, late, signal) {
      opened.push(id);
      yield `${id}:${late}`;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      closed.push(id);
    },
    watch: (callback) => {
      changed = callback;
      return () => {
        unsubscribed = true;
      };
    },
    signal: controller.signal,
    rescanMs,
  });
  return { follow, controller, opened, closed, notify: () => changed(), unsubscribed: () => unsubscribed };
}

t.test('follow adds replicas reported later, each opened once, until the abort', async (t) => {
  const replicas = [{ id: 'a', running: true, paused: false }, { id: 'old', running: false, paused: false }];
  const f = fakeFollow(replicas);
  const lines = f.follow[Symbol.asyncIterator]();
  t.same((await lines.next()).value, 'a:false', 'replicas alive at the start honour the query');
  replicas.push({ id: 'b', running: true, paused: false }, { id: 'c', running: false, paused: false });
  f.notify();
  f.notify();
  t.same((await lines.next()).value, 'b:true', 'a replica seen later is read from its start');
  replicas[3] = { id: 'c', running: true, paused: false };
  f.notify();
  t.same((await lines.next()).value, 'c:true', 'a created container is opened once it runs');
  f.notify();
  const pending = lines.next();
  setTimeout(() => f.controller.abort(), 20);
  const abortedAt = Date.now();
  t.same(await pending, { done: true, value: undefined }, 'the abort ends the follow');
  t.ok(Date.now() - abortedAt < 200, 'promptly');
  t.same(f.opened, ['a', 'b', 'c'], 'each container opened once, never the exited one');
  t.ok(f.unsubscribed(), 'stops listening for changes');
  await new Promise((resolve) => setImmediate(resolve));
  t.same(f.closed.sort(), ['a', 'b', 'c'], 'every replica stream is closed');
});

t.test('a replica that changes no endpoints is found by the periodic re-list', async (t) => {
  const replicas = [{ id: 'a', running: true, paused: true }];
  const f = fakeFollow(replicas, 10);
  const lines = f.follow[Symbol.asyncIterator]();
  t.same((await lines.next()).value, 'a:false', 'a paused replica is followed too');
  replicas.push({ id: 'unready', running: true, paused: false });
  t.same((await lines.next()).value, 'unready:true');
  f.controller.abort();
  t.same(await lines.next(), { done: true, value: undefined });
});

t.test('a reader that stops iterating closes the replica streams without an abort', async (t) => {
  const f = fakeFollow([{ id: 'a', running: true, paused: false }]);
  for await (const line of f.follow) if (line === 'a:false') break;
  await new Promise((resolve) => setImmediate(resolve));
  t.same(f.closed, ['a']);
  t.notOk(f.controller.signal.aborted);
});

t.test('a failed first listing fails the follow; a failed re-list does not', async (t) => {
  const controller = new AbortController();
  const watch = () => () => {};
  const broken = followReplicas<string>({
    list: async () => {
      throw new Error('engine down');
    },
    open: async function* () {}, watch, signal: controller.signal,
  });
  await t.rejects(broken.next(), /engine down/);
  let calls = 0;
  const flaky = followReplicas<string>({
    list: async () => {
      if (++calls === 2) throw new Error('hiccup');
      return calls === 1 ? [] : [{ id: 'late', running: true, paused: false }];
    },
    open: async function* (id) {
      yield id;
    },
    watch, signal: controller.signal, rescanMs: 5,
  });
  t.same((await flaky.next()).value, 'late');
  controller.abort();
});

t.test('merge buffering is bounded: a slow reader holds the sources back', async (t) => {
  const controller = new AbortController();
  const merge = new LogMerge<number>(controller.signal, 4);
  let pulled = 0;
  const endless = async function* (): AsyncGenerator<number> {
    for (;;) yield ++pulled;
  };
  merge.add(endless());
  merge.add(endless());
  const values = merge.values();
  t.equal((await values.next()).value, 1);
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.ok(pulled <= 4 + 1 + 2, `sources stay within the buffer (pulled ${pulled})`);
  let read = 1;
  for await (const _ of values) if (++read === 1_000) break;
  t.ok(pulled <= 1_000 + 4 + 2, `and keep pace with the reader (pulled ${pulled})`);
});
