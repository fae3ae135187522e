import t from 'tap';
import { functionsTable } from './commands/list.js';
import { formatLogLine } from './commands/logs.js';
import { formatCount, formatElapsed, formatFields, formatTable, plural } from './output.js';

t.test('tables align columns and do not pad the last one', async (t) => {
  t.equal(formatTable(['NAME', 'IMAGE'], [['echo', 'funtainer/echo:latest'], ['sha512sum', 'x']]), [
    'NAME        IMAGE',
    'echo        funtainer/echo:latest',
    'sha512sum   x',
  ].join('\n'));
});

t.test('list shows name, image, ready/desired replicas and invocations', async (t) => {
  const table = functionsTable([
    { name: 'echo', image: 'funtainer/echo:latest', namespace: 'openfaas-fn', replicas: 2, availableReplicas: 1, invocationCount: 42 },
    { name: 'ticker', image: 'funtainer/ticker:latest', namespace: 'openfaas-fn', replicas: 0, availableReplicas: 0 },
  ]);
  t.equal(table, [
    'NAME     IMAGE                     REPLICAS   INVOCATIONS',
    'echo     funtainer/echo:latest     1/2        42',
    'ticker   funtainer/ticker:latest   0/0        0',
  ].join('\n'));
});

t.test('small formatters', async (t) => {
  t.equal(formatCount(3.25), '3.3');
  t.equal(formatElapsed(1500), '1.5s');
  t.equal(formatElapsed(250), '250ms');
  t.equal(plural(1, 'function'), '1 function');
  t.equal(plural(2, 'function'), '2 functions');
  t.equal(formatFields([['Name', 'echo'], ['Empty', undefined], ['Image', 'x']]), 'Name:  echo\nImage: x');
  t.equal(formatLogLine({ name: 'echo', instance: 'abc', timestamp: 'T', text: 'hi' }, true), 'T echo (abc) hi');
});
