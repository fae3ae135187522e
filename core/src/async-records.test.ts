import t from 'tap';
import { redactUrlCredentials } from './async-records.js';

t.test('redactUrlCredentials: userinfo hidden anywhere in a text, nothing else touched', async (t) => {
  t.equal(redactUrlCredentials('https://user:pa%40ss@hooks.example/x?y=1'), 'https://***@hooks.example/x?y=1');
  t.equal(redactUrlCredentials('http://token@127.0.0.1:9/cb'), 'http://***@127.0.0.1:9/cb', 'a user without a password');
  t.equal(redactUrlCredentials('POST to HTTP://a:b@h/ failed; then http://c:d@k/'), 'POST to HTTP://***@h/ failed; then http://***@k/');
  for (const plain of ['https://hooks.example/x?mail=a@b', 'http://h/p#frag@x', 'no url here', 'mailto:a@b']) t.equal(redactUrlCredentials(plain), plain, plain);
});
