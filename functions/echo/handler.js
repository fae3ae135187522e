'use strict';

/** Echoes the request body back with the request's content type (OpenFaaS node-template signature). */
module.exports = async (event, context) => {
  const contentType = event.headers['content-type'] || 'text/plain; charset=utf-8';
  const body = event.body === undefined || event.body === null ? '' : event.body;
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return context.status(200).headers({ 'content-type': contentType }).succeed(payload);
};
