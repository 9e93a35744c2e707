/* Options page: edit settings through the background; settings set by policy show as locked. */
(function () {
  "use strict";
  const { MSG, ask, settings: S, build } = globalThis.Impartial;
  const { el } = build;
  const $ = (id) => document.getElementById(id);
  const FLAGS = ["electionPeriod", "officialAccount", "preSendCheck"];
  let locked = [];
  let saves = 0;

  function buildSites(sites) {
    const box = $("sites");
    for (const site of sites) {
      const row = el("div", { class: "row check", "data-setting": `sites.${site.id}` });
      row.append(el("input", { id: `site-${site.id}`, type: "checkbox", "data-site": site.id }), el("label", { for: `site-${site.id}` }, `${site.label} (${site.hosts.join(", ")})`));
      box.append(row);
    }
  }

  function setProfiles(names, current) {
    const list = [...new Set([...names, current])];
    $("profile").replaceChildren(...list.map((name) => el("option", { value: name }, name)));
    $("profile").value = current;
  }

  function fill(settings) {
    $("serviceUrl").value = settings.serviceUrl;
    if (![...$("profile").options].some((o) => o.value === settings.profile)) {
      setProfiles([...$("profile").options].map((o) => o.value), settings.profile);
    }
    $("profile").value = settings.profile;
    for (const key of FLAGS) $(key).checked = settings[key];
    for (const input of document.querySelectorAll("input[data-site]")) input.checked = settings.sites[input.dataset.site] !== false;
    $("mastodonInstances").value = settings.mastodonInstances.join("\n");
  }

  function showLocks() {
    for (const row of document.querySelectorAll("[data-setting]")) {
      const isLocked = locked.includes(row.dataset.setting);
      row.toggleAttribute("data-locked", isLocked);
      for (const input of row.querySelectorAll("input, select, textarea")) input.disabled = isLocked;
      const label = row.querySelector("label");
      const badge = row.querySelector(".lock");
      if (isLocked && !badge) label.append(el("span", { class: "lock", title: "Set by your organisation's policy" }, "Locked by your organisation"));
      if (!isLocked && badge) badge.remove();
    }
    $("managed-note").hidden = locked.length === 0;
  }

  function readForm() {
    const sites = {};
    for (const input of document.querySelectorAll("input[data-site]")) sites[input.dataset.site] = input.checked;
    const out = {
      serviceUrl: $("serviceUrl").value.trim(),
      profile: $("profile").value,
      sites,
      mastodonInstances: $("mastodonInstances").value.split(/[\s,]+/).filter(Boolean),
    };
    for (const key of FLAGS) out[key] = $(key).checked;
    return out;
  }

  function showErrors(errors) {
    for (const field of ["serviceUrl", "mastodonInstances"]) {
      const mine = errors.filter((e) => e.field === field);
      $(`${field}-error`).hidden = !mine.length;
      $(`${field}-error`).textContent = mine.map((e) => e.message).join(" ");
      $(field).setAttribute("aria-invalid", mine.length ? "true" : "false");
    }
  }

  /**
   * Host permissions a change needs: an https service and extra Mastodon instances.
   * Values set by policy are the administrator's to grant (ExtensionSettings), not the user's.
   */
  function originsNeeded(change) {
    const origins = [];
    const url = S.normalizeServiceUrl(change.serviceUrl);
    if (url.ok && url.url.startsWith("https:") && !locked.includes("serviceUrl")) origins.push(`${new URL(url.url).origin}/*`);
    if (locked.includes("mastodonInstances")) return origins;
    for (const item of change.mastodonInstances) {
      const host = S.normalizeInstance(item);
      if (host) origins.push(`https://${host}/*`);
    }
    return origins;
  }

  async function save(event) {
    event.preventDefault();
    const change = readForm();
    const { errors } = S.sanitize(change);
    showErrors(errors);
    if (errors.length) {
      $("status").textContent = "Not saved: fix the fields marked above.";
      return;
    }
    // permissions.request must run in the click's user gesture, before any other await.
    const origins = originsNeeded(change);
    const granted = origins.length ? await chrome.permissions.request({ origins }).catch(() => false) : true;
    if (!granted) {
      $("status").textContent = "Not saved: the browser did not grant access to the service or instances.";
      return;
    }
    try {
      const reply = await ask({ type: MSG.SAVE_SETTINGS, settings: change });
      if (!reply.saved) {
        showErrors(reply.errors);
        $("status").textContent = "Not saved: fix the fields marked above.";
        return;
      }
      locked = reply.locked;
      fill(reply.settings);
      showLocks();
      saves += 1;
      document.documentElement.dataset.saved = String(saves);
      $("status").textContent = "Saved.";
      refreshService();
    } catch (error) {
      $("status").textContent = `Not saved: ${error.message}`;
    }
  }

  async function refreshService() {
    try {
      const health = await ask({ type: MSG.HEALTH });
      $("service-state").textContent = health.reachable
        ? `Service reachable \u00b7 rules ${health.rulesVersion || "unknown"}`
        : `Service not reachable at ${health.serviceUrl}`;
      $("service-state").dataset.state = health.reachable ? "reachable" : "unreachable";
    } catch (error) {
      $("service-state").textContent = `Service state unknown: ${error.message}`;
    }
  }

  async function init() {
    const state = await ask({ type: MSG.GET_SETTINGS });
    buildSites(state.sites);
    setProfiles(S.PROFILES, state.settings.profile);
    locked = state.locked;
    fill(state.settings);
    showLocks();
    $("form").addEventListener("submit", save);
    document.documentElement.dataset.ready = "1";
    ask({ type: MSG.GET_PROFILES })
      .then(({ profiles }) => {
        const current = $("profile").value;
        setProfiles(profiles, current);
        $("profile").disabled = locked.includes("profile");
        document.documentElement.dataset.profiles = "1";
      })
      .catch(() => {});
    refreshService();
  }

  init().catch((error) => {
    $("status").textContent = `Could not load settings: ${error.message}`;
    document.documentElement.dataset.ready = "error";
  });
})();
