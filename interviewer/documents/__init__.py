"""Documents in: file bytes and pasted text -> clean text -> sections -> atomic facts, each with what
it is (``reading`` reads files in a throw-away process and parses them, ``structure`` recovers lost
line breaks, ``facts`` judges which pieces are askable, ``titles`` names an untitled document,
``fact_kinds`` classifies a posting's pieces)."""
