"""The installable app's manifest, one per language, linked from every page, with its icons."""

import json

import pytest
from django.contrib.staticfiles import finders
from PIL import Image


@pytest.mark.parametrize(("language", "name"), [("vi", "An toàn trên mạng"), ("en", "Safe Online")])
def test_the_manifest_names_the_app_in_each_language(client, language, name):
    response = client.get(f"/{language}/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == name and manifest["lang"] == language
    assert manifest["start_url"] == f"/{language}/my-modules/"
    assert manifest["scope"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b4f8a"
    assert {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }


def test_every_icon_is_a_png_of_its_stated_size(client):
    manifest = json.loads(client.get("/vi/manifest.webmanifest").content)
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_every_page_links_the_manifest_of_its_language(client, home_page):
    page = client.get("/en/help/").content.decode()
    assert '<link rel="manifest" href="/en/manifest.webmanifest">' in page
