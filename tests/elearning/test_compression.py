"""Pages are sent gzip-compressed to a browser that accepts it (elearning.middleware.
CompressPagesMiddleware); pictures and downloads are sent as they are."""

import gzip

from django.urls import reverse


def test_a_page_is_compressed_for_a_browser_that_accepts_gzip(client, home_page):
    plain = client.get("/vi/help/")
    compressed = client.get("/vi/help/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content).decode().count("<h1") == plain.content.decode().count("<h1")
    assert len(compressed.content) < len(plain.content) / 2


def test_a_page_is_sent_as_it_is_to_a_client_that_does_not_accept_gzip(client, home_page):
    assert not client.get("/vi/help/").has_header("Content-Encoding")


def test_a_picture_is_never_compressed_again(client):
    response = client.get("/static/elearning/icons/icon-192.png", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_the_manifest_is_compressed_too(client):
    response = client.get(reverse("manifest"), HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
