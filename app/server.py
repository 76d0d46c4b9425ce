"""Running the web app under gunicorn, the production WSGI server, from `coach serve`."""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.app.base import BaseApplication

from app.config import Settings

# Bolt acks from a listener thread while the request thread waits, so threads, not processes,
# carry the concurrency; a few processes spread the Python work over the cores.
THREADS_PER_WORKER = 8


class CoachServer(BaseApplication):
    """gunicorn's documented custom-application hook: each worker builds its own app."""

    def __init__(self, settings: Settings, options: dict[str, Any]):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        # gunicorn 25.1+ opens a control socket at one path in $HOME, which every gunicorn of
        # the user shares (two apps, or a sandbox beside a test run); signals are enough here.
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)

    def load(self):
        from app.web import create_web_app

        web = create_web_app(self.settings)
        # Objects built at boot live as long as the worker: freezing them keeps full garbage
        # collections (100+ ms pauses otherwise) from walking them on every pass.
        gc.freeze()
        return web


def gunicorn_options(
    settings: Settings, *, port: int, workers: int, host: str = "0.0.0.0"
) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "accesslog": "-",
        "loglevel": settings.log_level.lower(),
        # Slack gives up after 3 s; a stuck request should not hold a thread for long.
        "timeout": 30,
    }


def serve_with_gunicorn(
    settings: Settings, *, port: int, workers: int, host: str = "0.0.0.0"
) -> None:
    CoachServer(settings, gunicorn_options(settings, port=port, workers=workers, host=host)).run()
