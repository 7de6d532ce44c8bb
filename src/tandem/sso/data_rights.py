"""Single sign-on links of a person (``core.personal_data``)."""

from __future__ import annotations

from tandem.core.personal_data import Section, Subject, register
from tandem.sso.models import ExternalIdentity


def export(subject: Subject) -> dict[str, Section]:
    return {
        "identities": Section(
            "Single sign-on identities",
            "The identity provider accounts you sign in with.",
            [
                {
                    "provider": i.provider,
                    "subject": i.subject,
                    "linked": i.created_at,
                    "last_sign_in": i.last_sign_in_at,
                }
                for i in ExternalIdentity.objects.filter(user_id=subject.user_id)
            ],
        )
    }


def erase(subject: Subject) -> dict[str, int]:
    return {"identities": ExternalIdentity.objects.filter(user_id=subject.user_id).delete()[0]}


register("sso", export=export, erase=erase, order=40)
