"""One interviewer turn's words: what it does (``policy``), how it is asked (``prompt``, ``exemplars``),
which words may be shown (``gate``, ``ranker``, ``critic``), the fallbacks (``templates``) and the
metrics dialogs are scored with (``metrics``)."""
