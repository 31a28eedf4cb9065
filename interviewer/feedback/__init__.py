"""What the answers showed: relevance to the question (``relevance``), STAR parts and specifics
(``star``), delivery of spoken answers (``delivery``) and the end-of-interview report (``report``)."""
