"""`sipas log …` and `sipas demo log` (dossier log)."""


def register(sub):
    """Filled in by the dossier-log work."""
