"""Who is calling: a user with roles, as loaded for each request."""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("trainee", "assessor", "clinical_supervisor", "main_supervisor", "studierektor", "admin")
#: roles whose holders may be named as the assessor of an assessment
ASSESSING_ROLES = ("assessor", "clinical_supervisor", "main_supervisor")


@dataclass(frozen=True)
class Principal:
    user_id: int
    name: str
    email: str
    roles: frozenset[str]
    studierektor_units: frozenset[int] = field(default_factory=frozenset)
    session_token: str = ""

    @property
    def actor(self) -> str:
        """The id written into audit events and sync metadata."""
        return f"user:{self.user_id}"

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has(self, role: str) -> bool:
        return role in self.roles
