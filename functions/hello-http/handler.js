'use strict';

/** Greets the caller by ?name= (node-http template: a plain node:http handler). */
module.exports = async (req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const name = url.searchParams.get('name') || 'world';
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.end(`Hello, ${name}!\n`);
};
