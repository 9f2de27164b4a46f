// The simulator page: a LINE-like chat that posts what the learner does and shows what the bot sends.
(function () {
  "use strict";
  const KEY = "ruthan-sim-user";
  const chat = document.getElementById("chat");
  const quick = document.getElementById("quick");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const menu = document.getElementById("richmenu");
  const menuToggle = document.getElementById("menu-toggle");
  const seen = new Set();
  let user = localStorage.getItem(KEY);
  let lastSeq = 0;
  let busy = false;

  function setBusy(value) {
    busy = value;
    document.body.dataset.busy = value ? "1" : "0";
    input.disabled = value;
  }

  function addLearnerBubble(text) {
    const row = document.createElement("div");
    row.className = "ln-row ln-me";
    const bubble = document.createElement("div");
    bubble.className = "ln-bubble ln-text";
    bubble.textContent = text;
    row.appendChild(bubble);
    chat.appendChild(row);
    chat.scrollTop = chat.scrollHeight;
  }

  function show(result) {
    if (result.user && result.user !== user) {
      user = result.user;
      localStorage.setItem(KEY, user);
    }
    document.getElementById("user-id").textContent = user || "";
    let fresh = false;
    for (const message of result.messages || []) {
      if (seen.has(message.seq)) continue;
      seen.add(message.seq);
      lastSeq = Math.max(lastSeq, message.seq);
      const row = document.createElement("div");
      row.className = "ln-row ln-bot";
      row.dataset.seq = message.seq;
      row.innerHTML = message.html; // rendered and escaped by the server (bot/web/lineview.py)
      chat.appendChild(row);
      fresh = true;
    }
    if (fresh) showButtons(result.buttons || []);
    chat.scrollTop = chat.scrollHeight;
  }

  function showButtons(buttons) {
    quick.replaceChildren();
    for (const action of buttons) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "quick-button";
      button.textContent = action.label;
      button.addEventListener("click", () => {
        if (action.type === "postback") press(action.data, action.text || action.label);
        else say(action.text || action.label);
      });
      quick.appendChild(button);
    }
  }

  async function call(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(response.status + " " + (await response.text()));
    return response.json();
  }

  async function act(body, shownAs) {
    if (busy) return;
    setBusy(true);
    quick.replaceChildren();
    addLearnerBubble(shownAs);
    try {
      show(await call("/simulator/api/send", Object.assign({user: user}, body)));
    } catch (error) {
      addLearnerBubble("⚠️ " + error.message);
    } finally {
      setBusy(false);
      input.focus();
    }
  }

  function say(text) { return act({text: text}, text); }
  function press(data, label) { return act({data: data}, label); }

  async function start() {
    setBusy(true);
    try {
      show(await call("/simulator/api/start", user ? {user: user} : {}));
    } finally {
      setBusy(false);
    }
    poll();
  }

  async function poll() {
    for (;;) {
      try {
        const response = await fetch(
          "/simulator/api/poll?user=" + encodeURIComponent(user) + "&after=" + lastSeq,
          {credentials: "same-origin"});
        if (response.ok) show(await response.json());
        else await new Promise((resolve) => setTimeout(resolve, 5000));
      } catch (error) {
        await new Promise((resolve) => setTimeout(resolve, 5000));
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    say(text);
  });
  menuToggle.addEventListener("click", () => {
    menu.hidden = !menu.hidden;
    menuToggle.setAttribute("aria-expanded", String(!menu.hidden));
  });
  for (const button of menu.querySelectorAll("button[data-postback]")) {
    button.addEventListener("click", () => press(button.dataset.postback, button.dataset.label));
  }
  document.getElementById("bigtext").addEventListener("change", (event) => {
    chat.classList.toggle("ln-large", event.target.checked);
  });
  document.getElementById("reset").addEventListener("click", () => {
    localStorage.removeItem(KEY);
    location.reload();
  });
  start();
})();
