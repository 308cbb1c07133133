"""Dossiers in the lobby: the pure rules (working days, standing, on-time figures, the pull's
pages), the pull against a local HTTP server standing in for the one-stop system, and the
dossier operations on a real server."""
