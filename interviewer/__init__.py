"""The ML core of the mock interviewer: plain Python, never imports Django."""
