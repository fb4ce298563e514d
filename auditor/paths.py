"""Where things live: the shipped config folder, the user's config dir and data dir.

Kept apart from the config loader so that modules the loader needs (domains, geocode) can find their files
without importing the loader itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "solomo-auditor"


def shipped_config_dir() -> Path:
    """The packaged `config/` folder: inside the wheel, or the repo's own folder in a checkout."""
    package_dir = Path(__file__).resolve().parent
    wheel_copy = package_dir / "_shipped_config"
    return wheel_copy if wheel_copy.is_dir() else package_dir.parent / "config"


def config_dir() -> Path:
    return Path(os.environ.get("SOLOMO_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(os.environ.get("SOLOMO_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))
