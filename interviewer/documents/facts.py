"""Fact quality: which pieces of a document an interviewer may ask about.

A fact is one claim a candidate could be asked about. This module decides, for a piece of
text already cut out of its section, whether it is

- **boilerplate** (pay and benefits, equal-opportunity and legal text, how to apply, contact
  details, schedule, the company's description of itself, "click here"): kept for display,
  never askable;
- a **fragment** (a date, a duration, a location, a lone company name or job title, a URL, a
  label such as "Achievement:"): not a fact at all; an experience entry's fragments become
  the ``context`` of the claims under it;
- or a **claim**, cut to at most :data:`MAX_FACT_WORDS` words at list and clause boundaries.

Pure functions over strings; no Django, no models. The patterns are the parser's own; the
benchmark (``bench/documents.py``) grades them with a separate list.
"""

from __future__ import annotations

import re

from interviewer.text import LETTERS

MAX_FACT_WORDS = 40
MIN_CLAIM_WORDS = 4  # shorter pieces are fragments unless they are items of a list
MAX_CONTEXT_CHARS = 200

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+?\d[\d\s().-]{7,}\d)")
URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|me|example|co|in|ru|il|uk)(?:/\S*)?(?=[\s,;)]|$)",
    re.I,
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:19|20)\d{2}"
_POINT = rf"(?:{_MONTH}\s+{_YEAR}|\d{{1,2}}/{_YEAR}|{_YEAR}|{_MONTH}\s*'\d\d)"
_NOW = r"(?:present|current|now|today|till date|date|ongoing)"
_RANGE = rf"{_POINT}\s*(?:-|–|—|to|until|till)\s*(?:{_POINT}|{_NOW})"
# A date range anywhere, or a single date set off by a separator at the end of the line.
DATE_RANGE = re.compile(rf"[\s,|–—-]{{0,3}}\(?\b{_RANGE}\b\)?:?|\s*[,|(\[–—-]\s*{_POINT}[\s)\]]*$", re.I)
_DATE_TOKEN = re.compile(
    rf"\(?\b(?:{_RANGE}|{_POINT}|{_NOW}|since|from|to|until|till|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\b\)?", re.I
)
_DURATION = re.compile(
    r"\(?\b(?:less than|more than|over|under|about|approx\.?|around|nearly)?\s*\d+(?:\.\d+)?\+?\s*"
    r"(?:years?|yrs?|months?|mos?|weeks?|wks?|days?|hours?|hrs?)\b(?:\s*(?:and\s*)?\d*\s*(?:months?|years?))?\)?",
    re.I,
)
_WORK_PLACES = frozenset("remote hybrid on-site onsite office full-time part-time contract permanent".split())
_LEVEL_WORDS = frozenset(
    "exp experience exprience expirience level beginner intermediate advanced expert basic proficient fluent native "
    "good excellent working".split()
)

# Labels whose value is metadata about the posting or the person, never a claim.
_METADATA = frozenset(
    w.strip()
    for w in (
        "location,locations,address,city,state,country,zip,phone,mobile,tel,telephone,email,e-mail,website,web site,"
        "url,linkedin,github,skype,salary,pay,pay rate,pay options,compensation,wage,rate,job type,employment type,"
        "type,schedule,shift,hours,travel,job id,job number,job code,job ref,reference,ref,req,requisition,posted,"
        "date posted,posting date,start date,closing date,deadline,department,category,industry,openings,positions,"
        "vacancies,date of birth,dob,birth date,nationality,citizenship,marital status,gender,sex,religion,passport,"
        "passport no,father's name,mother's name,languages known,hobbies,interests,visa,work authorization,"
        "primary location,organization,organisation,job,key words,keywords,tags,contact,contact person,name"
    ).split(",")
)
# Labels whose value says where and when a claim happened: context, not a claim.
_CONTEXT_LABELS = frozenset(
    "company,company name,employer,client,position,role,title,job title,designation,project,project name,"
    "project title,duration,period,team,environment,platform".split(",")
)
# Labels in front of a claim: the claim is what follows.
_LEAD_LABELS = frozenset(
    "description,details,summary,responsibilities,responsibility,duties,achievements,achievement,tasks,"
    "key achievements,accomplishments,role description,job description,areas of responsibility,"
    "primary purpose,purpose,objective,overview,detailed info,about,note,highlights".split(",")
)
_LABEL = re.compile(r"^([A-Za-z][A-Za-z0-9 /&'’.()-]{0,40}?)\s*(?::|\s-\s|-\s|\s–\s)\s*(.*)$")

