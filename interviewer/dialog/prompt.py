"""The ``instruct`` prompt: written for instruction-following bases (Qwen2.5-Coder-1.5B-Instruct).

A small instruct model follows the task it reads last, not a persona set at the top of a long
chat: given the dialog as chat turns, it answered the candidate instead of doing the act. So
the prompt is a task per turn:

- the system message: who speaks, what the two documents are (a job requirement is the hiring
  company's, a resume line the candidate's past elsewhere), what may never be claimed;
- worked examples of this turn's act, each a task and the words a good interviewer says (our own
  wording, written for this project), as earlier user and assistant messages;
- this turn's task: the role, the facts labelled by document, the last question and answer where
  the act needs them, and the act in plain words with the fact it is about;
- the start of the interviewer's words (``PromptInputs.prefix``) where the code writes it: a
  probe starts "This role ..." so the model states the requirement as the job's, never as the
  candidate's; a follow-up starts ``You said "..."`` so it quotes the candidate's own words.

Only the act's own examples are shown: all of them at once made a prompt of about 1,100 tokens,
and CTranslate2 on 2 cores read it at about 70 tokens/s, decoded a third slower after it, and
batched several interviews' turns slower than it decoded them one by one, even with the examples
cached as its static prompt (measured here: 4 turns at once 34.6 s against 5.7 s for one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from interviewer.dialog.demos import DEMOS
from interviewer.dialog.templates import DANGLING, clean_title, is_duty, lower_first, names_quality, topic
from interviewer.text import content_words
from interviewer.vocabulary import Act, Section, Source

if TYPE_CHECKING:
    from interviewer.dialog.inputs import PromptInputs

ANSWER_WORDS = 50  # the last answer as the prompt shows it (its first words)

SYSTEM = (
    "You are a friendly, experienced job interviewer. Reply with exactly what you say next to the candidate: one "
    "or two short sentences. Job requirements describe the role you are hiring for; resume lines, the candidate's "
    "past work elsewhere. Never say the candidate has done or said anything their resume lines or answers do not say."
)

TASKS = {
    Act.OPENING: "Welcome the candidate in a few words, then ask one warm-up question about their background.",
    Act.RESUME_DEEP_DIVE: "Name this resume line in a few words, then ask what they did themselves, how, or what came of it",
    Act.REQUIREMENT_PROBE: (
        "State this job requirement briefly as the role's, then ask one short, open question about their own "
        "experience with it (whether and where they have done it), without assuming they have done it"
    ),
    Act.GAP_PROBE: (
        "Their resume does not show this job requirement. State it briefly as the role's, then ask one short "
        "question about any experience they have with it, without assuming they have it"
    ),
    Act.FOLLOW_UP: (
        "Quote a few of their exact words in double quotes, then ask one question about those words that makes "
        "them concrete: their own part, a number, or the result. Bring in no other subject."
    ),
    Act.BEHAVIORAL: (
        'Ask one behavioral question ("Tell me about a time...") about a situation around this line, adding no '
        "details it does not give"
    ),
    Act.CANDIDATE_QUESTIONS: "Say you have asked all your questions and invite theirs about the role or the team.",
    Act.CLOSING: "Thank the candidate and end the interview. Ask nothing; promise nothing about next steps or a decision.",
}
# A follow-up on a vague answer ("it depends") asks for one specific time, named by its subject: told
# to make the quoted words concrete, the model asked for "an example of a time when this happened" (no
# referent) or restated its last question's premise as the candidate's own (a claim nobody made).
VAGUE_TASK = (
    "Quote a few of their exact words in double quotes, then ask them to walk you through one specific time, "
    "naming its subject in a few words: what happened, what they did, and how it turned out. Add no detail of "
    "your own."
)
# A requirement probe shown the resume line that backs it (``webapp.interviews.interviews`` shows one only where
# it names most of the requirement's own terms): it may name that line. Shown a weak link (a line
# that shares one word with the requirement), the model took the link for proof and asked "How did
# you gain this experience?"; the blind judges called that presuming.
EVIDENCE_TASK = (
    "State this job requirement briefly as the role's, then name the resume line in a few words and ask one "
    "short, open question about what they did there"
)
# A nice-to-have is not a requirement: stated with "This role requires", a preferred degree read as a
# condition of the job. What "the ideal candidate" has is a wish too (the blind judges called it odd
# stated as required). Its turn starts "A plus for this role would be" (``prefix``).
PREFERRED_TASK = (
    "This job requirement is preferred, not required. Say it would be a plus, then ask one short question about "
    "any experience they have with it, without assuming they have it"
)
_PREFERRED = re.compile(
    r"\b(?:preferred|(?:is|are|would be|a) (?:big |strong |definite )?(?:plus|bonus|advantage)|nice[- ]to[- ]have|"
    r"desired|desirable|ideally|(?:the|an?|our) ideal (?:candidate|applicant|hire|person))\b",
    re.I,
)


# A span of years asked for ("Eight or more years in retail banking"): stated by the code whole, as a
# bare skill is. Left to the model, it became a duty nobody gave ("This role is responsible for
# overseeing branch operations").
_TENURE = re.compile(
    r"^(?:at least |minimum (?:of )?)?(?:\d{1,2}\s*\+?|one|two|three|four|five|six|seven|eight|nine|ten)"
    r"(?:\s*(?:-|to)\s*\d{1,2})?\s*(?:\+\s*)?(?:or more\s+)?years?\b",
    re.I,
)
MAX_TENURE_WORDS = 14
# Asked "What experience do you have with <the field>, if any?" after the code stated the span, the
# turn said the field twice (judged repetitive); the question asks for the years and the roles, "if
# any" (without it, "How many years have you worked in that field?" was judged to presume them).
TENURE_TASK = (
    "This job requirement is a span of years in a field. State it, then ask how many years, if any, they have "
    "worked in that area and in what roles"
)


def is_tenure(requirement: str) -> bool:
    """A requirement that is a span of years in something, short enough to say whole."""
    text = requirement.strip(" .;:")
    return bool(_TENURE.match(text)) and len(text.split()) <= MAX_TENURE_WORDS and not is_preferred(text)


def is_bare_skill(requirement: str) -> bool:
    """A requirement that is only the name of a skill or a tool ("SQL", "C#", "Google Analytics"): up
    to three words, each a name (a capital, a digit or a sign in it), not a condition. A common noun
    ("team player") is left to the model: "This role calls for team player." is no sentence."""
    words = requirement.strip(" .;:").split()
    named = all(any(ch.isupper() or ch.isdigit() or ch in "#+./" for ch in w) for w in words)
    return 0 < len(words) <= 3 and named and not is_condition(requirement)


def without_preference(requirement: str) -> str:
    """A preferred requirement without the words that say so (the turn says it is a plus): "The ideal
    candidate will be calm under pressure" is "someone calm under pressure"."""
    text = _TRAILING_PREFERENCE.sub("", requirement.strip()) or requirement
    ideal = _IDEAL.match(text)
    if ideal:
        text = ("someone " if ideal.group(1).lower().endswith(("be", "is")) else "") + text[ideal.end() :]
    return text


