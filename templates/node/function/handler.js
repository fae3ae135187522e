'use strict';

/**
 * Called once per request. `event` has body, headers, method, query and path; return a value (objects are
 * sent as JSON, strings as text) or use context.status(201).succeed(value).
 */
module.exports = async (event, context) => {
  return context.status(200).succeed({ status: 'done', method: event.method, body: event.body });
};
