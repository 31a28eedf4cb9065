"""Serving: the trained model versions and the runs that made them; loading the active models once
per process, generation on worker processes, and the commands that prepare, train and evaluate the
models. Its tables keep their ``webapp_`` names."""