# The parser's boilerplate patterns. Strong ones mark a piece wherever it stands; weak ones
# only in text outside any named section (a requirement may mention shifts or benefits
# administration in passing, an introduction that talks about pay is about pay).
_STRONG = {
    "legal": (
        r"\b(equal (employment )?opportunit\w*|eeo|eoe|m/f/d/v|minorities ?/ ?females|affirmative action|without regard (to|for)|regardless of (race|age|"
        r"sex|gender|religion|color|colour|national)|sexual orientation|gender identity|national origin|"
        r"protected (veteran|class|status|categor\w+)|protected by (law|federal)|veteran status|e-?verify|"
        r"authori[sz]ed to work|(work )?authori[sz]ation to work|work authori[sz]ation|(visa )?sponsorship|"
        r"sponsor (individuals|candidates|applicants|visas?|h-?1b)|work visas?|background (check|screening|investigation)s?|drug[- ](free|test|screen)\w*|"
        r"reasonable accommodations?|copyright|all rights reserved|privacy (policy|notice)|terms of use|at-will|"
        r"i hereby|declare that|date of birth|marital status|(references|recommendations) (are )?(available|upon|on request)|"
        r"father'?s name)\b"
    ),
    "apply": (
        r"\b(apply (now|today|online|here|directly|at|via|through|by|for this|to this|with|in person)|how to apply|"
        r"to apply|applicants (must|should|will|are|who)|application (process|form|deadline)|submit (your|a|an) "
        r"(resume|cv|application|portfolio)|send (your|us|a|an) (resume|cv|application)|(resume|cv) to|click|"
        r"job (code|id|number|ref)|to be considered|interested (candidates|parties|individuals|applicants)|"
        r"qualified (candidates|applicants) (should|may|are|will)|please (contact|call|email|e-mail|reach|send)|"
        r"reach out to|search (all )?(of )?our (open|other) (positions|jobs|openings)|view all jobs|please read on|follow us|find us on|like us on|more jobs like this)\b"
    ),
    "disclaimer": (
        r"\b(other (related )?duties|duties as (assigned|required|needed)|as assigned by|may change from time to time|"
        r"not (intended to be )?(an )?(exhaustive|all[- ]inclusive|complete) (list|description)|essential functions|"
        r"are representative of)"
    ),
    "contact": r"\b(contact (us|me)|call (us|me)|e-?mail (us|me)|phone\s*:|tel\s*:|fax\s*:)",
    "benefits": (
        r"\$\s?\d[\d,.]*\s*k?\s*(/\s*|per |an? )(hr|hour|year|yr|annum|week|month)\b|"
        r"\$\s?\d[\d,.]*\s*k?\s*(-|–|to)\s*\$\s?\d|\b(salary|wages|per hour|paid time off|pto|401\s?\(?k\)?|health insurance|medical,? dental|"
        r"dental,? (and |& )?vision|life insurance|benefits (package|include|program|plan)|competitive (pay|salary|"
        r"wages?|compensation|benefits|base)|employee discounts?|tuition (reimbursement|assistance)|sign[- ]on bonus|"
        r"retirement (plan|savings)|paid (holidays?|vacation|leave|time)|full benefits|benefits (start|starting|from day)|"
        r"(provides?|offers?) (full |excellent |great |comprehensive |generous )?benefits)\b"
    ),
    "schedule": (
        r"\b(mon(day)?)\b.{0,20}\b(fri(day)?|through|thru)\b|\b\d{1,2}(:\d\d)?\s?(am|pm)\b|\b(shift|schedule|hours)\s*:|"
        r"\bhours per week\b|^(full|part)[- ]time\W*$"
    ),
    "company": (
        r"\b(our (mission|vision|values)|founded (in|by)|headquartered|fortune \d+|leading (provider|supplier|"
        r"manufacturer)|join (our|us)\b|we are (a|an|the) (leading|global|growing|fast|premier|top|rapidly|proud)|"
        r"is (a|an|the) (leading|global|premier|nationally|world))"
    ),
    # Screening conditions: who may hold the job, not what it takes. No resume covers them.
    "condition": (
        r"\b(must be (at least )?\d{2}( years)?( of age| years old| or older)?|\d{2}\+? years (of age|old)|"
        r"(at least|minimum( age)? of) \d{2} years (of age|old)|(u\.?s\.?|us|eu|uk) citizen(ship)?|citizenship|"
        r"permanent resident|right to work|eligible to work|driver'?s? licen[cs]e|driving licen[cs]e|"
        r"driving record|cdl|security clearance|clearance (is )?required|(secret|ts/sci) clearance|"
        r"(lift|carry|push|pull)(ing)? (up to )?\d+ ?(lbs?|pounds|kg|kilos)|travel(ling|ing)? (up to )?\d+ ?%|"
        r"\d+ ?% (of the time )?travel|must (live|reside) in|(reside|residing|located) in one of|"
        r"(own|reliable) (vehicle|transportation|transport|car)|proof of (vaccination|insurance)|"
        r"(available|availability|willing(ness)?) to work (nights|weekends|overtime|holidays|evenings|any shift|"
        r"flexible)|stand(ing)? for (long|extended|\d+)|internet connection)(?!\w)"
    ),
}
_WEAK = {
    "benefits": (
        r"\b(salary|salaries|wages?|hourly|pension|medical|dental|vision|insurance|retirement|tuition|discounts?|"
        r"bonus(es)?|commissions?|stock|equity|perks?|vacation|relocation|benefits?|compensation|pay)\b"
    ),
    "schedule": (
        r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekdays?|weekends?|full[- ]time|part[- ]time|"
        r"per week|hours|shifts?|overtime|schedule|on[- ]call|temporary|permanent|contract)\b"
    ),
    "company": (
        r"^(we|we're|we’re|our|us|at)\b|\b(our (company|story|team is|people|organization|firm|culture|history)|"
        r"(this|the) (company|firm|organization) (is|was|has|provides|offers|develops)|subsidiary|award-winning|"
        r"industry leader|we (are|were|have|offer|believe|pride)|(is|are) (seeking|looking for|hiring|searching for)|"
        r"seeks|offers|(position|opening|opportunity|vacancy|role) (is )?(open|available) (at|with|within|in))\b"
    ),
}
# Every alternative of _STRONG contains one of these (or a time of day: a digit and am/pm).
_STRONG_ANCHORS = tuple(
    anchor.strip()
    for anchor in """
    equal|eeo|eoe|m/f/d/v|minorities|affirmative|without regard|regardless of|orientation|gender identity|
    national origin|protected|veteran|verify|authori|sponsor|visa|background|drug|accommodation|copyright|
    rights reserved|privacy|terms of use|at-will|hereby|declare that|date of birth|marital|references|
    recommendations|father|apply|applicants|application|submit|send|resume|cv|click|job code|job id|job number|
    job ref|considered|interested|qualified|please|reach out|search|view all|follow us|find us|like us|more jobs|duties|assigned|time to time|
    exhaustive|inclusive|complete list|complete description|essential functions|representative|contact|call|
    mail|phone|tel|fax|$|salary|wages|per hour|paid|pto|401|insurance|medical|dental|benefits|competitive|
    discount|tuition|bonus|retirement|fri|thru|through|shift|schedule|hours|time|our mission|our vision|
    our values|founded|headquartered|fortune|leading|join|we are|global|premier|nationally|world|
    must be|years of age|years old|citizen|resident|right to work|eligible|licen|driving record|cdl|clearance|
    lift|carry|push|pull|travel|live in|reside|located in|vehicle|transport|car|vaccination|available|
    availability|willing|stand|internet
    """.replace("\n", "").split("|")
)
_STRONG_ANY = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _STRONG.items()), re.I | re.M)
_WEAK_RE = {kind: re.compile(pattern, re.I) for kind, pattern in _WEAK.items()}
_REQUIREMENT_CUES = re.compile(
    r"\b(required|requires?|requirements?|must|preferred|prefer|degree|diploma|bachelor'?s?|master'?s?|ph\.?d|"
    r"certifi\w*|licen[cs]\w*|years? (of )?(\w+ )?experience|experience (in|with|of|as|using|working|developing|"
    r"building|managing|leading)|\d\+? years?|knowledge of|proficien\w*|familiar\w*|ability to|able to|"
    r"skills|skilled|understanding of|background in|expertise|fluen\w*|qualifications?|a plus|ideal candidate|"
    r"candidates? (should|must|will have)|someone (who|with)|(strong|excellent|solid|proven|demonstrated|good|"
    r"exceptional|outstanding) (\w+ ){0,2}(skills?|knowledge|experience|background|understanding|ability|"
    r"abilities|track record|communicat\w+|attention|work ethic)|hands-on|working knowledge|training in)\b"
    r"|^(you (have|bring|are (a|an)|should)|you're (a|an))\b",
    re.I,
)
_HARD_REQUIREMENT = re.compile(
    r"\b(required|must (have|be|possess)|preferred|degree|diploma|years? (of )?(\w+ )?experience|"
    r"certifi\w+|licen[cs]\w+|\d\+? years?)\b",
    re.I,
)
_RESPONSIBILITY_CUES = re.compile(
    r"\b(you('ll| will)|responsible for|responsibilities include|duties include|will (be )?(responsible|work|"
    r"support|assist|manage|lead|develop|design|perform|provide|ensure|help|build|own|report|maintain|"
    r"coordinate|oversee|handle|participate|serve|drive|create|analy[sz]e)|provides|develops|manages|performs|"
    r"ensures|supports|maintains|leads|coordinates|assists|oversees|handles|delivers|prepares|conducts|reviews|"
    r"builds|designs|creates|monitors|participates|trains|installs|operates|repairs|verifies|resolves|directs|"
    r"works (with|closely)|reports to|is responsible)\b",
    re.I,
)
# Verbs that open a duty ("Maintain the fleet log") or a resume bullet ("Led a team of six").
ACTION_VERBS = frozenset(
    """
    act administer advise analyse analyze answer apply assemble assess assist attend bake book build calculate care
    check clean coach collaborate collect communicate compile complete comply conduct configure consult contribute
    control cook coordinate count create deliver demonstrate deploy design determine develop diagnose direct
    dispatch document drive educate enforce ensure enter establish evaluate execute facilitate file follow generate
    greet guide handle help hire identify implement improve inspect install instruct interact interview investigate
    keep label lead lift load log maintain make manage measure meet mentor mix monitor move negotiate operate order
    organise organize oversee own pack participate partner perform pick plan prepare present prioritise prioritize
    process produce promote protect provide purchase recommend reconcile record recruit repair replenish report
    research resolve respond restock review run schedule screen sell serve service set ship sort source stock
    supervise support teach test track train transport troubleshoot unload update use utilise utilize verify wash
    welcome work write have understand
    led ran won grew cut built wrote taught sold drove made kept brought took gave held met spent began oversaw
    """.split()
)
_GERUND = re.compile(r"^[A-Z][a-z]{2,}ing\b(?! (company|firm|industry|business|team|department)\b)")
_LEAD_IN = re.compile(
    r"\b(the following|as follows|include|includes|including|such as)\W*$|^(following|below) (is|are)\b", re.I
)
_DIGIT = re.compile(r"\d")
SHORT_SKILL = re.compile(r"[A-Z][#+]{0,2}|\.net|\.NET|\.Net")  # "C#", "R", "C++": a skill of one letter
_TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.S)
_NAME_CONNECTORS = frozenset("and of for the in at de la le von van & a an with to on by".split())
_SECTION_WORDS = frozenset(
    "description summary overview responsibilities requirements qualifications skills experience education "
    "benefits details profile objective about job position role company other".split()
)


