"""Spoken answers: check a recording, decode it and transcribe it offline (``transcribe``)."""
