"""Only configured host names are served, and failed logins make the next attempt wait
(assistant/webapp/guard.py), over real HTTP against a launched app."""

from __future__ import annotations

import httpx
import pytest
from conftest import free_port

from assistant.config import Settings
from assistant.webapp import launch
from assistant.webapp.guard import LoginLimiter, _user_name, allowed_host_names, host_of


def test_host_names_are_read_without_port_brackets_or_final_dot():
    assert [host_of(h) for h in ["LocalHost:7860", "[::1]:80", "127.0.0.1", "example.com.", "::1"]] == \
        ["localhost", "::1", "127.0.0.1", "example.com", "::1"]
    assert host_of("localhost:80@evil.example") not in {"localhost"}  # a port must be a number
    assert host_of("[::1]:x") != "::1"
    ui = Settings().ui.model_copy(update={"host": "10.0.0.5", "allowed_hosts": ["Themes.Corp.Example"]})
    assert allowed_host_names(ui) == {"localhost", "127.0.0.1", "::1", "10.0.0.5", "themes.corp.example"}
    assert allowed_host_names(ui.model_copy(update={"allowed_hosts": ["*"]})) is None


def test_failures_per_client_and_per_user_name_lock_with_a_doubling_wait():
    now = [0.0]
    limiter = LoginLimiter(attempts=3, lockout_s=10, max_s=60, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.wait(["client a", "user ana"]) == 0
        limiter.failed(["client a", "user ana"])
    assert limiter.wait(["client b", "user ana"]) == 10  # the user name is locked from any client
    assert limiter.wait(["client a", "user bo"]) == 10  # and the client for any user name
    assert limiter.wait(["client b", "user bo"]) == 0
    now[0] = 10
    limiter.failed(["client a", "user ana"])
    assert limiter.wait(["client a"]) == 20  # doubled
    for _ in range(5):
        limiter.failed(["client a"])
    assert limiter.wait(["client a"]) == 60  # at most login_lockout_max_s
    limiter.succeeded(["user ana"])
    assert limiter.wait(["user ana"]) == 0


@pytest.fixture(scope="module")
def guarded_app(tmp_path_factory):
    port = free_port()
    settings = Settings.model_validate({"ui": {"login_attempts": 3, "login_lockout_s": 30,
                                               "allowed_hosts": ["themes.example"]}})
    app = launch(tmp_path_factory.mktemp("guard_ws"), port=port, block=False, quiet=True, auth=[("ana", "s3cret")],
                 settings=settings)
    yield f"http://127.0.0.1:{port}", port
    app.close()


@pytest.mark.parametrize("host,status", [("evil.example", 400), ("127.0.0.1.evil.example", 400), ("", 400),
                                         ("localhost", 200), ("127.0.0.1", 200), ("[::1]", 200),
                                         ("themes.example", 200)])
def test_only_configured_host_names_are_served(guarded_app, host, status):
    url, port = guarded_app
    headers = {"Host": f"{host}:{port}" if host else ""}
    response = httpx.get(url + "/", headers=headers)
    assert response.status_code == status
    if status == 400:
        assert "Invalid host header" in response.text
        assert httpx.post(url + "/login", headers=headers, data={"username": "ana", "password": "s3cret"}) \
            .status_code == 400


def test_repeated_failed_logins_get_429_even_with_the_right_password(guarded_app):
    url, _ = guarded_app
    assert httpx.post(url + "/login", data={"username": "ana", "password": "s3cret"}).status_code == 200
    for _ in range(3):
        assert httpx.post(url + "/login", data={"username": "ana", "password": "wrong"}).status_code == 400
    locked = httpx.post(url + "/login", data={"username": "ana", "password": "s3cret"})
    assert locked.status_code == 429 and locked.headers["retry-after"] == "30"
    assert "try again in 30 s" in locked.text
    assert httpx.post(url + "/login", data={"username": "bo", "password": "x"}).status_code == 429  # same client


def test_the_user_name_is_read_from_urlencoded_and_multipart_logins():
    multipart = (b'--X\r\nContent-Disposition: form-data; name="username"\r\n\r\nAna \r\n'
                 b'--X\r\nContent-Disposition: form-data; name="password"\r\n\r\npw\r\n--X--\r\n')
    assert _user_name({"headers": [(b"content-type", b"multipart/form-data; boundary=X")]}, multipart) == "ana"
    assert _user_name({"headers": []}, b"username=Bo&password=x") == "bo"  # case does not dodge the limit
