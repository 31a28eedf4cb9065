"""One interviewer turn's words: what it does (``policy``), how it is asked (``inputs``, ``prompt``
and its worked ``demos``, ``exemplars``), turning raw words into one utterance (``cleanup``), which
words may be shown (``gate``, ``ranker``, ``critic``), the fallbacks (``templates``) and the metrics
dialogs are scored with (``metrics``)."""
