"""The app as NiceGUI's `user` fixture loads it: settings come from the test's environment."""

from nicegui import ui

from equeue_ui.app import run_options, setup
from equeue_ui.settings import Settings

settings = Settings()
setup(settings, apply_migrations=False)
ui.run(**run_options(settings))
