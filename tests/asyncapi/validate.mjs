// Validates an AsyncAPI document with the official parser (@asyncapi/parser): prints every
// diagnostic and exits 1 if any has severity "error" (or the document does not parse).
// usage: node validate.mjs FILE
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const file = process.argv[2] ?? "../../clients/asyncapi.json";
const text = await readFile(file, "utf8");
const parser = new Parser();
const { document, diagnostics } = await parser.parse(text, { source: file });

const names = { 0: "error", 1: "warning", 2: "info", 3: "hint" };
for (const d of diagnostics) {
  const at = d.path && d.path.length ? ` at ${d.path.join(".")}` : "";
  console.log(`${names[d.severity] ?? d.severity}: ${d.code}: ${d.message}${at}`);
}
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
if (errors.length > 0 || document === undefined) {
  console.error(`${file}: ${errors.length} error(s): not a valid AsyncAPI document`);
  process.exit(1);
}
const channels = document.channels().length;
const operations = document.operations().length;
console.log(`${file}: valid AsyncAPI ${document.version()} (${channels} channels, ${operations} operations)`);