def strip_contacts(text: str) -> str:
    """The text without e-mail addresses, URLs and phone numbers (dates are not phone numbers)."""
    if "@" in text:
        text = EMAIL.sub(" ", text)
    text = URL.sub(" ", text)
    text = PHONE.sub(_drop_phone, text)
    text = re.sub(r"\(\s*[/,;.]*\s*\)|\(\s*/|\(\s*$", " ", text)  # what a removed number leaves behind
    return re.sub(r"\s{2,}", " ", text).strip()


def _drop_phone(match: re.Match[str]) -> str:
    value = match.group()
    digits = sum(c.isdigit() for c in value)
    if digits < (7 if value.startswith("+") else 9) or re.search(r"\b(19|20)\d{2}\s*[-–—]\s*(19|20)\d{2}\b", value):
        return value
    return " "


def has_contact(text: str) -> bool:
    """Whether ``text`` holds an e-mail address, a URL or a phone number."""
    if ("@" in text and EMAIL.search(text)) or URL.search(text):
        return True
    return any(_drop_phone(m) == " " for m in PHONE.finditer(text))


def _strong(text: str) -> str | None:
    """The kind of strong boilerplate in ``text``, if any. The big pattern runs only when one of
    the words that each of its alternatives needs is there (most claims have none)."""
    low = text.lower()
    timed = ("am" in low or "pm" in low) and _DIGIT.search(low) is not None
    if not timed and not any(anchor in low for anchor in _STRONG_ANCHORS):
        return None
    match = _STRONG_ANY.search(text)
    return match.lastgroup if match else None


