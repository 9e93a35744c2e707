/* Popup: paste a draft, check it through the background, show score, level and findings. */
(function () {
  "use strict";
  const { MSG, STATUS, ask, textmap, build } = globalThis.Impartial;
  const { el, safeUrl } = build;
  const $ = (id) => document.getElementById(id);
  const LEVEL_WORDS = { none: "No issues", low: "Low risk", medium: "Medium risk", high: "High risk" };
  const SEVERITY_WORDS = { low: "Low", medium: "Medium", high: "High" };

  function showService(health) {
    const footer = $("service");
    if (health.reachable) {
      footer.dataset.state = "reachable";
      $("service-text").textContent = `Service reachable \u00b7 rules ${health.rulesVersion || "unknown"}`;
    } else {
      footer.dataset.state = "unreachable";
      $("service-text").textContent = `Service not reachable at ${health.serviceUrl || "the configured address"}`;
    }
    footer.dataset.rulesVersion = health.rulesVersion || "";
  }

  async function refreshService() {
    try {
      showService(await ask({ type: MSG.HEALTH }));
    } catch (error) {
      showService({ reachable: false, serviceUrl: String(error.message) });
    }
  }

  function renderResult(text, result) {
    const section = $("result");
    const findings = (result.findings || []).filter((f) => text.slice(f.start, f.end) === f.match);
    section.dataset.impartialLevel = result.level;
    section.dataset.impartialFindings = String(findings.length);
    section.dataset.rulesVersion = result.rules_version || "";
    $("level").textContent = LEVEL_WORDS[result.level] || result.level;
    $("score").textContent = `Score ${result.score} / 100`;

    const highlighted = [];
    for (const run of textmap.highlightRuns(text, findings)) {
      const chunk = text.slice(run.start, run.end);
      if (!run.findings.length) {
        highlighted.push(document.createTextNode(chunk));
        continue;
      }
      const worst = run.findings.map((i) => findings[i]).sort((a, b) => rank(b.severity) - rank(a.severity))[0];
      const mark = el("mark", { "data-severity": worst.severity, title: worst.message || "" }, chunk);
      highlighted.push(mark);
    }
    $("highlighted").replaceChildren(...highlighted);

    const items = findings.map((f) => {
      const li = el("li", { "data-rule": f.rule, "data-severity": f.severity });
      const top = el("p");
      top.append(el("span", { class: "sev", "data-severity": f.severity }, SEVERITY_WORDS[f.severity] || f.severity), el("q", {}, f.match));
      li.append(top, el("p", {}, f.message || ""));
      if (f.suggestion) li.append(el("p", { class: "sugg" }, `Try: ${f.suggestion}`));
      const href = f.guidance && safeUrl(f.guidance.url);
      if (href) {
        const p = el("p");
        p.append(el("a", { href, target: "_blank", rel: "noopener noreferrer" }, f.guidance.title || "Guidance"));
        li.append(p);
      }
      return li;
    });
    if (!items.length) items.push(el("li", { class: "none" }, "Nothing in this draft risks your political impartiality."));
    $("findings").replaceChildren(...items);
    section.hidden = false;
  }

  function rank(severity) {
    return ["low", "medium", "high"].indexOf(severity);
  }

  async function check() {
    const text = $("draft").value;
    $("error").hidden = true;
    if (!text.trim()) {
      $("error").textContent = "Paste or type a draft first.";
      $("error").hidden = false;
      return;
    }
    $("check").disabled = true;
    $("progress").textContent = "Checking\u2026";
    document.documentElement.dataset.state = "checking";
    try {
      const reply = await ask({ type: MSG.SCORE, text });
      if (reply.status === STATUS.OK) {
        renderResult(text, reply.result);
        document.documentElement.dataset.state = "done";
        $("progress").textContent = "";
      } else {
        const why = reply.status === STATUS.REFUSED
          ? `The service refused the draft: ${reply.error.message}`
          : "The checking service is not reachable. Check the service URL in Settings, or try again shortly.";
        $("error").textContent = why;
        $("error").hidden = false;
        $("result").hidden = true;
        $("progress").textContent = "";
        document.documentElement.dataset.state = reply.status;
        refreshService();
      }
    } catch (error) {
      $("error").textContent = `Could not check: ${error.message}`;
      $("error").hidden = false;
      document.documentElement.dataset.state = "error";
    } finally {
      $("check").disabled = false;
    }
  }

  $("check").addEventListener("click", check);
  $("draft").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      check();
    }
  });
  $("open-options").addEventListener("click", () => chrome.runtime.openOptionsPage());
  refreshService().finally(() => {
    document.documentElement.dataset.ready = "1";
  });
})();
