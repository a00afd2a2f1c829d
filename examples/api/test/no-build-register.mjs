import { register } from 'node:module';

register('./no-build.mjs', import.meta.url);
