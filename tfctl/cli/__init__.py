"""The command modules of tfctl's command line, one per command group, and common.py, the
plumbing they share. The app that registers them is tfctl/__main__.py (`tfctl`, `python -m tfctl`).
"""
