#!/usr/bin/env node
/**
 * The `ifmatch` executable. The first Ctrl-C asks the run to stop after the batch under way
 * (the checkpoint is saved, how to resume is printed); a second one quits at once, which is
 * safe too: the checkpoint was saved after the last completed batch, and a batch cut short
 * has written only records it pinned (a resumed run reads them again and finds them done).
 */
import { EXIT, main } from './main.js';

let interrupts = 0;
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onInterrupt(handler) {
    const listener = () => {
      if (++interrupts > 1) process.exit(EXIT.interrupted);
      handler();
    };
    process.on('SIGINT', listener);
    return () => process.off('SIGINT', listener);
  },
});
