"""*My progress*: the candidate's finished interviews side by side, as charts drawn on the server.

Each finished interview's report holds an overall score and the parts it is the mean of
(interviewer.feedback.report.overall). The page draws them as SVG line charts (no script, no chart
library, nothing fetched), each with its numbers in a table beside it for screen readers and for
anyone who would rather read than look, and lists, for each posting practised, which of its
requirements the answers have backed and which they have not yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from webapp.interviews.models import InterviewSession

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PARTS = ("relevance", "specificity", "STAR completeness", "requirements backed")
COLOURS = ("#2456c5", "#1b7f4b", "#a4461f", "#6b3fa0")  # each part's line; all 4.5:1 or more on white
WIDTH, HEIGHT, PAD = 640, 220, 36  # the drawing's size and the room left for its axis labels


@dataclass(frozen=True)
class Attempt:
    """One finished interview as the charts read it."""

    session_id: int
    label: str  # "#3, 12 Dec"
    job: str
    score: int
    parts: dict[str, int]

    @property
    def values(self) -> list[int | None]:
        """The parts in the order of :data:`PARTS` (None: not scored, e.g. a posting with no requirement)."""
        return [self.parts.get(p) for p in PARTS]


@dataclass
class Series:
    """One line of a chart: its name, its colour and its points as SVG coordinates."""

    name: str
    colour: str
    values: list[int | None]
    points: list[tuple[float, float, int]] = field(default_factory=list)  # (x, y, value)

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in self.points)


def attempts(candidate: User) -> list[Attempt]:
    """The candidate's finished interviews with a scored report, oldest first."""
    sessions = (
        InterviewSession.objects.filter(candidate=candidate, status=InterviewSession.Status.ENDED)
        .select_related("job")
        .order_by("started", "id")
    )
    out: list[Attempt] = []
    for s in sessions:
        overall = (s.report or {}).get("overall") or {}
        if not overall.get("parts") or "retry_of" in s.settings:  # a question practised again is no interview
            continue  # ended before any answer: nothing to score
        out.append(
            Attempt(s.pk, f"#{len(out) + 1}, {s.started:%d %b}", s.job.title, int(overall["score"]), overall["parts"])
        )
    return out


def chart(series: Sequence[Series], count: int) -> dict[str, Any]:
    """Place each series' values (0-100) on a drawing of :data:`WIDTH` x :data:`HEIGHT`: the
    interviews evenly along x, the score up y; returns the series and the grid lines."""
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    step = inner_w / (count - 1) if count > 1 else 0.0
    for line in series:
        line.points = [
            (PAD + (i * step if count > 1 else inner_w / 2), PAD + inner_h * (1 - v / 100), v)
            for i, v in enumerate(line.values)
            if v is not None
        ]
    grid = [(value, PAD + inner_h * (1 - value / 100)) for value in (0, 25, 50, 75, 100)]
    ticks = [PAD + (i * step if count > 1 else inner_w / 2) for i in range(count)]
    return {
        "series": list(series), "grid": grid, "ticks": ticks, "width": WIDTH, "height": HEIGHT,
        "left": PAD, "right": WIDTH - PAD, "label_x": PAD - 6, "tick_y": HEIGHT - PAD / 2,
    }  # fmt: skip


def requirements_practised(candidate: User) -> list[dict[str, Any]]:
    """For each posting the candidate has finished an interview on: how many interviews, and each
    of its requirements, backed by an answer in some interview (how many) or not yet."""
    by_job: dict[int, dict[str, Any]] = {}
    sessions = InterviewSession.objects.filter(candidate=candidate, status=InterviewSession.Status.ENDED)
    for s in sessions.select_related("job").order_by("started", "id"):
        report = s.report or {}
        entry = by_job.setdefault(s.job_id, {"job": s.job, "interviews": 0, "backed": {}, "open": []})
        entry["interviews"] += 1
        for c in report.get("covered_requirements") or []:
            name = c["requirement"] if isinstance(c, dict) else str(c)
            entry["backed"][name] = entry["backed"].get(name, 0) + 1
        for name in report.get("uncovered_requirements") or []:
            if name not in entry["open"]:
                entry["open"].append(name)
    out = []
    for entry in by_job.values():
        backed = entry["backed"]
        entry["backed"] = sorted(backed.items(), key=lambda kv: -kv[1])
        entry["open"] = [r for r in entry["open"] if r not in backed]
        out.append(entry)
    return out


def page(candidate: User) -> dict[str, Any]:
    """Everything *My progress* shows."""
    done = attempts(candidate)
    overall = chart([Series("overall", COLOURS[0], [a.score for a in done])], len(done))
    parts = chart(
        [Series(p, c, [a.parts.get(p) for a in done]) for p, c in zip(PARTS, COLOURS, strict=True)], len(done)
    )
    parts["series"] = [s for s in parts["series"] if s.points]
    first, last = (done[0], done[-1]) if done else (None, None)
    change = last.score - first.score if first and last and len(done) > 1 else None
    return {
        "attempts": done,
        "overall_chart": overall,
        "parts_chart": parts,
        "parts": PARTS,
        "change": change,
        "latest": last,
        "requirements": requirements_practised(candidate),
    }
