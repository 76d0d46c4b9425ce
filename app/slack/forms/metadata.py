"""A form's private_metadata: a versioned pydantic model, refused whole when stale or forged."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from app.domain import reps
from app.domain.text import ROW_ID_MAX
from app.slack.payloads import slack_id

PRIVATE_METADATA_MAX = 3000  # Slack's limit for a view's private_metadata


def _iana_zone(name: str) -> str:
    """An IANA zone this machine knows ("../../etc/passwd" or "America" is none, whatever
    zoneinfo makes of it): a forged zone makes the metadata stale, not a traceback."""
    if reps.known_zone(name) is None:
        raise ValueError("not a known time zone")
    return name


def _slack_id(value: str) -> str:
    if slack_id(value) is None:
        raise ValueError("not a Slack id")
    return value


# The fields a metadata model types by what they must be, not only by str and int.
ZoneName = Annotated[str, Field(max_length=64), AfterValidator(_iana_zone)]
SlackId = Annotated[str, AfterValidator(_slack_id)]
RowId = Annotated[int, Field(gt=0, le=ROW_ID_MAX)]


class StaleForm(Exception):
    """The metadata is not what this version of the form writes: from a modal opened before a
    deploy, or altered on the way. The form must be opened again, and nothing is written."""


class FormMetadata(BaseModel):
    """What a modal carries between its opening and its submission.

    A subclass whose fields change raises `v`'s default, so forms opened before the change
    are refused (StaleForm) rather than read with a meaning they did not have.
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    v: int = 1

    def to_metadata(self) -> str:
        """Compact JSON, unescaped text (the largest plan must fit in 3,000 characters)."""
        data = {"v": self.v, **self.model_dump(mode="json", exclude={"v"}, exclude_none=True)}
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if len(raw) > PRIVATE_METADATA_MAX:
            raise ValueError(f"{type(self).__name__} is {len(raw)} characters, over Slack's limit")
        return raw

    @classmethod
    def from_metadata(cls, raw: str | None) -> Self:
        """The metadata as this version wrote it; StaleForm for anything else."""
        try:
            metadata = cls.model_validate_json(raw or "")
        except ValidationError as error:
            raise StaleForm(f"{cls.__name__}: {error.error_count()} problems") from error
        if "v" not in metadata.model_fields_set or metadata.v != cls.model_fields["v"].default:
            raise StaleForm(f"{cls.__name__}: version {metadata.v}")
        return metadata


class InteractionFormMetadata(FormMetadata):
    """A form about one interaction (Reschedule, Cancel): which, and what it showed of it."""

    interaction_id: RowId
    zone: ZoneName
    locale: str | None = None  # the rep's Slack locale: the order of a numeric date
    account: str
    scheduled_at: datetime