_IDEAL = re.compile(
    r"^(?:the|an?|our) ideal (?:candidate|applicant|hire|person)\s+((?:will |would |should )?(?:be|have|possess)|"
    r"is|has|possesses)\s+",
    re.I,
)


_TRAILING_PREFERENCE = re.compile(
    r"[\s,;:(-]*(?:(?:is|are|would be) )?(?:strongly |highly )?(?:preferred|a plus|desired|desirable)[\s.)]*$", re.I
)


def is_preferred(requirement: str, section: str = "") -> bool:
    """A requirement the posting calls a plus, not a must: under a "nice to have" heading, or saying so."""
    return section == Section.NICE_TO_HAVE or bool(_PREFERRED.search(requirement))


# A closing after the candidate's question acknowledges it (a closing that thanked and ended over a
# question was judged to ignore the candidate): the interviewer cannot answer from the documents, so
# it says who can, in the question's own terms.
CLOSING_QUESTION_PREFIX = "Thanks for asking about"
CLOSING_QUESTION_TASK = (
    "They asked a question: say what it was about and that the hiring manager can answer it best (do not answer "
    "it yourself), then thank them and end the interview. Ask nothing; promise nothing."
)
# A personal quality ("Meticulous and organised", "a strong work ethic"): asked "What experience do
# you have with these qualities, if any?" (the worked example's shape for a skill), the blind judges
# called the turn odd; an interviewer asks for a time the work called for it.
QUALITY_TASK = (
    "This job requirement is a personal quality. Say briefly that the role needs it, then ask for one time "
    "their work called for it, without assuming they have it"
)
# "Must know how to ..." read to the model as the role's own duty: "This role must know how to tune
# slow queries." Read as what the person hired needs to do, it became a plain requirement ("This
# role requires knowing how to ..."). "Must be", "must have" are conditions: kept.
_MODAL = re.compile(r"^(?:must|should)\s+(?!be\b|have\b|possess\b|hold\b)", re.I)


