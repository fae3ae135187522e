'use strict';

/** A plain node:http handler: read `req`, write `res`. Streaming with res.write() works. */
module.exports = async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString() }) + '\n');
};