def boilerplate_kind(text: str, weak: bool = False) -> str | None:
    """The kind of boilerplate ``text`` is ("benefits", "legal", "apply"...), or None for a claim.

    Args:
        text: one piece of a document.
        weak: also apply the weak patterns (text outside any named section): a short piece
            mostly about pay or the schedule, or one in which the company talks about itself.
    """
    strong = _strong(text)
    if strong:
        return strong
    if _HARD_REQUIREMENT.search(text):
        return None
    if _WEAK_RE["company"].search(text) and (weak or not text.lower().startswith("at ")):
        return "company"
    if not weak:
        return None
    words = len(text.split())
    for kind in ("benefits", "schedule"):
        hits = len(_WEAK_RE[kind].findall(text))
        if (words <= 8 and hits >= 2) or hits * 4 >= words:
            return kind
    return None


def resume_boilerplate(text: str) -> str | None:
    """The kind of boilerplate a resume line is: only declarations, personal data, references
    and legal text ("Cut costs by $2M" and "the company offers" are claims on a resume)."""
    strong = _strong(text)
    return strong if strong in ("legal", "contact") else None


def split_label(text: str) -> tuple[str, str, str]:
    """``"Location: Leeds"`` -> ("metadata", "Location", "Leeds"); kinds: metadata, context, lead, "" (none)."""
    match = _LABEL.match(text)
    if match is None:
        return "", "", text
    label = re.sub(r"\s+", " ", match.group(1).strip().lower().replace("’", "'"))
    value = match.group(2).strip()
    if label in _METADATA:
        return "metadata", match.group(1).strip(), value
    if label in _CONTEXT_LABELS:
        return "context", match.group(1).strip(), value
    if label in _LEAD_LABELS or (not value and len(label.split()) <= 4):
        return "lead", match.group(1).strip(), value
    return "", "", text


