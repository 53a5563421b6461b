from __future__ import annotations

from dataclasses import dataclass

from .models import ApiKey, Membership


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff member, an API key, or the system (both None)."""

    membership: Membership | None = None
    api_key: ApiKey | None = None

    @property
    def name(self) -> str:
        if self.membership is not None:
            return self.membership.display_name
        if self.api_key is not None:
            return f"API key {self.api_key.name}"
        return "system"


SYSTEM = Actor()
