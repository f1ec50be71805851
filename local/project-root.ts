import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder (serverless.yml, functions/, .local/). */
export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
