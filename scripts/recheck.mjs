// ReDoS and JavaScript-syntax check of regex patterns, for the rule lint (tests/test_dialect.py).
// stdin: a JSON array of pattern strings; stdout: a JSON array of
// {pattern, js: null | "<syntax error>", status: "safe"|"vulnerable"|"unknown", complexity, attack}.
// Patterns are checked as the rules use them: with the u and i flags.
import { check } from "recheck";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const patterns = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const timeout = Number(process.env.RECHECK_TIMEOUT_MS || 1000);

const results = [];
for (const pattern of patterns) {
  let js = null;
  try { new RegExp(pattern, "iu"); } catch (error) { js = String(error.message); }
  let status = "invalid", complexity = null, attack = null;
  if (js === null) {
    const diagnostics = await check(pattern, "iu", { timeout, randomSeed: 42 });
    status = diagnostics.status;
    complexity = diagnostics.complexity ? diagnostics.complexity.type : null;
    attack = diagnostics.attack ? diagnostics.attack.pattern : null;
  }
  results.push({ pattern, js, status, complexity, attack });
}
process.stdout.write(JSON.stringify(results));
