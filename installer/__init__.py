"""Build tooling for the standalone program: PyInstaller spec, NSIS script, build scripts.

Not part of the installed program (only `entry.py` is frozen into it).
"""