def is_label(phrase: str) -> bool:
    """Whether ``phrase`` ("Primary Location", "Job Type") labels metadata or an entry's context."""
    key = re.sub(r"\s+", " ", phrase.strip().lower().replace("’", "'"))
    return key in _METADATA or key in _CONTEXT_LABELS


def is_dates(text: str) -> bool:
    """Only dates, durations and the words between them: "06/2006", "to", "Current", "(1 year 8 months)"."""
    if len(text) > 60:
        return False
    rest = _DATE_TOKEN.sub("", _DURATION.sub("", DATE_RANGE.sub(" ", text)))
    return rest.strip(" ,;|:–—-()/.") == ""


def strip_dates(text: str) -> str:
    """The text without date ranges, single dates set off at its end and durations."""
    text = DATE_RANGE.sub(" ", text)
    text = _DURATION.sub(" ", text)
    return re.sub(r"\s{2,}", " ", text).strip(" ,;|:–—-()")


def is_fragment(text: str, item: bool = False, names: bool = True) -> bool:
    """Not a claim: only dates, durations, a location, a name or title, a label or a section word.

    Args:
        text: a tidied piece (no contact details).
        item: whether it is an item of a list (a skill such as "Python" is then a fact).
        names: whether a line of capitalised names is a fragment ("Northwind Savings Bank");
            not in education, where "BSc Physics, University of Leeds" is the claim.
    """
    if item and SHORT_SKILL.fullmatch(text.strip()):
        return False  # "C#", "R", "C++"
    digits = _DIGIT.search(text) is not None
    core = strip_dates(text) if digits else text.strip(" ,;|:–—-()")
    words = core.split()
    if not words or not _TWO_LETTERS.search(core):
        return True
    if is_dates(core):
        return True
    if core.endswith(":") or core.lower().strip(" .:") in _SECTION_WORDS or _LEAD_IN.search(core):
        return True
    if item:
        plain = [w.lower().strip(".,") for w in words]
        if plain[-1] in _NAME_CONNECTORS or plain[-1] in ("is", "are", "was", "were", "will"):
            return True  # "registration of": the rest of it is on the next line
        return all(w in _LEVEL_WORDS or w in _WORK_PLACES for w in plain) or _is_location(core)
    if len(words) < MIN_CLAIM_WORDS:
        return True
    return names and ((_is_name_like(core) and len(words) < 9) or _is_keyword_soup(words))


