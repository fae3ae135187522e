import t from 'tap';
import type { IncomingMessage } from 'node:http';
import { buildCgiEnv, canonicalEnvName } from './fork-process.js';

t.equal(canonicalEnvName('x-call-id'), 'X_Call_Id');
t.equal(canonicalEnvName('content-type'), 'Content_Type');
t.equal(canonicalEnvName('X-FORWARDED-FOR'), 'X_Forwarded_For');

t.test('headers, method, path and query become Http_* variables', async (t) => {
  const req = {
    headers: { 'x-call-id': 'abc', 'content-type': 'text/plain', 'x-multi': ['one', 'two'] },
    method: 'PUT',
    url: '/some/path?a=1&b=2',
  } as unknown as IncomingMessage;
  const env = buildCgiEnv({ PATH: '/bin', UNSET: undefined }, req);
  t.same(env, {
    PATH: '/bin',
    Http_X_Call_Id: 'abc',
    Http_Content_Type: 'text/plain',
    Http_X_Multi: 'one',
    Http_Method: 'PUT',
    Http_Path: '/some/path',
    Http_Query: 'a=1&b=2',
  });
});

t.test('no Http_Query without a query', async (t) => {
  const env = buildCgiEnv({}, { headers: {}, method: 'GET', url: '/x' } as unknown as IncomingMessage);
  t.notOk('Http_Query' in env);
});
