"""Resume against posting: which facts each turn should probe (``selector``), and whether the resume
covers each requirement (``coverage`` rules, ``skills`` of a kind, the learned ``coverage_model``)."""
