// Voice on the chat page (issue 14), all of it optional: typing works without any of this.
// 1. Speak your answer: push-to-talk (click to start and again to stop, or hold and release)
//    records the microphone; the server transcribes it offline and the words land in the answer
//    box to correct before sending. The answer then names its takes (box.dataset.takes, read by
//    interview.js), so the server can attach how the answer was said, measured as heard.
// 2. Read questions aloud: the browser's speech synthesis, off by default, remembered here.
(function () {
  "use strict";
  const page = document.querySelector(".chat-page");
  if (!page) return;
  const box = document.getElementById("answer");
  const takesKey = `interview-${page.dataset.session}-takes`;
  const speakKey = "interview-read-questions";
  const HOLD_MS = 600;  // a press longer than this is push-to-talk: releasing it stops
  let recording = null;  // {recorder, stream, chunks, timer, started} while recording

  // ---------------------------------------------------------------- the interviewer's voice
  const speakToggle = document.getElementById("speak-questions");
  let live = false, highest = -1;  // turns before the first state are the replayed transcript
  function speaking() { return localStorage.getItem(speakKey) === "1"; }
  function showSpeaking() {
    const on = speaking();
    speakToggle.setAttribute("aria-pressed", String(on));
    speakToggle.textContent = on ? "Mute the interviewer" : "Read questions aloud";
  }
  if (speakToggle && "speechSynthesis" in window) {
    speakToggle.hidden = false;
    showSpeaking();
    speakToggle.addEventListener("click", () => {
      localStorage.setItem(speakKey, speaking() ? "0" : "1");
      if (!speaking()) speechSynthesis.cancel();
      showSpeaking();
    });
  }
  page.addEventListener("interview:state", () => { live = true; });
  page.addEventListener("interview:turn", (event) => {
    const { turn, bubble } = event.detail;
    if (turn.role === "candidate") {
      if (turn.delivery) showDelivery(bubble, turn.delivery);
      if (!box.dataset.takes) localStorage.removeItem(takesKey);  // its takes went with it
      return;
    }
    const fresh = live && turn.index > highest;
    highest = Math.max(highest, turn.index);
    if (fresh && speaking() && !recording && "speechSynthesis" in window) {
      speechSynthesis.cancel();
      const utterance = new SpeechSynthesisUtterance(turn.text);
      utterance.lang = "en-US";
      speechSynthesis.speak(utterance);
    }
  });

  // ---------------------------------------------------------------- speaking the answer
  const panel = document.getElementById("voice");
  if (!panel || !box) return;
  const button = document.getElementById("record");
  const status = document.getElementById("voice-status");
  const feedback = document.getElementById("voice-delivery");
  const keep = document.getElementById("keep-audio");
  const maxSeconds = parseFloat(panel.dataset.maxSeconds) || 120;
  const maxBytes = (parseFloat(panel.dataset.maxMb) || 8) * 1024 * 1024;
  const csrf = panel.querySelector("input[name=csrfmiddlewaretoken]").value;
  let busy = false, asking = false, skipClick = false, pressedAt = 0;

  function say(text) { status.textContent = text; }
  function takes() { return box.dataset.takes ? JSON.parse(box.dataset.takes) : []; }
  function setTakes(list) {
    if (list.length) { box.dataset.takes = JSON.stringify(list); localStorage.setItem(takesKey, box.dataset.takes); }
    else { delete box.dataset.takes; localStorage.removeItem(takesKey); }
  }
  if (box.value && localStorage.getItem(takesKey)) box.dataset.takes = localStorage.getItem(takesKey);  // a reload
  box.addEventListener("input", () => { if (!box.value.trim()) setTakes([]); });  // all words gone: so are the takes

  const supported = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  function refresh() {
    button.disabled = !supported || busy || (box.disabled && !recording);
    if (!recording) button.textContent = "Speak your answer";
  }
  new MutationObserver(refresh).observe(box, { attributes: true, attributeFilter: ["disabled"] });
  refresh();
  if (!supported) {
    say(window.isSecureContext === false
      ? "Recording needs https (or localhost): type your answer."
      : "This browser cannot record audio: type your answer.");
  }

  function mimeType() {
    const options = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/mp4"];
    return options.find((t) => MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(t)) || "";
  }

  function clock(seconds) { return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`; }

  async function start() {
    if (recording || busy || asking || box.disabled) return;
    if ("speechSynthesis" in window) speechSynthesis.cancel();  // the microphone would hear it
    let stream;
    asking = true; say("Asking for the microphone…");  // the button stays enabled: its click must arrive
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (error) {
      say(microphoneProblem(error));
      return;
    } finally {
      asking = false;
    }
    const type = mimeType();
    const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    recording = { recorder, stream, chunks: [], started: Date.now(), timer: null };
    recorder.addEventListener("dataavailable", (e) => { if (e.data && e.data.size) recording.chunks.push(e.data); });
    recorder.addEventListener("stop", finished, { once: true });
    recorder.start(1000);
    button.setAttribute("aria-pressed", "true");
    button.textContent = "Stop and transcribe";
    refresh();
    const tick = () => {
      if (!recording) return;
      const seconds = (Date.now() - recording.started) / 1000;
      if (seconds >= maxSeconds) { say(`Stopped at the ${clock(maxSeconds)} limit.`); stop(); return; }
      say(`Recording ${clock(seconds)} / ${clock(maxSeconds)}. Click again (or release) to stop.`);
      recording.timer = setTimeout(tick, 250);
    };
    tick();
  }

  function microphoneProblem(error) {
    const name = error && error.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return "Microphone access was denied: allow it in the browser's site settings, or type your answer.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") return "No microphone was found: type your answer.";
    if (name === "NotReadableError") return "The microphone is busy in another application: type your answer.";
    return "The microphone could not be started: type your answer.";
  }

  function stop() {
    if (!recording || recording.recorder.state === "inactive") return;
    clearTimeout(recording.timer);
    recording.recorder.stop();
  }

  async function finished() {
    const { recorder, stream, chunks } = recording;
    stream.getTracks().forEach((track) => track.stop());  // the browser's recording light goes off
    recording = null;
    button.setAttribute("aria-pressed", "false");
    const blob = new Blob(chunks, { type: recorder.mimeType || "audio/webm" });
    if (blob.size > maxBytes) { say(`That recording is over ${panel.dataset.maxMb} MB: try a shorter one.`); refresh(); return; }
    busy = true; refresh(); say("Transcribing…");
    try {
      await upload(blob);
    } finally {
      busy = false; refresh();
    }
  }

  async function upload(blob) {
    let response, data = null;
    try {
      response = await fetch(panel.dataset.url + (keep && keep.checked ? "?keep=1" : ""), {
        method: "POST",
        body: blob,
        credentials: "same-origin",
        headers: { "Content-Type": blob.type || "application/octet-stream", "X-CSRFToken": csrf },
      });
      data = await response.json().catch(() => null);
    } catch (error) {
      say("The recording could not be sent (connection lost?): try again, or type your answer.");
      return;
    }
    if (!response.ok || !data || data.error) {
      say(data && data.message ? data.message : refusal(response.status));
      return;
    }
    const text = data.text.trim();
    box.value = box.value.trim() ? `${box.value.trim()} ${text}` : text;
    box.dispatchEvent(new Event("input"));  // interview.js keeps the draft
    setTakes([...takes(), data.take]);
    showDelivery(feedback, data.delivery);
    feedback.hidden = false;
    say(`Heard ${clock(data.duration)}: check the words, correct them if needed, then send.`);
    box.focus();
  }

  function refusal(statusCode) {
    if (statusCode === 413) return `That recording is over ${panel.dataset.maxMb} MB: try a shorter one.`;
    if (statusCode === 403) return "Your session has expired: sign in again.";
    return "The recording could not be transcribed: try again, or type your answer.";
  }

  function deliveryText(d) {
    const parts = [];
    if (d.wpm) parts.push(`${d.wpm} words a minute (${d.pace})`);
    const pauses = (d.long_pauses || []).length;
    parts.push(pauses ? `${pauses} long pause${pauses > 1 ? "s" : ""} (longest ${d.longest_pause} s)` : "no long pauses");
    const fillers = Object.entries(d.fillers || {}).map(([word, count]) => `“${word}” ×${count}`);
    parts.push(fillers.length ? `fillers: ${fillers.join(", ")}` : "no filler words heard");
    return parts.join(" · ");
  }

  function showDelivery(target, d) {
    if (!target || !d) return;
    if (target.tagName === "LI") {  // a candidate bubble
      let line = target.querySelector(".delivery");
      if (!line) { line = document.createElement("p"); line.className = "delivery"; target.appendChild(line); }
      line.textContent = `Spoken: ${deliveryText(d)}`;
    } else {
      target.textContent = `How it sounded: ${deliveryText(d)}`;
    }
  }

  button.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    skipClick = !recording && !asking;  // this press starts; its own click must not stop it
    if (!skipClick) return;
    pressedAt = Date.now();
    start();
  });
  button.addEventListener("pointerup", () => {
    if (recording && pressedAt && Date.now() - pressedAt > HOLD_MS) stop();
    pressedAt = 0;
  });
  button.addEventListener("click", () => {
    if (skipClick) { skipClick = false; return; }
    if (recording) stop(); else if (!asking) start();
  });
  page.addEventListener("interview:turn", (event) => {
    if (event.detail.turn.role === "candidate" && !box.dataset.takes) feedback.hidden = true;  // its answer was sent
  });
})();