def is_quality(requirement: str) -> bool:
    """A requirement that is a personal quality ("attention to detail", "a team player"), not a skill
    one uses or a condition one meets."""
    return names_quality(requirement) and not is_condition(requirement)


# A requirement that is a qualification or a condition (a degree, a licence, a clearance, a schedule)
# is held or met, not "experienced": asked the skill's question, the model asked what experience a
# candidate had "with a high school diploma". Work a requirement places in one's studies ("During
# university, ...") is one too: the model stated it as the role's own work (judged misleading).
CONDITION_TASK = (
    "State this requirement briefly as the role's; it is a qualification or a condition, so ask plainly whether "
    "they have it or can meet it"
)
_CONDITION = re.compile(
    r"\b(?:degrees?|diploma|ged|bachelor(?:'s|’s|s)?|master(?:'s|’s)|phd|doctorate|mba|certificat(?:e|es|ion|ions)|"
    r"certified|licen[cs]es?|licensed|clearance|citizen(?:ship)?|authori[sz]ed to work|work permit|visa|"
    r"driving record|relocat\w*|travel|shifts?|weekends?|nights?|overtime|on[- ]call|lift(?:ing)? (?:up to )?\d+)\b",
    re.I,
)
_AT_SCHOOL = re.compile(r"^(?:in|at|during) (?:high )?(?:school|college|university)\b", re.I)


def is_condition(requirement: str) -> bool:
    """A requirement one holds or meets (a qualification, a licence, a schedule), not a skill one uses."""
    return bool(_CONDITION.search(requirement) or _AT_SCHOOL.match(requirement.strip()))


# The acts whose task names the one fact it is about (the first of the facts shown).
_TARGET = {Act.RESUME_DEEP_DIVE: Source.RESUME, Act.REQUIREMENT_PROBE: Source.JOB, Act.GAP_PROBE: Source.JOB}
_ANY_FACT = frozenset({Act.BEHAVIORAL})  # the task names its first fact, from either document
# The acts that show the last question and answer: a probe moves to a new subject, and shown the
# answer the model followed it up instead of probing.
_SHOWS_ANSWER = frozenset({Act.FOLLOW_UP, Act.CANDIDATE_QUESTIONS, Act.CLOSING})


def task_message(
    title: str,
    company: str,
    act: Act,
    job: Sequence[str],
    resume: Sequence[str],
    question: str = "",
    answer: str = "",
) -> str:
    """The user message of one turn: the role, the facts by document, the last exchange, the task."""
    # A probe is not shown the role's title: restating its requirement as "This role ...", the model
    # wove the title in ("This role specializes in <the title's trade>" for a line about deadlines).
    lines = (
        []
        if act.is_probe and act is not Act.RESUME_DEEP_DIVE
        else [f"Role: {clean_title(title)}" + (f" at {company}" if company else "")]
    )
    job = [_MODAL.sub("The person hired needs to ", text, count=1) for text in job]
    lines += [f"Job requirement: {text}" for text in job]
    lines += [f"Resume: {text}" for text in resume]
    if answer and act in _SHOWS_ANSWER:
        if question and act is Act.FOLLOW_UP:
            lines.append(f"Your last question: {question}")
        lines.append(f"Candidate's answer: {' '.join(answer.split()[:ANSWER_WORDS])}")
    # The task matches the worked example the turn is shown (``situation``).
    task = _SITUATION_TASKS.get(situation(act, job, resume, answer), TASKS[act])
    source = _TARGET.get(act)
    target = (job if source is Source.JOB else resume)[:1] if source else ()
    if act in _ANY_FACT:
        target = ([*resume, *job])[:1]
    if act is Act.BEHAVIORAL and target and job and target[0] == job[0] and is_condition(target[0]):
        target = []  # a degree or a schedule is no situation ("a time you had to work overtime")
    if act is Act.BEHAVIORAL and not target:
        task = 'Ask one behavioral question ("Tell me about a time...") about a situation this job brings.'
    if task is PREFERRED_TASK and target:
        target = [without_preference(target[0])]
    if target:
        task = f'{task}: "{target[0]}"'
    lines.append(f"Task: {task}")
    return "\n".join(lines)


