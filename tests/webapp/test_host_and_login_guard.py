"""Only configured host names are served, and failed logins make the next attempt wait
(assistant/webapp/guard.py), over real HTTP against a launched app."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import httpx
import pytest
from conftest import free_port

from assistant.config import Settings
from assistant.webapp import launch
from assistant.webapp.guard import LoginLimiter, allowed_host_names, host_of, login_form


def test_host_names_are_read_without_port_brackets_or_final_dot():
    assert [host_of(h) for h in ["LocalHost:7860", "[::1]:80", "127.0.0.1", "example.com.", "::1"]] == \
        ["localhost", "::1", "127.0.0.1", "example.com", "::1"]
    assert host_of("localhost:80@evil.example") not in {"localhost"}  # a port must be a number
    assert host_of("[::1]:x") != "::1"
    ui = Settings().ui.model_copy(update={"host": "10.0.0.5", "allowed_hosts": ["Themes.Corp.Example"]})
    assert allowed_host_names(ui) == {"localhost", "127.0.0.1", "::1", "10.0.0.5", "themes.corp.example"}
    assert allowed_host_names(ui.model_copy(update={"allowed_hosts": ["*"]})) is None


def test_failures_hold_back_the_client_on_that_user_name_with_a_doubling_wait():
    now = [0.0]
    limiter = LoginLimiter(attempts=3, lockout_s=10, max_s=60, clock=lambda: now[0], client_attempts=5,
                           user_attempts=6)
    for _ in range(3):
        assert limiter.wait("a", "ana") == 0
        limiter.failed("a", "ana")
    assert limiter.wait("a", "ana") == 10  # this client on this user name
    assert limiter.wait("b", "ana") == 0  # nobody else is locked out of ana
    assert limiter.wait("a", "bo") == 0  # and the client may still try another name (up to client_attempts)
    now[0] = 10
    limiter.failed("a", "ana")
    assert limiter.wait("a", "ana") == 20  # doubled
    limiter.failed("a", "bo")
    assert limiter.wait("a", "cy") == 10  # 5 failures of client a on any names
    for _ in range(5):
        limiter.failed("a", "ana")
    assert limiter.wait("a", "ana") == 60  # at most login_lockout_max_s
    limiter.succeeded("a", "ana")
    assert limiter.wait("a", "ana") == 0


def test_guessing_one_user_name_from_many_clients_is_paced_but_its_owner_gets_in():
    now = [0.0]
    limiter = LoginLimiter(attempts=3, lockout_s=10, max_s=600, clock=lambda: now[0], client_attempts=20,
                           user_attempts=6)
    for n in range(6):  # six addresses, one guess each
        limiter.failed(f"bot{n}", "ana")
    assert limiter.wait("bot0", "ana") == 10  # a client that failed on ana: one try per lockout_s
    assert limiter.wait("owner", "ana") == 0  # a client that never failed on ana is not held back
    now[0] = 10
    assert limiter.wait("bot0", "ana") == 0  # a pace, not a lock


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
    # only this client on this user name waits: another user name from it is answered (until login_client_attempts)
    assert httpx.post(url + "/login", data={"username": "bo", "password": "x"}).status_code == 400


def _login(url: str, fields: list[tuple[str, str]], address: str = "127.0.0.1", **headers: str) -> httpx.Response:
    """A login posted from a local address of this machine (127.0.0.0/8: distinct clients without a proxy)."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address=address)) as client:
        return client.post(url + "/login", content=urlencode(fields),
                           headers={"Content-Type": "application/x-www-form-urlencoded", **headers})


def test_a_form_with_two_user_names_or_passwords_is_refused_outright(guarded_app):
    url, _ = guarded_app
    for fields in ([("username", "decoy"), ("username", "ana"), ("password", "s3cret")],
                   [("username", "ana"), ("password", "wrong"), ("password", "s3cret")], [("password", "s3cret")]):
        response = _login(url, fields, "127.0.0.4")
        assert response.status_code == 400 and "exactly one username and one password" in response.text
        assert "set-cookie" not in response.headers


def test_a_rotating_x_forwarded_for_does_not_dodge_the_limit(guarded_app):
    url, _ = guarded_app
    attempts = Settings().ui.login_client_attempts
    for n in range(attempts):  # a new user name and a new forwarded address each time
        assert _login(url, [("username", f"decoy{n}"), ("password", "guess")], "127.0.0.5",
                      **{"X-Forwarded-For": f"10.9.8.{n}"}).status_code == 400
    locked = _login(url, [("username", "ana"), ("password", "guess")], "127.0.0.5", **{"X-Forwarded-For": "10.9.9.9"})
    assert locked.status_code == 429


def test_a_user_locked_out_by_someone_else_still_logs_in(guarded_app):
    url, _ = guarded_app
    for n in range(3):
        assert _login(url, [("username", "ana"), ("password", f"guess{n}")], "127.0.0.6").status_code == 400
    assert _login(url, [("username", "ana"), ("password", "s3cret")], "127.0.0.6").status_code == 429
    assert _login(url, [("username", "ana"), ("password", "s3cret")], "127.0.0.7").status_code == 200


def test_the_user_name_is_read_from_urlencoded_and_multipart_logins_as_gradio_reads_it():
    multipart = (b'--X\r\nContent-Disposition: form-data; name="username"\r\n\r\nAna \r\n'
                 b'--X\r\nContent-Disposition: form-data; name="password"\r\n\r\npw\r\n--X--\r\n')
    scope = {"type": "http", "method": "POST", "path": "/login", "query_string": b""}
    form = {**scope, "headers": [(b"content-type", b"multipart/form-data; boundary=X")]}
    assert asyncio.run(login_form(form, multipart)) == ("ana", "pw")
    urlencoded = {**scope, "headers": [(b"content-type", b"application/x-www-form-urlencoded")]}
    assert asyncio.run(login_form(urlencoded, b"username=Bo&password=x")) == ("bo", "x")  # case does not dodge it
    twice = multipart.replace(b"--X--", b'--X\r\nContent-Disposition: form-data; name="username"\r\n\r\nadmin\r\n--X--')
    assert "exactly one username" in asyncio.run(login_form(form, twice))
