import t from 'tap';
import { callbackTarget, redactUrl } from './url-credentials.js';

t.test('redactUrl hides userinfo and never echoes garbage', async (t) => {
  t.equal(redactUrl('http://user:s3cret@gw:8080/x?y=1'), 'http://***:***@gw:8080/x?y=1');
  t.equal(redactUrl('http://:s3cret@gw/'), 'http://:***@gw/');
  t.equal(redactUrl('http://gw:8080'), 'http://gw:8080/');
  t.equal(redactUrl('not a url s3cret'), '(unparseable URL)');
});

t.test('callbackTarget turns userinfo into Basic auth and strips it from the URL', async (t) => {
  t.same(callbackTarget('http://hook.example/cb'), { url: 'http://hook.example/cb', authorization: undefined });
  const target = callbackTarget('https://bot:p%40ss%3Aword@hook.example/cb?x=1');
  t.equal(target.url, 'https://hook.example/cb?x=1');
  t.equal(target.authorization, `Basic ${Buffer.from('bot:p@ss:word').toString('base64')}`);
});
