#!/usr/bin/env node
/** The funtainer CLI entry point: the only module that reads process.* (argv, env, cwd, signals, exit code). */
import { homedir } from 'node:os';
import { processIo } from './io.js';
import { run } from './run.js';

const abort = new AbortController();
process.once('SIGINT', () => abort.abort());
process.once('SIGTERM', () => abort.abort());

const exitCode = await run(process.argv.slice(2), {
  env: process.env,
  cwd: process.cwd(),
  homeDir: homedir(),
  io: processIo(),
  signal: abort.signal,
});
process.exitCode = exitCode;
// a follow-mode stream or a piped stdin may keep the loop alive after the command has finished
if (abort.signal.aborted || exitCode !== 0) setTimeout(() => process.exit(exitCode), 100).unref();
