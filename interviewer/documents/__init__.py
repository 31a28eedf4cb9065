"""Documents in: file bytes and pasted text -> clean text -> sections -> atomic facts, each with what
it is. ``base`` holds the shared types, ``extract`` turns bytes into clean text, ``parse`` clean text
into sections and facts (``sections`` knows the headings, ``structure`` recovers lost line breaks,
``facts`` judges which pieces are askable), ``reading`` does both in a throw-away process,
``titles`` names an untitled document and ``fact_kinds`` classifies a posting's pieces."""
