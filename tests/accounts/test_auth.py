from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user
from django.test import Client
from django.utils import timezone

from tandem.accounts.models import Invitation, User
from tandem.accounts.services import invitations_send
from tandem.notify.models import OutboxMessage
from tests.factories import PASSWORD, PersonFactory, UserFactory

LOGIN = "/accounts/login/"


def sign_in(client: Client, email: str, password: str, **extra):
    return client.post(LOGIN, {"email": email, "password": password}, **extra)


def test_sign_in_with_email_rotates_the_session(participant):
    client = Client()
    client.get(LOGIN)
    before = client.cookies.get("sessionid")
    response = sign_in(client, "PAT@example.com ", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    assert get_user(client).email == "pat@example.com"


def test_wrong_password_gives_one_clear_message(participant):
    response = sign_in(Client(), participant.email, "wrong password")
    assert response.status_code == 200
    assert "That email and password do not match an active account." in response.content.decode()


def test_inactive_account_cannot_sign_in(participant):
    User.objects.filter(pk=participant.pk).update(is_active=False)
    response = sign_in(Client(), participant.email, PASSWORD)
    assert "do not match an active account" in response.content.decode()


def test_account_is_locked_after_five_failures_even_with_the_right_password(participant):
    client = Client()
    for _ in range(5):
        assert "do not match" in sign_in(client, participant.email, "nope").content.decode()
    response = sign_in(client, participant.email, PASSWORD)
    assert "Too many sign-in attempts. Wait 30 minutes" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_successful_sign_ins_do_not_use_up_the_limit(participant):
    for _ in range(8):
        client = Client()
        assert sign_in(client, participant.email, PASSWORD).status_code == 302


def test_lock_expires_after_the_window(participant, settings):
    client = Client()
    for _ in range(5):
        sign_in(client, participant.email, "nope")
    from tandem.accounts.models import LoginThrottle

    LoginThrottle.objects.update(window_start=timezone.now() - timedelta(minutes=31))
    assert sign_in(client, participant.email, PASSWORD).status_code == 302


def test_per_ip_limit_covers_many_accounts(db, settings):
    settings.TANDEM_LOGIN_FAILURES_PER_IP = 3
    users = [UserFactory() for _ in range(4)]
    client = Client(REMOTE_ADDR="203.0.113.9")
    for user in users[:3]:
        sign_in(client, user.email, "nope")
    response = sign_in(client, users[3].email, PASSWORD)
    assert "Too many sign-in attempts" in response.content.decode()
    other_ip = Client(REMOTE_ADDR="203.0.113.10")
    assert sign_in(other_ip, users[3].email, PASSWORD).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_cannot_exceed_the_limit():
    """50 guesses at once: at most the limit reach the password check (atomic counting)."""
    from django.db import connection

    user = UserFactory(email="burst@example.com")
    checked = []
    lock = threading.Lock()
    from django.contrib.auth.backends import ModelBackend

    original = ModelBackend.authenticate

    def counting(self, request, username=None, password=None, **kwargs):
        with lock:
            checked.append(1)
        return original(self, request, username=username, password=password, **kwargs)

    ModelBackend.authenticate = counting
    errors = []

    def attempt(i):
        try:
            sign_in(Client(REMOTE_ADDR=f"198.51.100.{i}"), user.email, f"guess {i}")
        except Exception as exc:  # pragma: no cover - shown in the assertion below
            errors.append(exc)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        ModelBackend.authenticate = original
    assert not errors
    assert len(checked) <= 5


def test_logout_requires_post_and_ends_the_session(participant):
    client = Client()
    sign_in(client, participant.email, PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert get_user(client).is_authenticated
    client.post("/accounts/logout/")
    assert not get_user(client).is_authenticated


def test_idle_session_times_out(participant, settings):
    client = Client()
    sign_in(client, participant.email, PASSWORD)
    session = client.session
    session["tandem_seen"] = time.time() - settings.TANDEM_SESSION_IDLE_SECONDS - 5
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_absolute_session_lifetime(participant, settings):
    client = Client()
    sign_in(client, participant.email, PASSWORD)
    session = client.session
    session["tandem_started"] = time.time() - settings.SESSION_COOKIE_AGE - 5
    session.save()
    assert client.get("/").status_code == 302


def invitation_link(user) -> str:
    body = (
        OutboxMessage.objects.filter(kind="invitation", recipient=user.email).latest("id").body_text
    )
    return re.search(r"http://[^/]+(/accounts/invitation/[^/\s]+/)", body).group(1)


@pytest.fixture
def invited(admin):
    person = PersonFactory(user__email="new@example.com", user__name="Nia New")
    user = person.user
    user.set_unusable_password()
    user.save()
    from django.db import transaction

    with transaction.atomic():
        invitations_send(users=[user], invited_by=admin)
    return user


def test_invitation_sets_a_password_and_signs_in(invited):
    client = Client()
    path = invitation_link(invited)
    page = client.get(path)
    assert "Choose a password for <strong>new@example.com</strong>" in page.content.decode()
    response = client.post(
        path, {"new_password1": "maple syrup on toast", "new_password2": "maple syrup on toast"}
    )
    assert response.status_code == 302
    assert get_user(client) == invited
    # the link works once
    assert Client().get(path).status_code == 410
    assert sign_in(Client(), invited.email, "maple syrup on toast").status_code == 302


def test_invitation_rejects_a_weak_password_with_the_reason(invited):
    path = invitation_link(invited)
    response = Client().post(path, {"new_password1": "password1", "new_password2": "password1"})
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert Invitation.objects.get(user=invited).accepted_at is None


def test_expired_or_replaced_invitation_no_longer_works(invited, admin):
    path = invitation_link(invited)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(path).status_code == 410
    from django.db import transaction

    with transaction.atomic():
        invitations_send(users=[invited], invited_by=admin)
    new_path = invitation_link(invited)
    assert new_path != path and Client().get(new_path).status_code == 200


def test_password_reset_goes_through_the_outbox(participant):
    response = Client().post("/accounts/password/reset/", {"email": participant.email})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(kind="password_reset")
    assert message.recipient == participant.email
    path = re.search(r"http://[^/]+(/accounts/password/reset/\S+/)", message.body_text).group(1)
    form_page = Client().get(path, follow=True)
    assert "Choose a new password" in form_page.content.decode()


def test_password_reset_for_unknown_address_looks_the_same(db):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert OutboxMessage.objects.count() == 0


def test_password_validators(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("password1")
    validate_password("a" * 64 + " a long passphrase is fine")
    validate_password("aaaaaaaaaaaaaaab")  # no composition rules
