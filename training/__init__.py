"""Training and evaluation entry points (datasets, selector and generator fine-tuning)."""
