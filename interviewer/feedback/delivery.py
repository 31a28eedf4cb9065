"""Delivery feedback from spoken answers: pace, long pauses and filler words.

Pure functions over the words a transcriber heard, with their timestamps. They run on the
transcript *as heard*, before the candidate corrects it: the edits fix the words, not the way
they were said. An answer may be spoken in several takes (push-to-talk); each take has its own
clock, so pauses are only measured inside a take.

Conservative on fillers: ``um``/``uh``/``er``/``hmm`` always count (an all-capitals ``ER`` is the
emergency room, not a hesitation), while ``like`` and ``you know`` count only when set off by
punctuation on both sides (", like," / "You know, ...") -- "I like Python" and "do you know
Kafka?" never do. Transcribers drop many hesitations; what they drop cannot be counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from interviewer.text import SPOKEN_WITH_MARK

LONG_PAUSE_S = 2.0  # a silence between two words longer than this is worth mentioning
MIN_SPEECH_S = 1.0  # below this a words-per-minute figure means nothing
SLOW_WPM, FAST_WPM = 110, 170  # easy-to-follow conversational English sits around 120-160
FILLERS_PER_MINUTE_NOTE = 3.0
HESITATIONS = {"um": "um", "umm": "um", "uhm": "um", "uh": "uh", "uhh": "uh", "er": "er", "erm": "er", "hmm": "hmm"}
_BREAK = set(",;:.!?…—–-")


@dataclass(frozen=True)
class Word:
    """One word as heard: its text (punctuation attached, as transcribers write it) and its time."""

    text: str
    start: float
    end: float
    probability: float = 1.0

    def as_dict(self) -> dict[str, Any]:
        return {"word": self.text, "start": round(self.start, 2), "end": round(self.end, 2)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Word:
        return cls(str(data["word"]), float(data["start"]), float(data["end"]))


@dataclass(frozen=True)
class Pause:
    """A silence longer than :data:`LONG_PAUSE_S` between two words of one take."""

    after: str
    seconds: float
    at: float  # seconds into its take

    def as_dict(self) -> dict[str, Any]:
        return {"after": self.after, "seconds": round(self.seconds, 1), "at": round(self.at, 1)}


@dataclass(frozen=True)
class Delivery:
    """How one answer was spoken. ``wpm`` is None when there was too little speech to say."""

    words: int
    speech_seconds: float
    wpm: float | None
    pauses: tuple[Pause, ...] = ()
    fillers: dict[str, int] = field(default_factory=dict)

    @property
    def filler_count(self) -> int:
        return sum(self.fillers.values())

    @property
    def pace(self) -> str:
        return pace(self.wpm)

    def as_dict(self) -> dict[str, Any]:
        return {
            "words": self.words,
            "speech_seconds": round(self.speech_seconds, 1),
            "wpm": None if self.wpm is None else round(self.wpm),
            "pace": self.pace,
            "long_pauses": [p.as_dict() for p in self.pauses],
            "longest_pause": round(max((p.seconds for p in self.pauses), default=0.0), 1),
            "fillers": dict(self.fillers),
            "filler_count": self.filler_count,
        }


def pace(wpm: float | None) -> str:
    """``slow``, ``steady`` or ``fast`` (``unknown`` without a rate)."""
    if wpm is None:
        return "unknown"
    return "slow" if wpm < SLOW_WPM else "fast" if wpm > FAST_WPM else "steady"


def measure(takes: Sequence[Sequence[Word]]) -> Delivery:
    """The delivery of one answer spoken in ``takes`` (each a list of words in time order).

    Speech time runs from a take's first word to its last (pauses inside count, the silence
    before and after does not); the rate is every word heard, fillers included, over it.
    """
    words = sum(len(t) for t in takes)
    seconds = sum(max(0.0, t[-1].end - t[0].start) for t in takes if t)
    pauses: list[Pause] = []
    for take in takes:
        for before, after in zip(take, take[1:], strict=False):
            gap = after.start - before.end
            if gap > LONG_PAUSE_S:
                pauses.append(Pause(before.text.strip(), gap, before.end))
    fillers: Counter[str] = Counter()
    for take in takes:
        fillers.update(find_fillers(" ".join(w.text.strip() for w in take)))
    wpm = words / seconds * 60 if seconds >= MIN_SPEECH_S else None
    return Delivery(words, seconds, wpm, tuple(pauses), dict(sorted(fillers.items())))


def find_fillers(text: str) -> dict[str, int]:
    """Filler words in ``text`` by kind (``um``, ``uh``, ``er``, ``hmm``, ``like``, ``you know``)."""
    tokens = [(m.group(1), m.group(2)) for m in SPOKEN_WITH_MARK.finditer(text)]
    found: Counter[str] = Counter()
    for i, (word, punct) in enumerate(tokens):
        lower = word.lower()
        set_off_before = i == 0 or _breaks(tokens[i - 1][1])
        if lower in HESITATIONS and not (word.isupper() and len(word) > 1):
            found[HESITATIONS[lower]] += 1
        elif lower == "like" and set_off_before and _breaks(punct) and (i > 0 or "," in punct):
            found["like"] += 1
        elif lower == "you" and i + 1 < len(tokens) and tokens[i + 1][0].lower() == "know" and not punct:
            if set_off_before and (_breaks(tokens[i + 1][1]) or i + 2 == len(tokens)):
                found["you know"] += 1
    return dict(found)


def _breaks(punct: str) -> bool:
    return any(ch in _BREAK for ch in punct)


# ---------------------------------------------------------------------------
# The report


def summarise(answers: Iterable[Mapping[str, Any] | None]) -> dict[str, Any] | None:
    """The report's delivery block from each answer's stored delivery (None for a typed answer).

    Returns None when no answer was spoken. ``answers`` lists every answer in order, so each
    spoken one keeps its number in the interview.
    """
    spoken: list[dict[str, Any]] = []
    typed = 0
    for number, d in enumerate(answers, start=1):
        if not d:
            typed += 1
            continue
        spoken.append({"number": number, **{k: v for k, v in d.items() if k != "heard"}})
    if not spoken:
        return None
    words = sum(int(a["words"]) for a in spoken)
    seconds = sum(float(a["speech_seconds"]) for a in spoken)
    fillers: Counter[str] = Counter()
    for a in spoken:
        fillers.update(a.get("fillers", {}))
    pauses = sum(len(a.get("long_pauses", [])) for a in spoken)
    longest = max((float(a.get("longest_pause", 0)) for a in spoken), default=0.0)
    wpm = words / seconds * 60 if seconds >= MIN_SPEECH_S else None
    per_minute = sum(fillers.values()) / (seconds / 60) if seconds >= MIN_SPEECH_S else 0.0
    block: dict[str, Any] = {
        "spoken": len(spoken),
        "typed": typed,
        "speech_seconds": round(seconds, 1),
        "wpm": None if wpm is None else round(wpm),
        "pace": pace(wpm),
        "long_pauses": pauses,
        "longest_pause": round(longest, 1),
        "fillers": sum(fillers.values()),
        "fillers_per_minute": round(per_minute, 1),
        "top_fillers": sorted(fillers.items(), key=lambda kv: (-kv[1], kv[0]))[:3],
        "answers": spoken,
    }
    block["notes"] = notes(block)
    return block


def notes(block: Mapping[str, Any]) -> list[str]:
    """What to keep or change in the way the answers were spoken, in plain words."""
    out: list[str] = []
    wpm = block.get("wpm")
    if block.get("pace") == "fast":
        out.append(f"You spoke at about {wpm} words a minute: slow down a little; 120-160 is easy to follow.")
    elif block.get("pace") == "slow":
        out.append(f"You spoke at about {wpm} words a minute: a little more pace keeps the interviewer with you.")
    if block.get("long_pauses"):
        out.append(
            f"{block['long_pauses']} pause(s) over {LONG_PAUSE_S:.0f} s (the longest {block['longest_pause']} s): "
            "pausing to think is fine; say so (“let me think about that”) so the silence reads as thought."
        )
    if float(block.get("fillers_per_minute", 0)) > FILLERS_PER_MINUTE_NOTE:
        kinds = ", ".join(f"“{word}” ×{count}" for word, count in block.get("top_fillers", []))
        out.append(f"{block['fillers']} filler words ({kinds}): a short silent pause sounds more confident.")
    if not out:
        out.append("Your pace was steady and your speech fluent: keep it that way.")
    return out
