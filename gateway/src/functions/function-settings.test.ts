import t from 'tap';
import { resolveFunctionSettings, validateFunctionLabels } from './function-settings.js';

const limits = { upstreamTimeoutMs: 60_000, writeTimeoutMs: 65_000, defaultMaxConcurrency: 0 };

t.test('validateFunctionLabels: the timeout must fit the gateway limits', async (t) => {
  t.same(validateFunctionLabels(undefined, limits), []);
  t.same(validateFunctionLabels({ 'com.funtainer.timeout': '60s', 'com.funtainer.max_concurrency': '4', 'com.funtainer.private': 'true' }, limits), []);
  t.match(validateFunctionLabels({ 'com.funtainer.timeout': '61s' }, limits), [/61s must be <= gateway upstream_timeout \(60s\) and < gateway write_timeout \(65s\)/]);
  t.match(validateFunctionLabels({ 'com.funtainer.timeout': '65s' }, { ...limits, upstreamTimeoutMs: 70_000 }), [/< gateway write_timeout \(65s\)/]);
  t.match(validateFunctionLabels({ 'com.funtainer.timeout': 'soon' }, limits), [/not a positive duration/]);
  t.match(validateFunctionLabels({ 'com.funtainer.max_concurrency': '-1', 'com.funtainer.private': 'maybe' }, limits), [/max_concurrency/, /private/]);
});

t.test('resolveFunctionSettings: which limit applies and is named', async (t) => {
  t.same(resolveFunctionSettings(undefined, limits), { timeoutMs: 60_000, timeoutLimit: 'gateway upstream_timeout 60s', maxConcurrency: 0, isPrivate: false });
  t.same(resolveFunctionSettings({ 'com.funtainer.timeout': '5s', 'com.funtainer.max_concurrency': '3', 'com.funtainer.private': 'true' }, limits), {
    timeoutMs: 5_000, timeoutLimit: 'function timeout 5s', maxConcurrency: 3, isPrivate: true,
  });
  t.equal(resolveFunctionSettings({ 'com.funtainer.timeout': '2m' }, limits).timeoutLimit, 'gateway upstream_timeout 60s', 'clamped to the gateway');
  t.equal(resolveFunctionSettings(undefined, { ...limits, defaultMaxConcurrency: 8 }).maxConcurrency, 8);
  t.equal(resolveFunctionSettings({ 'com.funtainer.private': 'yes' }, limits).isPrivate, true, 'any boolean spelling');
  t.equal(resolveFunctionSettings({ 'com.funtainer.private': 'off' }, limits).isPrivate, false);
  t.equal(resolveFunctionSettings({ 'com.funtainer.private': 'maybe' }, limits).isPrivate, true, 'a value deploy would reject fails closed');
});
