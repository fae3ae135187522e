import t from 'tap';
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