# The task of a turn whose situation has a task of its own (the others: its act's, ``TASKS``).
_SITUATION_TASKS = {
    "vague": VAGUE_TASK,
    "question": CLOSING_QUESTION_TASK,
    "evidence": EVIDENCE_TASK,
    "preferred": PREFERRED_TASK,
    "condition": CONDITION_TASK,
    "quality": QUALITY_TASK,
    "tenure": TENURE_TASK,
}


def situation(act: Act, job: Sequence[str], resume: Sequence[str], answer: str) -> str:
    """Which worked example fits the turn: a follow-up on a vague or a specific answer, a probe of a
    condition or a skill, a behavioral question on a job or a resume line, a closing after a
    question or an answer ("" where the act has one example)."""
    if act is Act.FOLLOW_UP:
        return "vague" if _VAGUE.search(answer) else "specific"
    if act in (Act.REQUIREMENT_PROBE, Act.GAP_PROBE):
        if job and is_preferred(job[0]):
            return "preferred"
        if job and is_condition(job[0]):
            return "condition"
        if job and is_quality(job[0]):
            return "quality"
        if job and is_tenure(job[0]):
            return "tenure"
        return "evidence" if act is Act.REQUIREMENT_PROBE and resume else "skill"
    if act is Act.BEHAVIORAL:
        return "resume" if resume else "job"
    if act is Act.CLOSING:
        return "question" if "?" in answer else "answer"
    return ""


def example_messages(act: Act, when: str = "", examples: int = 1) -> list[dict[str, str]]:
    """The system message and ``examples`` (0 or 1) worked example of ``act`` that fits ``when``,
    as the messages before the turn's task: one example, because every token of the prompt is read
    on the CPU before the first word (about 0.2 s per 40 tokens on 2 cores)."""
    messages = [{"role": "system", "content": SYSTEM}]
    mine = [d for d in DEMOS if d.act is act]
    # The two probes share their examples of a condition and of a plus: both are asked the same way.
    probes = [d for d in DEMOS if d.act.is_probe and d.act is not Act.RESUME_DEEP_DIVE] if act.is_probe else []
    chosen = [d for d in mine if d.when == when][:1] or [d for d in probes if d.when == when][:1] or mine[:1]
    for demo in chosen[:examples]:
        content = task_message(demo.title, demo.company, demo.act, demo.job, demo.resume, demo.question, demo.answer)
        messages += [{"role": "user", "content": content}, {"role": "assistant", "content": demo.reply}]
    return messages


def messages(inputs: PromptInputs, examples: int = 1) -> list[dict[str, str]]:
    """The whole instruct prompt as chat messages: system, the fitting worked example, this turn's task."""
    job, resume, question, answer = _parts(inputs)
    content = task_message(inputs.job_title, inputs.company, inputs.stage, job, resume, question, answer)
    return [*static_messages(inputs, examples), {"role": "user", "content": content}]


def static_messages(inputs: PromptInputs, examples: int = 1) -> list[dict[str, str]]:
    """The messages before the turn's task (system and worked example): the same for every turn of
    one act in one situation, so a backend may keep the model's state after them (``ct2_generator``)."""
    job, resume, _, answer = _parts(inputs)
    return example_messages(inputs.stage, situation(inputs.stage, job, resume, answer), examples)


def _parts(inputs: PromptInputs) -> tuple[list[str], list[str], str, str]:
    """The turn's job facts, resume facts, last question and last answer."""
    job = [f.text for f in inputs.facts if f.source == Source.JOB]
    resume = [f.text for f in inputs.facts if f.source != Source.JOB]
    question = next((text for role, text in reversed(inputs.history) if role == "interviewer"), "")
    answer = inputs.history[-1][1] if inputs.history and inputs.history[-1][0] == "candidate" else ""
    return job, resume, question, answer


# The code-written start of a turn: a probe states the requirement as the role's (the 1.5B base
# otherwise told candidates they had it: "You're confident with Google Analytics 4"); a follow-up
# quotes the candidate's own words, chosen by the code (asked to quote, the model quoted the
# question instead).
# Every act that opens on a fixed phrase starts with it too, shown the moment the turn starts: a
# behavioral question ("Tell me about a time"), a resume deep-dive ("Your resume mentions"), the
# opening's welcome; the model's own words follow it.
PREFIXES: dict[Act, tuple[str, ...]] = {
    Act.OPENING: ("Welcome, and thanks for making the time today.", "Thanks for joining me today."),
    Act.RESUME_DEEP_DIVE: ("Your resume mentions",),
    # Not "The role": it went on "The role of <the posting's title> involves...", a title the turn was not given.
    Act.REQUIREMENT_PROBE: ("This role",),
    Act.GAP_PROBE: ("This role",),
    Act.FOLLOW_UP: ('You said "{quote}".', 'You mentioned "{quote}".'),
    Act.BEHAVIORAL: ("Tell me about a time",),
}


