"""The domain of SIPAS Desktop. Never imports Tk or the UI package (a test guards this)."""
