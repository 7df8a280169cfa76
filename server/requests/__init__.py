"""Assessment requests: a trainee asks a colleague by e-mail link or QR code; the colleague answers
without an account through a capability link (see ``links.py``)."""
