// module-mode handler for bench/watchdog.mjs: the same small JSON as the bare server.
module.exports = async (event, context) => ({ hello: 'world' });
