#!/usr/bin/env node
/**
 * The `purenet` executable (package.json `bin`): runs the command on this process's arguments
 * and streams, and exits with its code. Everything else lives in purenet.ts, which tests call
 * directly.
 */
import { exitQuietlyOnBrokenPipe, processIo } from './io.js';
import { runPurenet } from './purenet.js';

exitQuietlyOnBrokenPipe(process.stdout);
process.exitCode = await runPurenet(process.argv.slice(2), processIo());
