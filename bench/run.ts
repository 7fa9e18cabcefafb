/** Runs the benchmarks and prints their figures (`npm run bench`; it builds first). */
import { benchStartup } from './startup.js';

await benchStartup();
