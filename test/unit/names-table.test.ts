/*
 * src/core/semconv.ts is the one table of the attribute, metric and event names the package records: no
 * other file under src/ writes such a name as a string literal, and every entry of the table is used.
 * Strings are read with the TypeScript parser, so names in comments (the docs quote them) do not count.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');
const TABLE = join(SRC, 'core', 'semconv.ts');

/**
 * A recorded name: a dotted name in a namespace the package writes to (the GenAI conventions, this
 * package's own `genai_app`, the provider-specific and general ones), `error.type`, or a bare GenAI or
 * `genai_app` namespace (with or without its dot: a prefix that builds or checks names).
 */
const RECORDED_NAME =
  /^(?:gen_ai|genai_app|openai|aws|exception|server|user|deployment|service)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*$|^error\.type$|^(?:gen_ai|genai_app)\.?$/;

/** Values of `gen_ai.provider.name` that look like names (the providers map hosts and clients to them). */
const PROVIDER_NAME_VALUES = new Set(['aws.bedrock']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.[cm]?ts$/.test(entry.name) ? [path] : [];
  });
}

function parse(file: string, code = readFileSync(file, 'utf8')): ts.SourceFile {
  return ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true);
}

/** Every string literal (or template part) of `source` that is a recorded name, with its line. */
function nameLiterals(source: ts.SourceFile): Array<{ line: number; text: string }> {
  const found: Array<{ line: number; text: string }> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)) {
      if (RECORDED_NAME.test(node.text) && !PROVIDER_NAME_VALUES.has(node.text)) {
        found.push({ line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1, text: node.text });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The names the table exports: constants, types and re-exports from @opentelemetry/semantic-conventions. */
function tableEntries(): string[] {
  const names: string[] = [];
  for (const statement of parse(TABLE).statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isVariableStatement(statement) && exported) {
      for (const declaration of statement.declarationList.declarations) names.push(declaration.name.getText());
    } else if ((ts.isTypeAliasDeclaration(statement) || ts.isFunctionDeclaration(statement)) && exported && statement.name) {
      names.push(statement.name.text);
    } else if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) names.push(element.name.text);
    }
  }
  return names;
}

/** Every identifier of `source` (so a table entry named only in a comment counts as unused). */
function identifiers(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) found.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const others = sourceFiles(SRC)
  .filter((file) => file !== TABLE)
  .map((file) => parse(file));

describe('the names table (src/core/semconv.ts)', () => {
  it('is the only file under src/ that writes a recorded name as a string literal', () => {
    expect(others.length).toBeGreaterThan(50);
    const literals = others.flatMap((source) =>
      nameLiterals(source).map(({ line, text }) => `${relative(ROOT, source.fileName)}:${line}: ${JSON.stringify(text)}`),
    );
    expect(literals).toEqual([]);
  });

  it('has no entry that nothing in src/ uses', () => {
    const entries = tableEntries();
    expect(entries.length).toBeGreaterThan(50);
    const used = new Set(others.flatMap(identifiers));
    expect(entries.filter((name) => !used.has(name))).toEqual([]);
  });
});

describe('the literal scan', () => {
  const scan = (code: string) => nameLiterals(parse(join(SRC, 'example.ts'), code)).map(({ text }) => text);

  it('finds names in quotes, template literals, object keys and namespace prefixes', () => {
    const code = [
      "const a = { 'openai.api.type': 'chat_completions' };",
      'const b = `gen_ai.usage.input_tokens`;',
      "attrs['aws.request_id'] = id;",
      "if (key.startsWith('gen_ai.')) {}",
      'const c = `genai_app.${key}`;',
      "const d = { 'error.type': e, 'exception.message': m, 'server.address': h, 'user.id': u };",
    ].join('\n');
    expect(scan(code)).toEqual([
      'openai.api.type',
      'gen_ai.usage.input_tokens',
      'aws.request_id',
      'gen_ai.',
      'genai_app.',
      'error.type',
      'exception.message',
      'server.address',
      'user.id',
    ]);
  });

  it('leaves comments, provider values, model ids, host names and redaction fields alone', () => {
    const code = [
      '/** Sets `gen_ai.request.model`. */',
      "// 'openai.response.service_tier'",
      "const provider = 'aws.bedrock';",
      "if (id.includes('openai.')) {}",
      "const host = '.openai.azure.com';",
      "redact(message, { field: 'error.message' });",
      "const channel = 'http.client.request.start';",
    ].join('\n');
    expect(scan(code)).toEqual([]);
  });
});
