import { register } from 'node:module';

register('./hide-driver.mjs', import.meta.url);