PREFERRED_PREFIX = "A plus for this role would be"
DUTY_PREFIX = "In this role, you would"


def requirement_of(inputs: PromptInputs) -> str:
    """The job requirement a probe's turn is about (its first fact, when the posting's), for ``prefix``."""
    first = inputs.facts[0] if inputs.facts else None
    return first.text if first is not None and first.source == Source.JOB and inputs.stage.is_probe else ""


def prefix(
    act: Act, index: int, last_answer: str = "", attempt: int = 0, requirement: str = "", section: str = ""
) -> str:
    """The start of the interviewer's words for turn ``index`` ("" for none); ``attempt`` 1 is the
    other wording, for a fallback round. A probe's ``requirement`` (with its parser ``section``)
    picks the start: a plus (:func:`is_preferred`) is never stated as required, and a bare skill
    ("SQL", "C#") is stated by the code whole, since the model dressed one up with a role
    description nobody gave ("This role develops trading software in Haskell" for a bare "Haskell");
    a duty ("Reconcile supplier statements each month") is what the person hired would do: after
    "This role" the model made the role its actor ("This role reconciles ..."; judged clumsy)."""
    if act is Act.CLOSING and "?" in last_answer:
        return CLOSING_QUESTION_PREFIX
    if requirement and act in (Act.REQUIREMENT_PROBE, Act.GAP_PROBE):
        if is_preferred(requirement, section):
            return PREFERRED_PREFIX
        if is_bare_skill(requirement):
            return f"This role calls for {topic(requirement)}."
        if is_tenure(requirement):
            text = requirement.strip(" .;:")
            return f"This role asks for {lower_first(text)}."
        if is_duty(topic(requirement)):
            return DUTY_PREFIX
    choices = PREFIXES.get(act, ())
    if not choices or (act is Act.FOLLOW_UP and not last_answer.strip()):
        return ""
    chosen = choices[(index // 2 + attempt) % len(choices)]
    return chosen.format(quote=quote_of(last_answer)) if "{quote}" in chosen else chosen


# Words that make an answer vague: the follow-up quotes them and asks for the concrete version.
_VAGUE = re.compile(
    r"\b(?:not sure|depends|kind of|sort of|some of (?:that|it|those)|stuff|things like that|a bit|more or less|"
    r"it varies|various|a few|somewhat|generally|usually|i guess|i think)\b",
    re.I,
)
_CLAUSE = re.compile(r"(?<=[.!?;:])\s+|,\s+(?:(?:and|but|so|then|which)\s+)?|\s+(?:-|–|—)\s+")
MAX_QUOTE_WORDS = 10
# Where an answer starts: quoted, "In my last role I worked on ..." read as stilted to the blind judges.
_FRAME = re.compile(r"^(?:in|at) my (?:last|previous|current|first|old) (?:role|job|position|company|team),?\s+", re.I)


def quote_of(answer: str) -> str:
    """A few of the candidate's own words for a follow-up to quote (at most ten, a whole clause where
    one fits): the vague part of a vague answer, else the clause that says the most (a figure first)."""
    clauses = [c.strip(" .,;:!?\"'“”") for c in _CLAUSE.split(answer)]
    clauses = [c for c in clauses if len(c.split()) >= 2]
    if not clauses:
        return " ".join(answer.split()[:MAX_QUOTE_WORDS]).strip(" .,;:!?\"'“”")
    vague = [c for c in clauses if _VAGUE.search(c)]

    def says(clause: str) -> tuple[bool, int, int]:
        fits = len(clause.split()) <= MAX_QUOTE_WORDS
        meaning = len([w for w in content_words(clause) if "'" not in w])  # "I'm" says nothing
        return (fits, 2 * any(ch.isdigit() for ch in clause) + meaning, -abs(len(clause.split()) - 5))

    best = max(vague or clauses, key=says)
    unframed = _FRAME.sub("", best, count=1)
    best = unframed if len(unframed.split()) >= 3 else best
    words = best.split()
    if len(words) <= MAX_QUOTE_WORDS:
        return best
    words = words[:MAX_QUOTE_WORDS]
    while len(words) > 3 and words[-1].lower().strip(",;") in DANGLING:  # not "... the billing exports and"
        words.pop()
    return " ".join(words).rstrip(",;")
