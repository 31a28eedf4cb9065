"""Interviews: sessions, their turns and the recordings of spoken answers; planning and serving each
interviewer turn, the live socket, voice answers, the candidate's pages from the practice page to
the report, and the commands that run and evaluate whole interviews. Its tables keep their
``webapp_`` names."""
