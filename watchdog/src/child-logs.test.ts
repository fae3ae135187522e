import t from 'tap';
import { LineSplitter } from './child-logs.js';

function split(maxLineBytes: number, ...chunks: string[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter(maxLineBytes, (line) => lines.push(line));
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  splitter.flush();
  return lines;
}

t.same(split(100, 'a\nb\n'), ['a', 'b'], 'one line per newline');
t.same(split(100, 'hel', 'lo\nwor', 'ld'), ['hello', 'world'], 'lines spanning chunks; last line flushed');
t.same(split(100, 'crlf\r\n'), ['crlf'], 'CRLF trimmed');
t.same(split(100, 'a\n\nb\n'), ['a', '', 'b'], 'blank lines kept');
t.same(split(4, 'abcd\n'), ['abcd'], 'a line of exactly the limit is one line');
t.same(split(4, 'abcdefghij\n'), ['abcd', 'efgh', 'ij'], 'long line cut into bounded pieces');
t.same(split(4, 'ab', 'cdef', 'g\n'), ['abcd', 'efg'], 'bound holds across chunks');
t.same(split(-1, 'raw chunk\n', 'second'), ['raw chunk', 'second'], 'unbuffered: chunks as they come');
t.same(split(100), [], 'nothing in, nothing out');

t.test('memory stays bounded for a huge line without newlines', async (t) => {
  let longest = 0;
  let count = 0;
  const splitter = new LineSplitter(1024, (line) => {
    longest = Math.max(longest, line.length);
    count++;
  });
  const chunk = Buffer.alloc(64 * 1024, 'z');
  for (let i = 0; i < 160; i++) splitter.push(chunk); // 10 MiB, no newline
  splitter.flush();
  t.equal(longest, 1024);
  t.equal(count, (160 * 64 * 1024) / 1024);
});
