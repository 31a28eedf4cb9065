"""Voice answers in a real browser (issue 14): chromium's fake microphone plays speech made here
with espeak-ng; the page records it (MediaRecorder, WebM/Opus), the server transcribes it with
the real packaged Whisper model, the words land in the answer box, the candidate corrects and
sends them, and the answer is saved with its delivery. Three answers spoken, one typed, then the
report summarises how they were said. The page's Content-Security-Policy is enforced throughout.
A second browser, whose microphone is refused, gets a clear message and can still type.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from tests.test_browser import CHROMIUM, FLAGS, _browser_or_skip, server  # noqa: F401 - server is a fixture
from webapp.interviews.tests.test_voice import espeak_wav

pytestmark = [pytest.mark.browser, pytest.mark.real_models]
SAID = "I built the billing service in Python, and it took three weeks."


@pytest.fixture
def real_voice(monkeypatch):  # type: ignore[no-untyped-def]
    """The server transcribes with the real model, while the interviewer stays the fast fake."""
    monkeypatch.setenv("VOICE_FAKE", "0")
    monkeypatch.setenv("VOICE_THREADS", "2")


@pytest.fixture
def voice_server(real_voice, server):  # type: ignore[no-untyped-def] # noqa: F811 - server is a fixture
    return server


def microphone_file(tmp_path: Path) -> Path:
    """The speech as chromium's fake microphone wants it: 16-bit mono WAV at 48 kHz, with a
    second of silence after it (the file is played once per recording, then silence)."""
    import wave

    import av

    spoken = espeak_wav(SAID, tmp_path / "espeak.wav")
    with av.open(str(spoken)) as source:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        frames = [f for frame in source.decode(audio=0) for f in resampler.resample(frame)]
        frames += resampler.resample(None)
    samples = np.concatenate([f.to_ndarray().reshape(-1) for f in frames] + [np.zeros(48000, np.int16)])
    target = tmp_path / "microphone.wav"
    with wave.open(str(target), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(48000)
        w.writeframes(samples.astype("<i2").tobytes())
    return target


def sign_up_and_start(page, base: str, questions: int) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/signup/")
    page.fill("#id_username", "casey")
    page.fill("#id_password1", "a-long-passphrase-42")
    page.fill("#id_password2", "a-long-passphrase-42")
    page.click("button:has-text('Sign up')")
    page.wait_for_url(f"{base}/")
    page.fill("#id_text", "EXPERIENCE\n- Built REST APIs in Python for 2 million users\n- Ran PostgreSQL in production")
    page.click("button:has-text('Upload')")
    page.wait_for_selector("text=facts found")
    page.click("ul.jobs a >> nth=0")
    page.fill("#id_questions", str(questions))
    page.click("#start")
    page.wait_for_url("**/interviews/*/")


def wait_for_value(page, selector: str, contains: str, seconds: float = 90) -> str:  # type: ignore[no-untyped-def]
    """Poll an input's value from Python (the CSP forbids the eval that wait_for_function uses)."""
    deadline = time.monotonic() + seconds
    value = ""
    while time.monotonic() < deadline:
        value = page.input_value(selector)
        if contains in value.lower():
            return value
        status = page.locator("#voice-status").inner_text()
        assert "could not" not in status and "didn't" not in status, status
        page.wait_for_timeout(200)
    status = page.locator("#voice-status").inner_text()
    raise AssertionError(f"{selector} never contained {contains!r}: {value!r} (voice status: {status!r})")


def speak_answer(page, seconds: float) -> str:  # type: ignore[no-untyped-def]
    """Click to record, let the fake microphone speak, click to stop; the transcript it gave."""
    page.wait_for_selector("#record:enabled")
    page.click("#record")
    page.wait_for_selector("#record[aria-pressed=true]")
    page.wait_for_timeout(int(seconds * 1000))
    page.click("#record")
    return wait_for_value(page, "#answer", "weeks")


