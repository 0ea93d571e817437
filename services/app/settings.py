"""The whole config: every stage's section, and the sections core uses, in one model.

It lives above the stages because it is made of them; a stage sees only the part it needs,
through the Protocol in its own `config.py` (`PollerContext`, ...), which this model
satisfies.
"""

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Self

from pydantic import model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from services.classifier.config import ClassifierSettings, Company
from services.core.settings import (
    KafkaSettings,
    LogSettings,
    MetricsSettings,
    duplicate_names,
    load_config,
)
from services.notifier.config import ChannelConfig, NotifierSettings
from services.poller.config import FeedConfig, PollerSettings


class Settings(BaseSettings):
    """The whole of redflag's configuration."""

    model_config = SettingsConfigDict(
        env_prefix="REDFLAG_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
    )

    state_dir: Path = Path("state")
    feeds: tuple[FeedConfig, ...] = ()
    watchlist: tuple[Company, ...] = ()
    channels: tuple[ChannelConfig, ...] = ()
    kafka: KafkaSettings = KafkaSettings()
    poller: PollerSettings = PollerSettings()
    classifier: ClassifierSettings = ClassifierSettings()
    notifier: NotifierSettings = NotifierSettings()
    log: LogSettings = LogSettings()
    metrics: MetricsSettings = MetricsSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what `load_settings` passes in: it merges `REDFLAG_*` over the file itself,
        so that every bad variable is reported with its name (see configenv)."""
        return (init_settings,)

    @model_validator(mode="after")
    def _unique_names(self) -> Self:
        dump = {k: [{"name": x.name} for x in getattr(self, k)] for k in ("feeds", "channels")}
        if problems := duplicate_names(dump):
            raise ValueError("; ".join(problems))
        return self


def load_settings(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Settings:
    """Load and validate the config; raises `ConfigError` listing every problem at once."""
    return load_config(Settings, path, env)
