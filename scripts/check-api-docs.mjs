#!/usr/bin/env node
// Checks that every export of the package entry point (src/index.ts) has TSDoc: the declaration it
// resolves to (through renames and re-exports) carries a /** … */ comment with text. Prints each
// undocumented export with its file:line and exits 1 if there is any; `--list` prints every export.
// Part of `npm run docs`; TypeDoc then validates links and the documentation of classes, interfaces,
// type aliases and variables (its check of functions would also demand docs on every method).
import ts from "typescript";
import { fileURLToPath } from "node:url";
import { relative, resolve } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const entry = resolve(root, "src/index.ts");
const configPath = resolve(root, "tsconfig.json");
const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(config, ts.sys, root);
const program = ts.createProgram([entry], { ...parsed.options, noEmit: true });
const checker = program.getTypeChecker();
const source = program.getSourceFile(entry);
if (!source) {
  console.error(`cannot read ${entry}`);
  process.exit(2);
}
const moduleSymbol = checker.getSymbolAtLocation(source);
const exports = checker.getExportsOfModule(moduleSymbol);

function hasDoc(decl) {
  // JSDoc attaches to the statement for variables (`/** … */ export const X = …`).
  const nodes = [decl];
  if (ts.isVariableDeclaration(decl)) nodes.push(decl.parent.parent);
  for (const n of nodes) {
    for (const d of ts.getJSDocCommentsAndTags(n)) {
      if (ts.isJSDoc(d) && (typeof d.comment === "string" ? d.comment.trim() !== "" : (d.comment?.length ?? 0) > 0)) return true;
    }
  }
  return false;
}

const missing = [];
const list = [];
for (const sym of exports) {
  const target = sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
  const decls = target.getDeclarations() ?? [];
  const where = decls[0] ? `${relative(root, decls[0].getSourceFile().fileName)}:${decls[0].getSourceFile().getLineAndCharacterOfPosition(decls[0].getStart()).line + 1}` : "?";
  const renamed = target.getName() !== sym.getName() ? ` (${target.getName()})` : "";
  list.push(`${sym.getName()}${renamed}  ${where}`);
  if (!decls.some(hasDoc)) missing.push(`${sym.getName()}${renamed}  ${where}`);
}
if (process.argv.includes("--list")) console.log(list.sort().join("\n"));
if (missing.length) {
  console.error(`${missing.length} of ${exports.length} exports of src/index.ts have no TSDoc:\n  ${missing.sort().join("\n  ")}`);
  process.exit(1);
}
console.log(`all ${exports.length} exports of src/index.ts have TSDoc`);
