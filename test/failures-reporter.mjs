// A node:test reporter that writes one line per failed test (its file and name) and the first lines of its error, so
// that `npm test` can end with the list of what failed (test/run-tests.mjs): CI keeps the tail of a long log.
import { relative } from 'node:path';

export default async function* failures(source) {
  for await (const event of source) {
    if (event.type !== 'test:fail') continue;
    const { name, file, details } = event.data;
    const error = details?.error;
    const reason = String(error?.cause?.message ?? error?.message ?? error ?? '')
      .split('\n')
      .filter((text) => text.trim() !== '')
      .slice(0, 8)
      .join('\n    ');
    yield `not ok ${file ? relative(process.cwd(), file) : '?'}: ${name}\n    ${reason}\n`;
  }
}
