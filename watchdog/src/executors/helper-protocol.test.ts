import t from 'tap';
import { decodeExit, encodeRequestHeader, FrameDecoder } from './helper-protocol.js';

t.test('request header: length, id, count, NAME=value NUL strings', async (t) => {
  const header = encodeRequestHeader(7, { Http_Method: 'POST', Http_X: 'é' });
  t.equal(header.readUInt32LE(0), header.length - 4);
  t.equal(header.readUInt32LE(4), 7);
  t.equal(header.readUInt32LE(8), 2);
  t.equal(header.subarray(12).toString('utf8'), 'Http_Method=POST\0Http_X=é\0');
});

t.test('frames are reassembled across arbitrary chunk boundaries', async (t) => {
  const frame = (type: string, id: number, payload: Buffer) => {
    const head = Buffer.alloc(9);
    head[0] = type.charCodeAt(0);
    head.writeUInt32LE(id, 1);
    head.writeUInt32LE(payload.length, 5);
    return Buffer.concat([head, payload]);
  };
  const status = Buffer.alloc(4);
  status.writeInt32LE(-9);
  const stream = Buffer.concat([frame('E', 1, Buffer.from('line\n')), frame('X', 1, status), frame('R', 0, Buffer.alloc(0))]);
  const seen: string[] = [];
  const decoder = new FrameDecoder((type, id, payload) => seen.push(`${String.fromCharCode(type)}${id}:${payload.length}`));
  for (let i = 0; i < stream.length; i += 3) decoder.push(stream.subarray(i, i + 3));
  t.same(seen, ['E1:5', 'X1:4', 'R0:0']);
  t.same(decodeExit(status), { code: null, signal: 'SIGKILL' });
  t.same(decodeExit(Buffer.from([3, 0, 0, 0])), { code: 3, signal: null });
});
