// The chat page: one WebSocket per tab, reconnecting with back-off; turns are keyed by index,
// so a reconnect that re-sends the transcript never duplicates a bubble.
(function () {
  "use strict";
  const page = document.querySelector(".chat-page");
  if (!page) return;
  const id = page.dataset.session;
  const log = document.getElementById("log");
  const status = document.getElementById("status");
  const typing = document.getElementById("typing");
  const form = document.getElementById("answer-form");
  const box = document.getElementById("answer");
  const send = document.getElementById("send");
  const endButton = document.getElementById("end");
  const timer = document.getElementById("timer");
  const progress = document.getElementById("progress");
  const reportLink = document.getElementById("report-link");
  const voiceBox = document.getElementById("voice");
  const bubbles = new Map();
  const final = new Set();  // indexes whose saved turn arrived: later tokens for them are stale
  const draftKey = `interview-${id}-draft`, pendingKey = `interview-${id}-pending`;
  let socket = null, retry = 0, ended = false, awaiting = false;
  // An answer sent but not yet acknowledged ({id, text}); kept across reloads and resent once
  // the server says a question is waiting: the server stores an id only once.
  let pending = JSON.parse(localStorage.getItem(pendingKey) || "null");

  function setPending(value) {
    pending = value;
    if (value) localStorage.setItem(pendingKey, JSON.stringify(value)); else localStorage.removeItem(pendingKey);
  }
  function newId() {
    return (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`);
  }

  function setStatus(text) { status.textContent = text; }
  // The answer timer (when the candidate chose one): time on this answer and its words, of the target.
  const answerTimer = document.getElementById("answer-timer");
  let answerStart = null;
  const clock = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  function tickAnswer() {
    if (!answerTimer) return;
    const target = parseInt(page.dataset.answerSeconds, 10);
    const took = answerStart === null ? 0 : Math.round((Date.now() - answerStart) / 1000);
    const typed = box.value.trim() ? box.value.trim().split(/\s+/).length : 0;
    answerTimer.textContent = `${clock(took)} / ${clock(target)} · ${typed} / ~${page.dataset.answerWords} words`;
    answerTimer.classList.toggle("low", took > target);
  }

  function setAwaiting(value) {
    awaiting = value && !ended;
    if (awaiting && answerStart === null) answerStart = Date.now();
    if (!awaiting) answerStart = null;
    tickAnswer();
    box.disabled = !awaiting; send.disabled = !awaiting;
    form.hidden = ended;  // an ended interview takes no answer: its controls go
    if (voiceBox) voiceBox.hidden = ended;
    if (awaiting) { typing.hidden = true; box.focus(); }
  }

  function bubble(index, role) {
    let li = bubbles.get(index);
    if (!li) {
      li = document.createElement("li");
      li.dataset.index = index;
      li.className = role;
      const text = document.createElement("div");
      text.className = "text";
      li.appendChild(text);
      const later = [...bubbles.keys()].filter((k) => k > index).sort((a, b) => a - b)[0];
      log.insertBefore(li, later === undefined ? null : bubbles.get(later));
      bubbles.set(index, li);
    }
    return li;
  }

  function clearStreaming(index) {
    for (const [key, li] of bubbles) {
      if ((index === undefined || key === index) && li.classList.contains("streaming")) li.querySelector(".text").textContent = "";
    }
  }

  function showTurn(turn) {
    if (turn.role === "candidate") {
      if (pending && (turn.client_id === pending.id || turn.text === pending.text)) {
        if (box.value.trim() === pending.text) box.value = "";
        setPending(null);
        localStorage.removeItem(draftKey);  // the answer was taken: its draft is done
      }
      setAwaiting(false);
    }
    final.add(turn.index);
    const li = bubble(turn.index, turn.role);
    li.classList.remove("streaming");
    li.querySelector(".text").textContent = turn.text;
    if (turn.progress) showProgress(li, turn.progress);
    if (turn.feedback && !li.querySelector(".feedback")) {  // practice mode: how the answer did
      const note = document.createElement("p");
      note.className = "feedback";
      note.textContent = turn.feedback;
      li.appendChild(note);
      if (!ended) offerAgain(li, turn.index);
    }
    if (turn.attempts) showAttempts(li, { first: turn.feedback, attempts: turn.attempts });
    li.setAttribute("aria-label", (turn.role === "interviewer" ? "Interviewer: " : "You: ") + turn.text);
    if (turn.role === "interviewer" && turn.grounding && turn.grounding.length && !li.querySelector("details")) {
      const details = document.createElement("details");
      const summary = document.createElement("summary");
      summary.textContent = turn.act === "candidate_questions" ? "From the posting" : "Why this question?";
      details.appendChild(summary);
      const list = document.createElement("ul");
      for (const g of turn.grounding) {
        const item = document.createElement("li");
        item.textContent = (g.source === "resume" ? "Your resume: " : "The job: ") + g.text;
        list.appendChild(item);
      }
      details.appendChild(list);
      li.appendChild(details);
    }
    if (turn.role === "interviewer" && turn.talking_points) showPoints(li, turn.talking_points);
    if (turn.role === "candidate") revealPoints();
    li.scrollIntoView({ block: "nearest" });
    page.dispatchEvent(new CustomEvent("interview:turn", { detail: { turn, bubble: li } }));  // voice.js
  }

  // Answer again (practice mode): another attempt kept beside the first, each with its line.
  const againUrl = (index) => form.dataset.againUrl.replace(/\/0\/again\/$/, `/${index}/again/`);
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  function offerAgain(li, index) {
    if (li.querySelector(".again")) return;
    const button = document.createElement("button");
    button.type = "button"; button.className = "link again"; button.textContent = "Answer again";
    const panel = document.createElement("form");
    panel.className = "again-form"; panel.hidden = true;
    const label = document.createElement("label");
    label.className = "sr-only"; label.htmlFor = `again-${index}`; label.textContent = "Your answer, again";
    const text = document.createElement("textarea");
    text.id = `again-${index}`; text.rows = 3; text.maxLength = 4000;
    const sendAgain = document.createElement("button");
    sendAgain.type = "submit"; sendAgain.textContent = "Send again";
    const message = document.createElement("span");
    message.className = "again-status"; message.setAttribute("role", "status");
    panel.append(label, text, sendAgain, message);
    button.addEventListener("click", () => { panel.hidden = !panel.hidden; if (!panel.hidden) text.focus(); });
    panel.addEventListener("submit", async (event) => {
      event.preventDefault();
      sendAgain.disabled = true;
      try {
        const response = await fetch(againUrl(index), {
          method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify({ text: text.value }), credentials: "same-origin",
        });
        const data = await response.json();
        if (!response.ok) { message.textContent = data.message || "That did not work."; return; }
        text.value = ""; panel.hidden = true; message.textContent = "";
        showAttempts(li, data);
        if (data.left < 1) button.hidden = true;
      } catch (err) {
        message.textContent = "Could not send: check the connection and try again.";
      } finally { sendAgain.disabled = false; }
    });
    li.append(button, panel);
  }
  function showAttempts(li, data) {
    li.querySelector(".attempts")?.remove();
    const grid = document.createElement("div");
    grid.className = "attempts";
    const cell = (title, text, note) => {
      const box = document.createElement("div");
      const head = document.createElement("strong"); head.textContent = title; box.appendChild(head);
      if (text) { const p = document.createElement("p"); p.textContent = text; box.appendChild(p); }
      const line = document.createElement("p"); line.className = "feedback"; line.textContent = note || ""; box.appendChild(line);
      return box;
    };
    grid.appendChild(cell("First answer", "", data.first));
    data.attempts.forEach((a, i) => grid.appendChild(cell(`Again (${i + 1})`, a.text, a.feedback)));
    const before = li.querySelector(".again");
    li.insertBefore(grid, before);
  }

  // Talking points: under each question, shown once it is answered, or at once with hints on.
  const hints = document.getElementById("hints");
  const hintsKey = "interview-hints";
  if (hints) hints.checked = localStorage.getItem(hintsKey) === "1";
  function showPoints(li, p) {
    if (li.querySelector(".talking-points")) return;
    const panel = document.createElement("details");
    panel.className = "talking-points";
    panel.hidden = !(hints && hints.checked);
    panel.open = Boolean(hints && hints.checked);
    const summary = document.createElement("summary");
    summary.textContent = "Talking points";
    panel.appendChild(summary);
    const add = (label, items) => {
      if (!items.length) return;
      const head = document.createElement("p");
      head.textContent = label;
      const list = document.createElement("ul");
      for (const text of items) { const item = document.createElement("li"); item.textContent = text; list.appendChild(item); }
      panel.append(head, list);
    };
    if (p.gap) add("Nothing found on your resume", [p.gap]);
    add("Bring from your resume", p.bring);
    add("Connect it to the job", p.connect);
    add("Numbers you already have", p.numbers);
    add("An outline", p.outline);
    li.appendChild(panel);
  }
  function revealPoints() {  // every question answered so far shows its points
    for (const [index, li] of bubbles) {
      const panel = li.querySelector(".talking-points");
      const answered = [...bubbles.keys()].some((k) => k > index && bubbles.get(k).classList.contains("candidate"));
      if (panel && (answered || (hints && hints.checked))) panel.hidden = false;
      if (panel && !answered && hints && hints.checked) panel.open = true;
    }
  }
  if (hints) hints.addEventListener("change", () => { localStorage.setItem(hintsKey, hints.checked ? "1" : "0"); revealPoints(); });

  function showProgress(li, p) {
    const label = p.follow_up ? `Follow-up on question ${p.question}` : (p.of ? `Question ${p.question} of ${p.of}` : `Question ${p.question}`);
    if (!li.querySelector(".tag")) {
      const tag = document.createElement("span");
      tag.className = "tag" + (p.follow_up ? " follow-up" : "");
      tag.textContent = p.follow_up ? "Follow-up" : `Question ${p.question}`;
      li.insertBefore(tag, li.firstChild);
    }
    if (progress) progress.textContent = label;
  }

  function showReport() {
    ended = true; setAwaiting(false); typing.hidden = true;
    endButton.disabled = true;
    document.querySelectorAll(".log .again, .log .again-form").forEach((e) => { e.hidden = true; });
    setStatus("The interview is over. Your report is ready.");
    if (reportLink) { reportLink.hidden = false; reportLink.focus(); }
  }

  function showToken(message) {
    if (final.has(message.index)) return;  // the whole turn is already shown
    typing.hidden = true;
    const li = bubble(message.index, "interviewer");
    li.classList.add("streaming");
    const text = li.querySelector(".text");
    const shown = text.textContent.length, end = message.offset + message.text.length;
    if (message.offset > shown || end <= shown) return;  // a gap (joined late) or a repeat
    text.textContent += message.text.slice(shown - message.offset);
    li.scrollIntoView({ block: "nearest" });
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/ws/interview/${id}/`);
    socket.onopen = () => {
      retry = 0;
      clearStreaming();  // the replay re-sends saved turns; a half-streamed one is regenerated
      if (!ended) endButton.disabled = false;
      setStatus("Connected.");
    };
    socket.onmessage = (event) => {
      const m = JSON.parse(event.data);
      if (m.type === "token") showToken(m);
      else if (m.type === "turn") { showTurn(m); }
      else if (m.type === "thinking") { clearStreaming(m.index); typing.hidden = false; setAwaiting(false); setStatus("The interviewer is thinking…"); }
      else if (m.type === "state") {
        page.dispatchEvent(new CustomEvent("interview:state", { detail: m }));  // voice.js
        ended = m.status === "ended";
        setAwaiting(m.awaiting === "answer");
        if (awaiting && pending) resend();  // sent before the connection dropped, never acknowledged
        typing.hidden = m.awaiting !== "interviewer";
        setStatus(ended ? "The interview has ended." : m.awaiting === "answer" ? "Your turn." : "The interviewer is thinking…");
      }
      else if (m.type === "report") showReport();  // the closing stays on screen; the report is one click away
      else if (m.type === "error") {
        setStatus(m.message);
        if (pending && m.code !== "not_your_turn") {  // refused: give the words back to edit
          if (!box.value) box.value = pending.text;
          if (pending.voice) box.dataset.takes = JSON.stringify(pending.voice);
          setPending(null);
        }
        if (m.code === "interview_ended") { ended = true; setAwaiting(false); }
        else if (m.code === "empty_answer" || m.code === "answer_too_long") setAwaiting(true);
        else if (m.code === "report_failed") endButton.disabled = false;
      }
    };
    socket.onclose = (event) => {
      if (ended) return;
      if (event.code === 4403 || event.code === 4404) {
        setStatus(event.code === 4403 ? "Your session has expired: sign in again." : "This interview is not available.");
        setAwaiting(false);
        return;
      }
      setAwaiting(false);
      const wait = Math.min(10000, 500 * 2 ** retry++);
      setStatus(`Connection lost; reconnecting in ${Math.round(wait / 1000)} s…`);
      setTimeout(connect, wait);
    };
  }

  function submitAnswer() {
    const text = box.value.trim();
    if (!text || !awaiting || !socket || socket.readyState !== WebSocket.OPEN) return;
    const voice = box.dataset.takes ? JSON.parse(box.dataset.takes) : [];  // recorded takes (voice.js)
    setPending(voice.length ? { id: newId(), text, voice } : { id: newId(), text });  // kept until the server echoes it as a turn
    socket.send(JSON.stringify(answerMessage(pending)));
    box.value = "";
    delete box.dataset.takes;
    setAwaiting(false);
    setStatus("Sent.");
  }

  function answerMessage(p) {
    return p.voice ? { type: "answer", text: p.text, id: p.id, voice: p.voice } : { type: "answer", text: p.text, id: p.id };
  }

  function resend() {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify(answerMessage(pending)));
    setAwaiting(false);
    setStatus("Sending your last answer again…");
  }

  // The draft survives a reload until its answer is acknowledged.
  box.value = localStorage.getItem(draftKey) || "";
  box.addEventListener("input", () => {
    if (box.value) localStorage.setItem(draftKey, box.value); else localStorage.removeItem(draftKey);
  });

  form.addEventListener("submit", (event) => { event.preventDefault(); submitAnswer(); });
  box.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); submitAnswer(); }
  });
  endButton.addEventListener("click", () => {
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    if (confirm("End the interview and see your report?")) { socket.send(JSON.stringify({ type: "end" })); endButton.disabled = true; }
  });

  if (timer && page.dataset.minutes) {
    const deadline = new Date(page.dataset.started).getTime() + parseFloat(page.dataset.minutes) * 60000;
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      timer.textContent = `${String(Math.floor(left / 60)).padStart(2, "0")}:${String(left % 60).padStart(2, "0")}`;
      timer.classList.toggle("low", left < 60);
      if (left > 0 && !ended) setTimeout(tick, 1000);
    };
    tick();
  }
  if (answerTimer) {
    setInterval(() => { if (awaiting) tickAnswer(); }, 1000);
    box.addEventListener("input", tickAnswer);
  }
  connect();
})();
