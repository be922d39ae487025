"""SIPAS Desktop: the commune citizen-satisfaction self-survey, offline, end to end."""

__version__ = "0.1.0"
APP_NAME = "SIPAS Desktop"
