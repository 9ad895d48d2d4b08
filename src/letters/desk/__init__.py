"""The collectors' desk: a local web app (find → compose → live preview → send → history) over the batch.

Face: ``DeskConfig`` (config.py) and ``create_app`` (app.py); ``letters desk`` (cli/desk.py) serves it.
"""
