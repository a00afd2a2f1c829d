/**
 * @ifmatch/cli: the `ifmatch` command line. `ifmatch backfill <database> …` brings records
 * written before ifmatch up to date, resumably and safely while the application writes (see
 * the README). `main` runs it from code, with the streams and signals you give it.
 */
export { type CliIo, EXIT, main } from './main.js';
