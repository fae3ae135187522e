import t from 'tap';
import { contentTypeFor, resolveStaticPath } from './static-files.js';

const root = '/srv/public';
t.equal(resolveStaticPath(root, '/index.html'), '/srv/public/index.html');
t.equal(resolveStaticPath(root, '/'), '/srv/public');
t.equal(resolveStaticPath(root, '/a/b.css?v=1'), '/srv/public/a/b.css', 'query ignored');
t.equal(resolveStaticPath(root, '/with%20space.txt'), '/srv/public/with space.txt', 'percent-decoded');
t.equal(resolveStaticPath(root, '/../etc/passwd'), undefined, 'dot-dot refused');
t.equal(resolveStaticPath(root, '/%2e%2e/etc/passwd'), undefined, 'encoded dot-dot refused');
t.equal(resolveStaticPath(root, '/a/%2e%2e/%2e%2e/secret'), undefined, 'nested encoded dot-dot refused');
t.equal(resolveStaticPath(root, '/..%2fsecret'), undefined, 'encoded slash refused');
t.equal(resolveStaticPath(root, '/a%5c..%5csecret'), undefined, 'backslash refused');
t.equal(resolveStaticPath(root, '/a%00.html'), undefined, 'NUL refused');
t.equal(resolveStaticPath(root, '/%E0%A4%A'), undefined, 'malformed escape refused');

t.equal(contentTypeFor('.HTML'), 'text/html; charset=utf-8', 'content types by extension, any case');
t.equal(contentTypeFor('.unknown'), 'application/octet-stream');
