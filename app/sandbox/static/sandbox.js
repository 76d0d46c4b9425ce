// The sandbox page: shows what the server renders, and sends what the person does.
// Block Kit HTML comes from app/sandbox/render.py; every control carries data-block-id,
// data-action-id and data-type, from which this file builds Slack's state values and actions.
"use strict";

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);
  const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
  const REQUIRED = "Please complete this required field.";
  const CONTROLS = "input[data-action-id], select[data-action-id], textarea[data-action-id]";

  const page = {
    user: localStorage.getItem("sb.user"),
    channel: localStorage.getItem("sb.channel"),
    tab: localStorage.getItem("sb.tab") || "messages", // in the app's DM: "home" or "messages"
    homeOpenedFor: null, // the person whose Home tab was last opened (app_home_opened)
    version: null,
    modalKey: null,
    messagesHtml: null,
    violationsSeen: null,
    clockZone: null,
    poll: null,
    drafts: new Map(), // view id -> what was typed in it, kept while its person is switched away
  };

  // ---------------------------------------------------------------- talking to the server

  async function post(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ user: page.user, ...body }),
    });
    let data = {};
    try {
      data = await response.json();
    } catch {
      // Not JSON: the status below says what went wrong.
    }
    if (!response.ok && !data.error) data.error = `The sandbox answered ${response.status}.`;
    return data;
  }

  async function pollForever() {
    for (;;) {
      page.poll = new AbortController();
      const params = new URLSearchParams({ user: page.user || "", channel: page.channel || "" });
      if (page.version !== null) params.set("since", page.version);
      try {
        const response = await fetch(`/sandbox/state?${params}`, { signal: page.poll.signal });
        if (!response.ok) throw new Error(`state ${response.status}`);
        show(await response.json());
        $("#sb-app").classList.remove("sb-offline");
      } catch (error) {
        if (error.name === "AbortError") continue;
        $("#sb-app").classList.add("sb-offline");
        page.version = null;
        await new Promise((resolve) => setTimeout(resolve, 1000)); // the server restarts
      }
    }
  }

  function refresh() {
    page.version = null;
    if (page.poll) page.poll.abort();
  }

  // ---------------------------------------------------------------- showing the state

  function show(state) {
    page.version = state.version;
    if (page.user !== state.me.id) {
      page.user = state.me.id;
      localStorage.setItem("sb.user", page.user);
    }
    page.channel = state.channel.id;
    localStorage.setItem("sb.channel", page.channel);
    $("#sb-workspace").textContent = state.workspace;
    showPeople(state);
    showSidebar(state);
    showChannel(state.channel, state.me, state.home);
    showModal(state.modal);
    showViolations(state.violations);
    $("#sb-calendar").hidden = !state.calendar_address;
    $("#sb-calendar-address").value = state.calendar_address || "";
    if (page.clockZone !== state.me.tz) {
      page.clockZone = state.me.tz;
      $("#sb-clock-at").value = state.clock_default;
    }
    $("#sb-clock-now").textContent = `Sandbox time: ${state.clock_now} (your time)`;
    showShortcuts(state.shortcuts);
  }

  // The message box's shortcut menu: the app's global shortcuts.
  function showShortcuts(shortcuts) {
    const menu = $("#sb-shortcut-menu");
    const global = shortcuts.filter((s) => s.type === "global");
    const key = global.map((s) => s.callback_id).join(",");
    if (menu.dataset.key === key) return;
    const heading = document.createElement("p");
    heading.className = "sb-menu-heading";
    heading.textContent = "Commitment Coach";
    menu.replaceChildren(
      heading,
      ...global.map((s) => {
        const item = document.createElement("button");
        item.type = "button";
        item.className = "sb-menu-item";
        item.dataset.shortcut = s.callback_id;
        item.textContent = s.name;
        return item;
      }),
    );
    menu.dataset.key = key;
  }

  async function runShortcut(item) {
    const details = item.closest("details");
    if (details) details.open = false;
    const postElement = item.closest(".sb-post");
    const body = { callback_id: item.dataset.shortcut, channel: page.channel };
    if (postElement) {
      body.channel = postElement.dataset.channelId;
      body.message_ts = postElement.dataset.ts;
    }
    const result = await post("/sandbox/shortcut", body);
    if (result.error) notice(result.error);
  }

  function showPeople(state) {
    const select = $("#sb-person");
    const options = state.people.map((p) => `${p.id}|${p.name}|${p.role}`).join(",");
    if (select.dataset.options !== options) {
      select.replaceChildren(
        ...state.people.map((p) => new Option(`${p.name} (${p.role})`, p.id)),
      );
      select.dataset.options = options;
    }
    select.value = state.me.id;
    $("#sb-person-detail").textContent = `${state.me.role} · ${state.me.tz.replace("_", " ")}`;
  }

  function showSidebar(state) {
    const seenKey = `sb.seen.${state.me.id}`;
    const seen = JSON.parse(localStorage.getItem(seenKey) || "{}");
    seen[state.channel.id] = latestOf(state, state.channel.id);
    localStorage.setItem(seenKey, JSON.stringify(seen));
    const item = (entry, label) => {
      const link = document.createElement("a");
      link.href = "#";
      link.className = "sb-nav-item";
      link.dataset.channelId = entry.id;
      link.textContent = label;
      link.classList.toggle("sb-active", entry.id === state.channel.id);
      link.classList.toggle("sb-unread", entry.latest > (seen[entry.id] || ""));
      const li = document.createElement("li");
      li.append(link);
      return li;
    };
    $("#sb-channels").replaceChildren(...state.channels.map((c) => item(c, `# ${c.name}`)));
    $("#sb-apps").replaceChildren(...state.apps.map((a) => item(a, a.name)));
  }

  function latestOf(state, channelId) {
    const entry = [...state.channels, ...state.apps].find((c) => c.id === channelId);
    return entry ? entry.latest : "";
  }

  // What to try first, by the sample person's role.
  const APP_HINTS = {
    "Sales rep": "Plan with /precall, log with /postcall; /coach me shows your figures.",
    "Sales manager":
      "Once the admin names you a manager, /coach summary sets up your team's summary.",
    "Workspace admin": "Name the managers with /coach managers.",
  };

  function showChannel(channel, me, home) {
    const onHome = channel.is_app && page.tab === "home";
    $("#sb-tabs").hidden = !channel.is_app;
    for (const tab of $$("#sb-tabs button")) {
      tab.setAttribute("aria-selected", String(tab.dataset.tab === (onHome ? "home" : "messages")));
    }
    $("#sb-composer").hidden = onHome;
    if (onHome && page.homeOpenedFor !== me.id) openHome(me.id);
    if (onHome) {
      const html = home ? home.html : '<div class="sb-empty">Opening the Home…</div>';
      if (page.messagesHtml !== html) {
        $("#sb-messages").innerHTML = html;
        page.messagesHtml = html;
      }
      $("#sb-channel-title").textContent = channel.name;
      $("#sb-channel-hint").textContent = "The app's Home: your week, and what needs you.";
      return;
    }
    $("#sb-channel-title").textContent = channel.is_app ? channel.name : `# ${channel.name}`;
    $("#sb-channel-hint").textContent = channel.is_app
      ? `Your DM with the app. ${APP_HINTS[me.role] || "Try /coach help."}`
      : "Channel summaries are posted here. Managers set them up with /coach summary.";
    $("#sb-message-input").placeholder = channel.is_app
      ? "Message Commitment Coach, or type /precall, /postcall, /coach help"
      : `Message #${channel.name}, or type a command`;
    if (page.messagesHtml === channel.html) return;
    const box = $("#sb-messages");
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    const openThreads = new Set(
      $$("details.sb-thread[open]", box).map((d) => d.closest(".sb-post").dataset.ts),
    );
    box.innerHTML = channel.html;
    for (const details of $$("details.sb-thread", box)) {
      if (openThreads.has(details.closest(".sb-post").dataset.ts)) details.open = true;
    }
    if (atBottom || page.messagesHtml === null) box.scrollTop = box.scrollHeight;
    page.messagesHtml = channel.html;
  }

  function showModal(modal) {
    const layer = $("#sb-modal-layer");
    if (!modal) {
      layer.hidden = true;
      layer.replaceChildren();
      page.modalKey = null;
      return;
    }
    if (page.modalKey === modal.key) return; // keep what the person is typing
    page.modalKey = modal.key;
    const previous = $("form.sb-modal", layer);
    // The app updated the view the person is typing in, or the person comes back to it:
    // keep what they typed (and where, for an update).
    const typed = previous && previous.dataset.viewId === modal.id
      ? typedIn(previous)
      : page.drafts.get(modal.id);
    page.drafts.delete(modal.id);
    layer.innerHTML = modal.html;
    layer.hidden = false;
    const form = $("form.sb-modal", layer);
    if (modal.depth > 1) {
      const back = document.createElement("button");
      back.type = "button";
      back.className = "sb-modal-back";
      back.setAttribute("aria-label", "Back");
      back.textContent = "←";
      $(".sb-modal-header", form).prepend(back);
    }
    if (typed) {
      restoreTyped(form, typed);
      return;
    }
    for (const select of $$("select[data-default-to-current-conversation]", form)) {
      if (!select.value && [...select.options].some((o) => o.value === page.channel)) {
        select.value = page.channel;
      }
    }
    const first = $(".sb-modal-body .sb-control", form);
    if (first) first.focus();
  }

  // Slack keeps what was typed in inputs an update keeps; here also the caret.
  function controlKey(control) {
    return control.type === "radio" || control.type === "checkbox"
      ? `${control.name}|${control.value}`
      : control.id;
  }

  function typedIn(form) {
    const controls = new Map();
    for (const control of $$(CONTROLS, form)) {
      controls.set(controlKey(control), {
        value: control.value,
        checked: control.checked,
        selected: control.multiple ? [...control.selectedOptions].map((o) => o.value) : null,
      });
    }
    const active = document.activeElement;
    const focus = active && form.contains(active) && active.matches(CONTROLS)
      ? { key: controlKey(active), start: active.selectionStart, end: active.selectionEnd }
      : null;
    return { controls, focus };
  }

  function restoreTyped(form, typed) {
    for (const control of $$(CONTROLS, form)) {
      const saved = typed.controls.get(controlKey(control));
      if (!saved) continue;
      if (control.type === "radio" || control.type === "checkbox") control.checked = saved.checked;
      else if (saved.selected) {
        for (const option of control.options) option.selected = saved.selected.includes(option.value);
      } else control.value = saved.value;
    }
    if (!typed.focus) return;
    const control = $$(CONTROLS, form).find((c) => controlKey(c) === typed.focus.key);
    if (!control) return;
    control.focus();
    if (typed.focus.start !== null && "setSelectionRange" in control) {
      try {
        control.setSelectionRange(typed.focus.start, typed.focus.end);
      } catch {
        // Inputs such as date pickers have no caret.
      }
    }
  }

  function showViolations(violations) {
    if (page.violationsSeen !== null && violations.total > page.violationsSeen) {
      const fresh = violations.recent.slice(-(violations.total - page.violationsSeen));
      for (const text of fresh) notice(`Slack refused what the app sent: ${text}`);
    }
    page.violationsSeen = violations.total;
  }

  function notice(text) {
    const item = document.createElement("div");
    item.className = "sb-notice";
    item.setAttribute("role", "alert");
    const close = document.createElement("button");
    close.type = "button";
    close.className = "sb-notice-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", () => item.remove());
    const words = document.createElement("span");
    words.textContent = text;
    item.append(words, close);
    $("#sb-notices").append(item);
  }

  // ---------------------------------------------------------------- Block Kit values

  function optionOf(option) {
    return { text: { type: "plain_text", text: option.textContent, emoji: true }, value: option.value };
  }

  function choiceOf(input) {
    const label = input.closest("label.sb-choice").querySelector("span");
    const description = label.querySelector(".sb-choice-description");
    const text = description
      ? label.textContent.slice(0, -description.textContent.length)
      : label.textContent;
    return { text: { type: "plain_text", text: text.trim(), emoji: true }, value: input.value };
  }

  // One element's value, shaped as Slack sends it in view.state.values.
  function valueOf(control, root) {
    const type = control.dataset.type;
    const name = CSS.escape(control.name);
    const chosen = () => [...control.selectedOptions].filter((o) => o.value);
    switch (type) {
      case "static_select":
      case "overflow": {
        const [option] = chosen();
        return { type, selected_option: option ? optionOf(option) : null };
      }
      case "multi_static_select":
        return { type, selected_options: chosen().map(optionOf) };
      case "radio_buttons": {
        const checked = $(`input[type=radio][name="${name}"]:checked`, root);
        return { type, selected_option: checked ? choiceOf(checked) : null };
      }
      case "checkboxes":
        return {
          type,
          selected_options: $$(`input[type=checkbox][name="${name}"]:checked`, root).map(choiceOf),
        };
      case "datepicker":
        return { type, selected_date: control.value || null };
      case "timepicker":
        return { type, selected_time: control.value || null };
      case "users_select":
        return { type, selected_user: control.value || null };
      case "multi_users_select":
        return { type, selected_users: chosen().map((o) => o.value) };
      case "conversations_select":
        return { type, selected_conversation: control.value || null };
      case "multi_conversations_select":
        return { type, selected_conversations: chosen().map((o) => o.value) };
      case "channels_select":
        return { type, selected_channel: control.value || null };
      case "multi_channels_select":
        return { type, selected_channels: chosen().map((o) => o.value) };
      default:
        return { type, value: control.value === "" ? null : control.value };
    }
  }

  function stateValues(root) {
    const values = {};
    for (const control of $$(CONTROLS, root)) {
      if (control.dataset.type === "overflow") continue; // an overflow menu has no state
      const { blockId, actionId } = control.dataset;
      values[blockId] = values[blockId] || {};
      if (!(actionId in values[blockId])) values[blockId][actionId] = valueOf(control, root);
    }
    return values;
  }

  function actionOf(control, root) {
    const ids = { action_id: control.dataset.actionId, block_id: control.dataset.blockId };
    if (control.tagName === "BUTTON") {
      const action = {
        type: "button",
        ...ids,
        text: { type: "plain_text", text: control.textContent.trim(), emoji: true },
      };
      if (control.dataset.value !== undefined) action.value = control.dataset.value;
      return action;
    }
    return { ...valueOf(control, root), ...ids };
  }

  function isEmpty(value) {
    return Object.entries(value).every(
      ([key, v]) => key === "type" || v === null || v === "" || (Array.isArray(v) && !v.length),
    );
  }

  // Slack checks required inputs and minimum lengths before a modal is submitted.
  function missingInputs(form, values) {
    const errors = [];
    for (const block of $$(".sb-block.sb-input", form)) {
      const control = $(CONTROLS, block);
      if (!control) continue;
      const value = values[control.dataset.blockId][control.dataset.actionId];
      const min = Number(control.getAttribute("minlength") || 0);
      if (isEmpty(value) && !$(".sb-optional", block)) errors.push([block, REQUIRED]);
      else if (min && value.value && value.value.length < min) {
        errors.push([block, `Must be at least ${min} characters.`]);
      }
    }
    return errors;
  }

  // ---------------------------------------------------------------- confirm dialogs

  function confirmFirst(element) {
    const data = element.dataset;
    if (!data.confirmTitle && !data.confirmText) return Promise.resolve(true);
    return ask({
      title: data.confirmTitle,
      text: data.confirmText,
      confirm: data.confirmConfirm,
      deny: data.confirmDeny,
      danger: data.confirmStyle === "danger",
    });
  }

  function ask({ title, text, confirm = "Yes", deny = "Cancel", danger = false }) {
    const dialog = $("#sb-confirm");
    $("#sb-confirm-title").textContent = title || "";
    $("#sb-confirm-text").textContent = text || "";
    $("#sb-confirm-ok").textContent = confirm;
    $("#sb-confirm-cancel").textContent = deny;
    $("#sb-confirm-ok").classList.toggle("sb-button-danger", danger);
    $("#sb-confirm-ok").classList.toggle("sb-button-primary", !danger);
    dialog.returnValue = "";
    dialog.showModal();
    return new Promise((resolve) => {
      dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    });
  }

  // ---------------------------------------------------------------- what the person does

  async function dispatchInView(form, control) {
    if (!(await confirmFirst(control))) return;
    const values = stateValues(form);
    const result = await post("/sandbox/actions", {
      view_id: form.dataset.viewId,
      action: actionOf(control, form),
      values,
    });
    if (result.error) modalProblem(form, result.error);
  }

  async function openHome(userId) {
    page.homeOpenedFor = userId; // Slack sends app_home_opened on each opening of the tab
    const result = await post("/sandbox/home", {});
    if (result.error) notice(result.error);
  }

  async function dispatchInHome(control) {
    if (!(await confirmFirst(control))) return;
    const home = control.closest(".sb-home");
    const result = await post("/sandbox/actions", {
      view_id: home.dataset.viewId,
      action: actionOf(control, home),
      values: stateValues(home),
    });
    if (result.error) notice(result.error);
  }

  async function dispatchInMessage(control) {
    if (!(await confirmFirst(control))) return;
    const postElement = control.closest(".sb-post");
    const message = control.closest(".sb-message");
    if (control.dataset.url) window.open(control.dataset.url, "_blank", "noopener");
    const result = await post("/sandbox/actions", {
      channel: postElement.dataset.channelId,
      message_ts: postElement.dataset.ts,
      action: actionOf(control, message),
      values: stateValues(message),
    });
    if (result.error) notice(result.error);
  }

  function modalProblem(form, text) {
    $$(".sb-modal-problem", form).forEach((old) => old.remove());
    const problem = document.createElement("div");
    problem.className = "sb-error sb-modal-problem";
    problem.setAttribute("role", "alert");
    problem.textContent = text;
    $(".sb-modal-body", form).prepend(problem);
  }

  async function submitModal(form) {
    const values = stateValues(form);
    $$(".sb-error", form).forEach((old) => old.remove());
    const missing = missingInputs(form, values);
    if (missing.length) {
      for (const [block, text] of missing) {
        const error = document.createElement("div");
        error.className = "sb-error";
        error.setAttribute("role", "alert");
        error.textContent = text;
        block.append(error);
      }
      return;
    }
    const button = $("button[data-view-action=submit]", form);
    button.disabled = true;
    try {
      const result = await post("/sandbox/views/submit", { view_id: form.dataset.viewId, values });
      if (result.error) modalProblem(form, result.error);
    } finally {
      button.disabled = false;
    }
  }

  function closeModal(form) {
    post("/sandbox/views/close", { view_id: form.dataset.viewId });
  }

  function wireModal() {
    const layer = $("#sb-modal-layer");
    layer.addEventListener("submit", (event) => {
      event.preventDefault();
      submitModal(event.target);
    });
    layer.addEventListener("click", (event) => {
      const form = event.target.closest("form.sb-modal");
      if (!form) return;
      const button = event.target.closest("button");
      if (!button) return;
      if (button.dataset.viewAction === "close" || button.classList.contains("sb-modal-back")) {
        event.preventDefault();
        closeModal(form);
      } else if (button.dataset.actionId) {
        event.preventDefault();
        dispatchInView(form, button);
      }
    });
    layer.addEventListener("change", (event) => {
      const control = event.target;
      const form = control.closest("form.sb-modal");
      if (!form || control.dataset.dispatchAction !== "true") return;
      if (control.dataset.type === "plain_text_input") return; // sent on Enter or on typing
      dispatchInView(form, control);
    });
    const typed = new WeakMap();
    layer.addEventListener("input", (event) => {
      const control = event.target;
      const triggers = (control.dataset.triggerActionsOn || "").split(" ");
      if (control.dataset.dispatchAction !== "true" || !triggers.includes("on_character_entered")) {
        return;
      }
      clearTimeout(typed.get(control));
      typed.set(control, setTimeout(() => dispatchInView(control.closest("form"), control), 400));
    });
    layer.addEventListener("keydown", (event) => {
      const control = event.target;
      if (event.key !== "Enter" || control.tagName !== "INPUT" || control.type !== "text") return;
      event.preventDefault(); // Enter does not submit a Slack modal
      const triggers = (control.dataset.triggerActionsOn || "on_enter_pressed").split(" ");
      if (control.dataset.dispatchAction === "true" && triggers.includes("on_enter_pressed")) {
        dispatchInView(control.closest("form"), control);
      }
    });
  }

  function wireMessages() {
    const box = $("#sb-messages");
    box.addEventListener("click", (event) => {
      const button = event.target.closest("button.sb-button[data-action-id]");
      if (button && button.closest(".sb-home")) dispatchInHome(button);
      else if (button) dispatchInMessage(button);
      const shortcut = event.target.closest("button[data-shortcut]");
      if (shortcut) runShortcut(shortcut);
    });
    box.addEventListener("change", async (event) => {
      if (event.target.matches(CONTROLS) && event.target.dataset.dispatchAction === "true") {
        await dispatchInMessage(event.target);
        if (event.target.dataset.type === "overflow") event.target.value = "";
      }
    });
  }

  function wireComposer() {
    $("#sb-shortcut-menu").addEventListener("click", (event) => {
      const shortcut = event.target.closest("button[data-shortcut]");
      if (shortcut) runShortcut(shortcut);
    });
    const input = $("#sb-message-input");
    const send = async () => {
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      const result = await post("/sandbox/command", { channel: page.channel, text });
      if (result.error) notice(result.error);
    };
    $("#sb-composer").addEventListener("submit", (event) => {
      event.preventDefault();
      send();
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        send();
      }
    });
  }

  function wireSidebar() {
    $("#sb-person").addEventListener("change", (event) => {
      const open = $("#sb-modal-layer form.sb-modal");
      if (open) page.drafts.set(open.dataset.viewId, { ...typedIn(open), focus: null });
      page.user = event.target.value;
      page.channel = null;
      page.messagesHtml = null;
      page.modalKey = null;
      localStorage.setItem("sb.user", page.user);
      localStorage.removeItem("sb.channel");
      refresh();
    });
    $("#sb-sidebar").addEventListener("click", (event) => {
      const link = event.target.closest("a.sb-nav-item");
      if (!link) return;
      event.preventDefault();
      page.channel = link.dataset.channelId;
      page.messagesHtml = null;
      refresh();
    });
    $("#sb-tabs").addEventListener("click", (event) => {
      const tab = event.target.closest("button[data-tab]");
      if (!tab) return;
      page.tab = tab.dataset.tab;
      localStorage.setItem("sb.tab", page.tab);
      page.homeOpenedFor = null;
      page.messagesHtml = null;
      refresh();
    });
    for (const button of $$("#sb-clock button[data-run]")) {
      button.addEventListener("click", () => runClock(button));
    }
    $("#sb-reset").addEventListener("click", async () => {
      const sure = await ask({
        title: "Reset the sandbox?",
        text: "Every plan, outcome, setting and message is deleted; the sample people stay.",
        confirm: "Reset",
        danger: true,
      });
      if (!sure) return;
      await post("/sandbox/reset", {});
      for (const key of Object.keys(localStorage)) {
        if (key.startsWith("sb.seen.")) localStorage.removeItem(key);
      }
      $("#sb-clock-output").textContent = "";
      page.messagesHtml = null;
      refresh();
    });
  }

  async function runClock(button) {
    const at = $("#sb-clock-at").value;
    const output = $("#sb-clock-output");
    if (!at) {
      output.textContent = "Pick a date and a time first.";
      return;
    }
    const buttons = $$("#sb-clock button");
    buttons.forEach((b) => (b.disabled = true));
    output.textContent = `${button.textContent} as of ${at.replace("T", " ")}…`;
    try {
      const result = await post("/sandbox/clock", { run: button.dataset.run, at });
      const heading = `${button.textContent} as of ${at.replace("T", " ")} (${page.clockZone})`;
      output.textContent = `${heading}\n${result.report || result.error}`;
      refresh(); // the sandbox's time moved: show it
      page.clockZone = null;
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    wireModal();
    wireMessages();
    wireComposer();
    wireSidebar();
    pollForever();
  });
})();
