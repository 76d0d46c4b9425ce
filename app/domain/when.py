"""The date reader's former home, kept so existing imports work; the reader is app.domain.dates."""

from app.domain.dates import *  # noqa: F403
from app.domain.dates import __all__  # noqa: F401
