#!/usr/bin/env node
/**
 * The process entry: `dialtone [--board ...] [--data-dir ...] [--http-port N] [--sip-port N]
 * [--provision FILE] [--log-level L]`. What it does with them is run-appliance.ts.
 */
import { EXIT_FAILED, runAppliance } from './run-appliance.js';

process.on('unhandledRejection', (reason) => {
  // Let it crash: an unexpected rejection outside the tree ends the process; systemd restarts it.
  process.stderr.write(`dialtone: unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}\n`);
  process.exit(EXIT_FAILED);
});

await runAppliance(process.argv.slice(2));
