"""Who makes a change or reads: a logged-in user, or an assessor holding a request link.

A link holder has no account: they act as the assessor of exactly one assessment and can see or
change nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..auth.principal import Principal
from .participants import TraineeContext, participant_roles


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    principal: Principal | None = None
    #: for a link holder: the one assessment they may act on, as its assessor
    request_doc_id: str | None = None

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(id=principal.actor, name=principal.name, principal=principal)

    @classmethod
    def link_holder(cls, request_id: str, name: str, doc_id: str) -> Actor:
        return cls(id=f"request:{request_id}", name=name, request_doc_id=doc_id)

    def roles_on(self, *, doc_id: str, trainee_id: int, assessor_id: int | None,
                 ctx: TraineeContext | None) -> frozenset[str]:
        """The participant roles this actor holds on one assessment."""
        if self.principal is None:
            return frozenset({"assessor"}) if doc_id == self.request_doc_id else frozenset()
        return participant_roles(self.principal, trainee_id=trainee_id, assessor_id=assessor_id, ctx=ctx)
