// Reads the README's snippets by their markers, so that tests run what a user copies, never a copy of it.
// A marker is an HTML comment directly before a fenced code block:
//   <!-- snippet: <name> [file=<filename>] -->
// Each snippet also keeps the prose between the previous code block and its marker, where the README says
// how to run it ("start your app with `node --import ./instrumentation.mjs app.mjs`").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './run-utils.mjs';

/** Map of snippet name -> { name, file, lang, code, before }; throws on a marker without a code block. */
export function readReadmeSnippets(readmePath = join(ROOT, 'README.md')) {
  const text = readFileSync(readmePath, 'utf8');
  const snippets = new Map();
  const marker = /<!-- snippet: ([\w-]+)(?: file=(\S+))? -->\n```(\w*)\n([\s\S]*?)\n```/g;
  const loose = /<!-- snippet: ([\w-]+)/g;
  let previousEnd = 0;
  for (const m of text.matchAll(marker)) {
    const [, name, file, lang, code] = m;
    if (snippets.has(name)) throw new Error(`README: two snippets named ${name}`);
    const before = text.slice(previousEnd, m.index);
    snippets.set(name, { name, file, lang, code: code + '\n', before });
    previousEnd = m.index + m[0].length;
  }
  for (const m of text.matchAll(loose)) {
    if (!snippets.has(m[1])) throw new Error(`README: the snippet marker ${m[1]} is not directly followed by a code block`);
  }
  return snippets;
}

/** A snippet by name; throws when the README has none by that name. */
export function snippet(snippets, name) {
  const s = snippets.get(name);
  if (!s) throw new Error(`README: no snippet named ${name} (found: ${[...snippets.keys()].join(', ')})`);
  return s;
}

/** The inline `node ...` commands the prose before a snippet gives, e.g. "run the bundle with `node dist/app.js`". */
export function proseNodeCommands(s) {
  return [...s.before.matchAll(/`(node [^`]+)`/g)].map((m) => m[1]);
}

/** Shell words: split on unquoted spaces; '...' and "..." quote (no escapes or expansions inside). */
export function shellWords(text) {
  const words = [];
  let word;
  let quote;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in: ${text}`);
  if (word !== undefined) words.push(word);
  return words;
}

/**
 * The commands of a shell snippet, each as `{ env, argv, comment }`. Continuation lines are joined; a line
 * of `NAME=value` words followed by a command sets those variables for it; a commented-out command line
 * (`# node -r ... app.js  # CommonJS`) is an alternative to the command before it and gets the same
 * variables. A trailing ` # ...` is the command's comment.
 */
export function shellCommands(code) {
  const lines = code.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter(Boolean);
  const out = [];
  let lastEnv = {};
  for (const raw of lines) {
    const alternative = raw.startsWith('#');
    const line = alternative ? raw.replace(/^#\s*/, '') : raw;
    const hash = line.search(/\s#\s/);
    const command = (hash >= 0 ? line.slice(0, hash) : line).trim();
    const comment = hash >= 0 ? line.slice(hash).replace(/^\s*#\s*/, '').trim() : '';
    const words = shellWords(command);
    const env = {};
    while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
      const [k, ...v] = words.shift().split('=');
      env[k] = v.join('=');
    }
    if (words.length === 0) continue;
    if (alternative && !/^(node|npm|npx)$/.test(words[0])) continue; // a plain comment
    const effectiveEnv = alternative && Object.keys(env).length === 0 ? lastEnv : env;
    if (!alternative) lastEnv = env;
    out.push({ env: effectiveEnv, argv: words, comment });
  }
  return out;
}
