import 'node:https'; import 'node:crypto'; import 'node:stream'; import 'node:os'; import 'node:fs/promises'; import 'node:fs'; import 'node:path';
