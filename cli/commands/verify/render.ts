import type { Check } from './check';

/** The readable report: one line per check (ok / FAIL, name, detail), its fix under a failure, and a verdict. */
export function renderChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.flatMap((check) => [
    `${check.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}`,
    ...(check.fix !== undefined ? [`      ${' '.repeat(width)}  fix: ${check.fix}`] : []),
  ]);
  const failures = checks.filter((c) => !c.ok);
  const verdict =
    failures.length === 0
      ? `all ${checks.length} checks hold`
      : `${failures.length} of ${checks.length} checks failed: ${failures.map((c) => c.name).join('; ')}`;
  return [...lines, '', verdict].join('\n');
}
