"""Who makes a change or reads: a logged-in user, or an assessor on the device that claimed a
request link.

A link holder has no account: they act as the assessor of exactly one assessment and can see or
change nothing else; they sign only once they have said who they are (name, title, workplace and
e-mail), and the signature receipt goes to that e-mail.
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
    request_id: str | None = None
    #: what a link holder must still say about themselves before signing (empty: may sign)
    missing_for_signature: tuple[str, ...] = ()

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(id=principal.actor, name=principal.name, principal=principal)

    @classmethod
    def link_holder(cls, request_id: str, name: str, doc_id: str, missing: tuple[str, ...] = ()) -> Actor:
        return cls(id=f"request:{request_id}", name=name, request_doc_id=doc_id, request_id=request_id,
                   missing_for_signature=missing)

    def roles_on(self, *, doc_id: str, trainee_id: int, assessor_id: int | None,
                 ctx: TraineeContext | None) -> frozenset[str]:
        """The participant roles this actor holds on one assessment."""
        if self.principal is None:
            return frozenset({"assessor"}) if doc_id == self.request_doc_id else frozenset()
        return participant_roles(self.principal, trainee_id=trainee_id, assessor_id=assessor_id, ctx=ctx)
