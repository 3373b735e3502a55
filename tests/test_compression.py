"""Pages are sent gzip-compressed to clients that accept it (GZipMiddleware)."""

import gzip

from django.urls import reverse


def test_a_page_is_sent_gzipped_when_the_client_accepts_it(alice_client, playbook):
    response = alice_client.get(
        reverse("stories:list"), headers={"Accept-Encoding": "gzip, deflate, br"}
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert "<h1>Your stories</h1>" in html


def test_an_htmx_fragment_is_sent_gzipped_too(alice_client, playbook):
    response = alice_client.get(
        reverse("coverage:index"),
        headers={"Accept-Encoding": "gzip", "HX-Request": "true"},
    )
    assert response["Content-Encoding"] == "gzip"
    assert 'id="coverage-live"' in gzip.decompress(response.content).decode()


def test_a_client_that_does_not_accept_gzip_gets_the_plain_page(alice_client):
    response = alice_client.get(reverse("stories:list"))
    assert not response.has_header("Content-Encoding")
    assert "<h1>Your stories</h1>" in response.content.decode()
