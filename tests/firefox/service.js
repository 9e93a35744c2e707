/* A real gunicorn process serving the app on a free port, as `make run` starts it (tests/conftest.py's Service). */
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");

const ROOT = path.join(__dirname, "..", "..");
const PYTHON = path.join(ROOT, ".venv", "bin", "python");
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function healthy(url) {
  try {
    const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.ok && (await response.json()).status === "ok";
  } catch (_) {
    return false;
  }
}

/** Starts gunicorn over the bundled rules; resolves once /healthz answers. stop() ends its process group. */
async function startService({ workers = 1 } = {}) {
  if (!fs.existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run \`make test-firefox\`, which creates it`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PORT: String(port), WORKERS: String(workers), IMPARTIAL_RULES_DIR: path.join(ROOT, "shared-rules") };
  delete env.IMPARTIAL_RUNTIME_DIR;
  delete env.PROMETHEUS_MULTIPROC_DIR;
  const child = spawn(PYTHON, ["-m", "gunicorn", "-c", path.join(ROOT, "service", "gunicorn_conf.py"), "service:create_app()"], {
    cwd: ROOT, env, detached: true, stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (chunk) => {
    log = (log + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let running = true;
  exited.then(() => {
    running = false;
  });

  // SIGINT, as Ctrl+C on `make run`: gunicorn's quick shutdown, so a test need not wait out keep-alives.
  async function stop() {
    if (!running) return;
    process.kill(-child.pid, "SIGINT");
    const timer = setTimeout(() => running && process.kill(-child.pid, "SIGKILL"), 30000);
    await exited;
    clearTimeout(timer);
  }

  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (!running) throw new Error(`gunicorn exited before answering:\n${log}`);
    if (await healthy(url)) return { url, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`gunicorn did not answer within 60 s:\n${log}`);
}

/** The service's own answer for a draft, so tests follow the rules as they evolve. */
async function expected(serviceUrl, text, host = null) {
  const context = { election_period: false, account: "personal" };
  if (host) context.site = host.replace(/^www\./, "");
  const response = await fetch(`${serviceUrl}/v1/score`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ text, profile: "public-servant", context }),
  });
  return response.json();
}

module.exports = { ROOT, PYTHON, freePort, startService, expected };