def _is_keyword_soup(words: list[str]) -> bool:
    """A run of capitalised keywords with hardly a sentence in it: a flattened table or tag list."""
    alpha = [w for w in words if w[:1].isalpha()]
    if len(alpha) < 6:
        return False
    capital = sum(1 for w in alpha if w[:1].isupper())
    function = sum(1 for w in alpha if w.lower() in _NAME_CONNECTORS or w.lower() in ("is", "are", "to", "will"))
    return capital >= 0.7 * len(alpha) and function < 3


def _is_name_like(text: str) -> bool:
    """No lower-case content word: "Northwind Savings Bank", "Senior Data Analyst, Acme Corp"."""
    if text.isupper() and len(text.split()) >= 6:
        return False  # a sentence written in capitals
    words = [w.strip("()[],.;:|–—-") for w in text.split()]
    return not any(
        w[:1].islower() and w.lower() not in _NAME_CONNECTORS and len(w) > 2 for w in words if w and w[:1].isalpha()
    )


def _is_location(text: str) -> bool:
    """ "Leeds, UK", "San Diego, CA 92123", "City, State", "(Israel, Rehovot)"."""
    parts = [p.strip(" ()") for p in text.split(",")]
    if len(parts) < 2 or len(text.split()) > 6:
        return False
    return all(
        re.fullmatch(r"[A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*)*(?: \d{5})?|[A-Z]{2}(?: \d{5})?", p) for p in parts
    )


def split_long(text: str, limit: int = MAX_FACT_WORDS) -> list[str]:
    """``text`` cut into pieces of at most ``limit`` words, at the weakest boundary that does it.

    Tries, in order: semicolons, a colon after a short lead-in, commas, conjunctions and
    relative clauses, and last a plain cut at a word boundary. Linear in the text.
    """
    if len(text.split()) <= limit:
        return [text]
    for pattern in (
        r"(?<=;)\s+",
        r"(?<=:)\s+",
        r"(?<=,)\s+",
        r"\s+(?=(?:and|or|but|while|which|whereas|as well as)\s)",
    ):
        parts = [p for p in re.split(pattern, text) if p.strip()]
        if len(parts) > 1:
            return [piece for chunk in _pack(parts, limit) for piece in split_long(chunk, limit)]
    words = text.split()
    size = min(limit, 30)
    return [" ".join(words[i : i + size]) for i in range(0, len(words), size)]


def _pack(parts: list[str], limit: int) -> list[str]:
    """Join consecutive parts while they fit in ``limit`` words (a list item stays whole)."""
    chunks: list[str] = []
    current: list[str] = []
    count = 0
    for part in parts:
        n = len(part.split())
        if current and count + n > limit:
            chunks.append(" ".join(current))
            current, count = [], 0
        current.append(part)
        count += n
    if current:
        chunks.append(" ".join(current))
    return chunks


def job_section(text: str) -> str | None:
    """For a posting sentence outside any named section: "requirements", "responsibilities", or
    None when it is neither (an introduction, the company's description of itself)."""
    if _HARD_REQUIREMENT.search(text):
        return "requirements"
    if _WEAK_RE["company"].search(text):
        return None
    first = LETTERS.match(text)
    imperative = first is not None and first.group(0).lower() in ACTION_VERBS
    if imperative or _GERUND.match(text) or _RESPONSIBILITY_CUES.search(text):
        return "responsibilities"
    if _REQUIREMENT_CUES.search(text):
        return "requirements"
    return None


def context_of(parts: list[str]) -> str:
    """One context string from an entry's fragments: "Backend Engineer, Acme, 2020 - 2023"."""
    seen: list[str] = []
    for part in parts:
        part = part.strip(" ,;|:–—-")
        if part and part.lower() not in (s.lower() for s in seen):
            seen.append(part)
    return ", ".join(seen)[:MAX_CONTEXT_CHARS].rstrip(" ,")


def level_free(item: str) -> str:
    """A skills-list item without its level or duration: "JavaScript - 24 months" -> "JavaScript"."""
    parts = [p.strip(" .;,") for p in re.split(r"\s+[-–]\s*|\s*[-–]\s+", item) if p.strip(" .;,")]
    kept = [p for p in parts if not _DURATION.fullmatch(p) and p.lower() not in _LEVEL_WORDS]
    kept = [_DURATION.sub("", p).strip(" ()") for p in kept]
    kept = [p for p in kept if p and p.lower() not in _LEVEL_WORDS]
    return " - ".join(kept) if len(parts) > 1 else item
