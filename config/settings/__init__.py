"""Settings split by concern; every value comes from config.env.

`config.settings` is the product's settings; `config.settings.test` adds what tests need.
"""
from .base import *  # noqa: F401,F403
from .api import *  # noqa: F401,F403
from .celery import *  # noqa: F401,F403
from .integrations import *  # noqa: F401,F403
from .security import *  # noqa: F401,F403
