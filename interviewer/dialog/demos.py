"""The worked examples of the instruct prompt: for each act (and each situation with a task of its
own), one turn's context and the words a good interviewer says there. Written for this project;
:func:`interviewer.dialog.prompt.example_messages` shows the one that fits a turn."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.vocabulary import Act


@dataclass(frozen=True)
class Demo:
    """One worked example: a turn's context and the words a good interviewer says."""

    title: str
    company: str
    act: Act
    job: tuple[str, ...]
    resume: tuple[str, ...]
    question: str
    answer: str
    reply: str
    when: str = ""  # the situation it shows (``situation``): a turn is shown the example of its own


DEMOS = (
    Demo(
        "Junior Data Analyst",
        "Larkspur Groceries",
        Act.OPENING,
        (),
        (),
        "",
        "",
        "Welcome, and thanks for making the time today. To start, could you tell me a little about yourself and why "
        "this role appealed to you?",
    ),
    Demo(
        "Backend Engineer",
        "Tidewater Bank",
        Act.RESUME_DEEP_DIVE,
        (),
        ("Cut p95 latency of the payments API from 900 ms to 180 ms by moving fraud checks to an async queue.",),
        "",
        "",
        "Your resume mentions cutting the payments API's p95 latency from 900 ms to 180 ms. What made moving the "
        "fraud checks to a queue safe?",
    ),
    Demo(
        "Staff Accountant",
        "Harborline Freight",
        Act.REQUIREMENT_PROBE,
        ("Prepare monthly balance sheet reconciliations and resolve variances.",),
        ("Reconciled 14 bank and intercompany accounts each month at a logistics firm.",),
        "",
        "",
        "This role owns the balance sheet reconciliations every month, and your resume mentions reconciling 14 "
        "accounts a month. How did you go about finding and resolving variances?",
        "evidence",
    ),
    Demo(
        "Operations Coordinator",
        "Kestrel Freight",
        Act.REQUIREMENT_PROBE,
        ("Schedule deliveries across three regional depots and resolve conflicts with carriers.",),
        (),
        "",
        "",
        "This role schedules deliveries across three regional depots. Have you planned schedules like that, and if "
        "so, how did you handle conflicts?",
        "skill",
    ),
    Demo(
        "Marketing Analyst",
        "Copperleaf Outdoors",
        Act.GAP_PROBE,
        ("Experience with Looker or a similar BI tool is a plus.",),
        (),
        "",
        "",
        "A plus for this role would be experience with Looker or a similar BI tool. Have you used a tool like that?",
        "preferred",
    ),
    Demo(
        "Customer Support Lead",
        "Brightline Telecom",
        Act.GAP_PROBE,
        ("Experience managing a team against CSAT and first-contact resolution targets.",),
        (),
        "",
        "",
        "This role manages a team against CSAT and first-contact resolution targets. What experience do you have "
        "with targets like those, if any?",
        "skill",
    ),
    Demo(
        "Inventory Planner",
        "Fernhollow Supply",
        Act.GAP_PROBE,
        ("Meticulous and organised, able to stay calm when priorities shift.",),
        (),
        "",
        "",
        "This role needs someone organised who stays calm when priorities shift. Can you tell me about a time your "
        "work called for that?",
        "quality",
    ),
    Demo(
        "Field Service Supervisor",
        "Northgate Utilities",
        Act.GAP_PROBE,
        ("Five or more years in water utility operations.",),
        (),
        "",
        "",
        "This role asks for five or more years in water utility operations. How many years, if any, have you worked "
        "in that area, and in what roles?",
        "tenure",
    ),
    Demo(
        "Site Reliability Engineer",
        "Quillfield",
        Act.GAP_PROBE,
        ("Hands-on experience running Kubernetes clusters in production.",),
        (),
        "",
        "",
        "This role runs our Kubernetes clusters in production, and I didn't see Kubernetes on your resume. How "
        "would you get up to speed on it?",
    ),
    Demo(
        "Mechanical Design Engineer",
        "Orrin Motors",
        Act.FOLLOW_UP,
        (),
        (),
        "Tell me about a project that slipped.",
        "We missed the design freeze, and it was partly on me. We sorted it out in the end.",
        'You said "it was partly on me". What exactly did you get wrong, and what did you change afterwards?',
        "specific",
    ),
    Demo(
        "Payroll Specialist",
        "Marlow Health",
        Act.FOLLOW_UP,
        (),
        ("Payroll corrections",),
        "How do you handle an urgent payroll correction?",
        "It depends, really. I've done a few of those, more or less.",
        'You said "I\'ve done a few of those". Can you walk me through the last payroll correction you made: what '
        "happened, what did you do, and how did it turn out?",
        "vague",
    ),
    Demo(
        "Product Designer",
        "Fernhollow",
        Act.BEHAVIORAL,
        ("Work closely with engineers to ship features in two-week cycles.",),
        (),
        "",
        "",
        "Tell me about a time an engineer pushed back on one of your designs late in a sprint. What did you do?",
        "job",
    ),
    Demo(
        "Frontend Developer",
        "Lindqvist Media",
        Act.BEHAVIORAL,
        (),
        ("TypeScript",),
        "",
        "",
        "Tell me about a time you used TypeScript on a recent piece of work. What did it make easier, and what harder?",
        "resume",
    ),
    Demo(
        "Nurse Educator",
        "St. Aldric Hospital",
        Act.CANDIDATE_QUESTIONS,
        (),
        (),
        "How do you keep new nurses engaged?",
        "I ask each one what they want to learn first and build their plan from that.",
        "Thanks, those are all my questions. What would you like to ask me about the role or the team?",
    ),
    Demo(
        "Warehouse Supervisor",
        "Pellham Logistics",
        Act.GAP_PROBE,
        ("Forklift certification and availability for rotating weekend shifts.",),
        (),
        "",
        "",
        "This role needs a forklift certification and rotating weekend shifts. Do you hold the certification, and "
        "can you work those shifts?",
        "condition",
    ),
    Demo(
        "Sales Development Representative",
        "Brightwater",
        Act.CLOSING,
        (),
        (),
        "What would you like to ask me?",
        "How is the team's success measured?",
        "Thanks for asking about how the team's success is measured; the hiring manager can answer that best. "
        "Thank you for your time today; it was a pleasure talking with you.",
        "question",
    ),
    Demo(
        "Civil Engineer",
        "Ostrava Works",
        Act.CLOSING,
        (),
        (),
        "What would you like to ask me about the role?",
        "Nothing for now, I think you covered it.",
        "Then that's everything from me. Thanks for walking me through your projects, and good luck.",
        "answer",
    ),
)
