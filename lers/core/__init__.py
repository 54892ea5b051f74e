"""Cross-cutting pieces: domain errors, the active policy, mail, the HTTP mapping of errors."""