def test_it_answers_by_voice_edits_the_transcript_and_reports_the_delivery(voice_server, tmp_path):
    sync_playwright = _browser_or_skip()
    microphone = microphone_file(tmp_path)
    seconds = len(microphone.read_bytes()) / (2 * 48000)
    flags = FLAGS + [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone}%noloop",
        "--autoplay-policy=no-user-gesture-required",
    ]
    violations: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=flags)
        page = browser.new_page(viewport={"width": 1100, "height": 900})  # the CSP enforced: no bypass
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("dialog", lambda dialog: dialog.accept())
        sign_up_and_start(page, voice_server, questions=4)

        for number in (1, 2, 3):
            heard = speak_answer(page, seconds + 0.5)
            assert "python" in heard.lower() and "weeks" in heard.lower(), heard
            assert "words a minute" in page.locator("#voice-delivery").inner_text()
            edited = heard.replace("Python", "Python 3") + f" (answer {number}, corrected)"
            page.fill("#answer", edited)  # the transcript is the candidate's to correct
            page.press("#answer", "Enter")
            bubble = page.locator(f"#log li.candidate >> nth={number - 1}")
            bubble.locator(".delivery").wait_for()
            assert edited in bubble.locator(".text").inner_text()
            assert "Spoken:" in bubble.locator(".delivery").inner_text()
            assert "words a minute" in bubble.locator(".delivery").inner_text()

        page.wait_for_selector("#answer:enabled")
        page.fill("#answer", "Typed this one: I would ship a small change to production in my first week.")
        page.press("#answer", "Enter")
        page.locator("#log li.candidate >> nth=3").wait_for()
        assert page.locator("#log li.candidate >> nth=3").locator(".delivery").count() == 0

        if os.getenv("SCREENSHOT"):
            page.screenshot(path=os.environ["SCREENSHOT"].replace(".png", "-chat.png"))
        page.click("#end")
        page.wait_for_selector("#report-link:visible")
        page.click("#report-link")
        page.wait_for_url("**/report/")
        section = page.locator("section.delivery-report")
        assert "How you spoke" in section.inner_text()
        assert "3 answers spoken, 1 typed" in section.inner_text()
        assert section.locator("tbody tr").count() == 3
        assert "yes" in section.locator("tbody tr >> nth=0").inner_text()  # edited after transcription
        if os.getenv("SCREENSHOT"):
            page.screenshot(path=os.environ["SCREENSHOT"], full_page=True)
        assert not violations, violations
        browser.close()


SPEECH_SPY = """
window.__spoken = [];
if (window.speechSynthesis) speechSynthesis.speak = (utterance) => window.__spoken.push(utterance.text);
"""


def test_it_explains_a_refused_microphone_and_typing_still_works(voice_server):
    """Also the interviewer's voice: off by default; once on, each new question (not the replayed
    ones) is read aloud, and the choice survives a reload."""
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS + ["--use-fake-device-for-media-stream"])
        context = browser.new_context(permissions=[])  # the microphone prompt is refused
        context.add_init_script(SPEECH_SPY)
        page = context.new_page()
        sign_up_and_start(page, voice_server, questions=2)
        page.wait_for_selector("#record:enabled")
        page.click("#record")
        page.wait_for_selector("#voice-status:has-text('Microphone access was denied')")

        toggle = page.locator("#speak-questions")
        assert toggle.get_attribute("aria-pressed") == "false" and page.evaluate("window.__spoken") == []
        toggle.click()
        assert toggle.get_attribute("aria-pressed") == "true"
        page.fill("#answer", "I type instead.")
        page.press("#answer", "Enter")
        page.wait_for_selector("#log li.candidate:has-text('I type instead.')")
        page.locator("#log li.interviewer:not(.streaming) >> nth=1").wait_for()
        second = page.locator("#log li.interviewer .text >> nth=1").inner_text()
        assert page.evaluate("window.__spoken") == [second]

        page.reload()
        page.locator("#log li.interviewer:not(.streaming) >> nth=1").wait_for()
        page.wait_for_selector("#status:has-text('Your turn')")
        assert page.locator("#speak-questions").get_attribute("aria-pressed") == "true"
        assert page.evaluate("window.__spoken") == []  # the replayed transcript is not read again
        browser.close()
