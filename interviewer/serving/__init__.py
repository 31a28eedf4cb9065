"""The language model behind the interviewer: named bases and their weights (``bases``, ``weights``),
conversion to CTranslate2 (``conversion``), the batched engine (``engine``, ``ct2_generator``) and
the transformers generator used for training and evaluation (``generator``)."""
