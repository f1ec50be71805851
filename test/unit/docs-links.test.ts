import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../cli/registry';
import { PROJECT_ROOT } from '../../local/project-root';

/** Options every command takes (cli/main.ts): help, version, and where the stack is. */
const GLOBAL_OPTIONS = new Set(['help', 'version', 'stage', 'region', 'profile']);

/** README.md and docs/*.md: absolute path -> text. */
function projectDocs(): Map<string, string> {
  const docsDir = join(PROJECT_ROOT, 'docs');
  const paths = [
    join(PROJECT_ROOT, 'README.md'),
    ...readdirSync(docsDir)
      .filter((name) => name.endsWith('.md'))
      .map((name) => join(docsDir, name)),
  ];
  return new Map(paths.map((path) => [path, readFileSync(path, 'utf8')]));
}

interface Segments {
  /** The text with fenced blocks and code spans blanked out (same length and lines): where links and headings live. */
  prose: string;
  /** Fenced block lines and code spans: where commands are written. */
  code: { text: string; line: number; fenced: boolean }[];
}

/** Splits Markdown into prose and code (``` or ~~~ fences, and `code spans`). */
function segments(markdown: string): Segments {
  const code: Segments['code'] = [];
  let fence: string | undefined;
  const proseLines = markdown.split('\n').map((text, index) => {
    const line = index + 1;
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      else code.push({ text, line, fenced: true });
      return '';
    }
    if (marker !== undefined) {
      fence = marker;
      return '';
    }
    return text.replace(/(`+)([\s\S]*?[^`])\1(?!`)/g, (span, _ticks: string, inner: string) => {
      code.push({ text: inner, line, fenced: false });
      return ' '.repeat(span.length);
    });
  });
  return { prose: proseLines.join('\n'), code };
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, each space a hyphen. */
function githubSlug(heading: string): string {
  const text = heading.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[`*]/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown text's headings give, duplicates numbered as GitHub numbers them (`-1`, `-2`). */
function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  // Headings are read from the original lines outside fences (code spans in them count as text).
  const { prose } = segments(markdown);
  const lines = markdown.split('\n');
  prose.split('\n').forEach((proseLine, i) => {
    if (!/^ {0,3}#{1,6}(\s|$)/.test(proseLine)) return;
    const heading = lines[i]!.replace(/^ {0,3}#{1,6}\s*/, '').replace(/\s+#+\s*$/, '');
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  });
  return anchors;
}

/** `[text](target)`, `![alt](target)` and `[label]: target`, outside code, with their line. */
function linksOf(markdown: string): { target: string; line: number }[] {
  const found: { target: string; line: number }[] = [];
  segments(markdown)
    .prose.split('\n')
    .forEach((text, i) => {
      for (const match of text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
        found.push({ target: match[1]!, line: i + 1 });
      const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(\s|$)/.exec(text);
      if (definition) found.push({ target: definition[1]!, line: i + 1 });
    });
  return found;
}

/**
 * Every relative link that points at no file, or at an anchor no heading of its Markdown file gives; and every link
 * that leaves the repository. `docs` maps each checked file (absolute path) to its text; other Markdown targets are
 * read from disk.
 */
function brokenLinks(docs: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const anchorsOf = (path: string) => headingAnchors(docs.get(path) ?? readFileSync(path, 'utf8'));
  for (const [file, markdown] of docs) {
    const where = (line: number) => `${relative(PROJECT_ROOT, file)}:${line}`;
    for (const { target, line } of linksOf(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      const hash = target.indexOf('#');
      const pathPart = hash === -1 ? target : target.slice(0, hash);
      const anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const path = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
      if (path !== PROJECT_ROOT && !path.startsWith(PROJECT_ROOT + sep)) {
        problems.push(`${where(line)}: ${target} leaves the repository`);
        continue;
      }
      if (!docs.has(path) && !existsSync(path)) {
        problems.push(`${where(line)}: ${target}: no such file (${relative(PROJECT_ROOT, path)})`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!path.endsWith('.md')) problems.push(`${where(line)}: ${target}: an anchor into a file that is not Markdown`);
      else if (!anchorsOf(path).has(anchor))
        problems.push(`${where(line)}: ${target}: no heading gives #${anchor} in ${relative(PROJECT_ROOT, path)}`);
    }
  }
  return problems;
}

/** A `webhooks <command> [<sub>] [--options]` written in code, with the command the CLI would run. */
interface Invocation {
  where: string;
  text: string;
  command: string | undefined;
  options: string[];
}

/** Every `webhooks …` / `npx webhooks …` written in code spans and fenced blocks (shell comments left out). */
function invocationsOf(docs: ReadonlyMap<string, string>): Invocation[] {
  const found: Invocation[] = [];
  for (const [file, markdown] of docs) {
    for (const { text, line, fenced } of segments(markdown).code) {
      const source = fenced ? text.replace(/(^|\s)#.*$/, '') : text;
      // Not a path (bin/webhooks.js) nor a name (signalwire-webhooks, <stage>-webhooks-rejected).
      for (const match of source.matchAll(
        /(?<![\w./-])webhooks[ \t]+([a-z][\w-]*)(?:[ \t]+([a-z][\w-]*))?([^|;&\n]*)/g,
      )) {
        const [, first, second, rest] = match as unknown as [string, string, string | undefined, string];
        const command =
          second !== undefined && COMMANDS[`${first} ${second}`]
            ? `${first} ${second}`
            : COMMANDS[first]
              ? first
              : undefined;
        const options = [...rest.matchAll(/(?<![\w-])--([a-z][a-z-]*)/g)].map((option) => option[1]!);
        found.push({ where: `${relative(PROJECT_ROOT, file)}:${line}`, text: match[0].trim(), command, options });
      }
    }
  }
  return found;
}

/** Invocations naming no command of the CLI's registry, or an option that command does not take. */
function unknownCommands(docs: ReadonlyMap<string, string>): { problems: string[]; checked: number } {
  const invocations = invocationsOf(docs);
  const problems = invocations.flatMap(({ where, text, command, options }) => {
    if (command === undefined) return [`${where}: \`${text}\` names no command of cli/registry.ts`];
    const takes = new Set<string>(COMMANDS[command]!.options);
    return options
      .filter((option) => !GLOBAL_OPTIONS.has(option) && !takes.has(option))
      .map((option) => `${where}: \`${text}\`: webhooks ${command} takes no --${option}`);
  });
  return { problems, checked: invocations.length };
}

describe('the README and docs/ point at what exists', () => {
  const docs = projectDocs();

  it('every relative link names a file that exists, and every anchor a heading of it', () => {
    // given README.md and docs/*.md
    // when every link in them is followed
    const problems = brokenLinks(docs);
    // then none is broken
    assert.deepEqual(problems, []);
  });

  it('every `webhooks …` they write is a command of the CLI, with options it takes', () => {
    const { problems, checked } = unknownCommands(docs);
    assert.ok(checked >= 20, `only ${checked} webhooks commands found: is the pattern still finding them?`);
    assert.deepEqual(problems, []);
  });

  it('finds a broken link, a missing anchor, a link out of the repository and an unknown command', () => {
    // given a README with one of each mistake, beside links that hold
    const readme = join(PROJECT_ROOT, 'README.md');
    const text = [
      '# Title',
      '## Quick start',
      'See [architecture](docs/architecture.md), [the start](#quick-start) and [samples](samples/README.md).',
      'See [nothing](docs/no-such-file.md), [a lost anchor](#no-such-heading) and [outside](../elsewhere/notes.md).',
      '```sh',
      'npx webhooks dlq lsit          # a typo',
      'npx webhooks dlq list --json',
      'npx webhooks calls show c-1 --since 2025-01-01',
      '```',
      'Also `webhooks tail --kind call`, `signalwire-webhooks` and `bin/webhooks.js`.',
    ].join('\n');
    const docs = new Map([[readme, text]]);
    // when both checks run
    const links = brokenLinks(docs);
    const commands = unknownCommands(docs);
    // then each mistake is reported, and nothing else
    assert.deepEqual(links, [
      'README.md:4: docs/no-such-file.md: no such file (docs/no-such-file.md)',
      'README.md:4: #no-such-heading: no heading gives #no-such-heading in README.md',
      'README.md:4: ../elsewhere/notes.md leaves the repository',
    ]);
    assert.deepEqual(commands.problems, [
      'README.md:6: `webhooks dlq lsit` names no command of cli/registry.ts',
      'README.md:8: `webhooks calls show c-1 --since 2025-01-01`: webhooks calls show takes no --since',
    ]);
    assert.equal(commands.checked, 4);
  });

  it('makes anchors as GitHub does', () => {
    assert.equal(githubSlug('Guarantees and how they are kept'), 'guarantees-and-how-they-are-kept');
    assert.equal(githubSlug('`<service>-<stage>-dlq-not-empty`'), 'service-stage-dlq-not-empty');
    assert.equal(githubSlug('Archive, tail and replay'), 'archive-tail-and-replay');
    assert.equal(githubSlug('npm test'), 'npm-test');
    assert.deepEqual([...headingAnchors('# A\n## A\n```\n# not a heading\n```\n## A')], ['a', 'a-1', 'a-2']);
  });
});
