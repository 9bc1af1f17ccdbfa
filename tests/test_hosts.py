import pytest

from assistant.hosts import is_local_endpoint, is_loopback_host


@pytest.mark.parametrize("url,local", [
    ("http://127.0.0.1:8000/v1", True), ("http://localhost:11434/v1", True), ("http://127.8.9.10/v1", True),
    ("http://[::1]:8080/v1", True), ("http://LOCALHOST./v1", True),
    ("https://api.openai.com/v1", False), (None, False), ("", False), ("http://10.0.0.5/v1", False),
    # names that only look local must not skip redaction
    ("https://127.0.0.1.attacker.example/v1", False), ("https://localhost.attacker.example/v1", False),
    ("http://0.0.0.0:8000/v1", False), ("http://[::ffff:7f00:1]/v1", False), ("not a url", False),
])
def test_local_endpoints_are_decided_from_the_parsed_host(url, local):
    assert is_local_endpoint(url) is local


@pytest.mark.parametrize("host,local", [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                        ("0.0.0.0", False), ("192.168.1.4", False), ("", False), (None, False),
                                        ("127.0.0.1.nip.io", False)])
def test_loopback_hosts(host, local):
    assert is_loopback_host(host) is local
