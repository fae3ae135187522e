-- wrk script for bench/watchdog.mjs: POST a small JSON body.
wrk.method = "POST"
wrk.body = '{"hello":"world"}'
wrk.headers["Content-Type"] = "application/json"
