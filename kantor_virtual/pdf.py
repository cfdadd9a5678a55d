"""PDF documents (lembar disposisi now, naskah dinas later) rendered by WeasyPrint in a worker.

Templates live in templates/pdf/ and extend pdf/base.html (A4, the kop surat, Debian's fonts).
Rendering never touches the network: a template that names `/static/…` or `/media/…` gets the
file from disk, and every other address (http, file, another host) is refused, so a letter's
text cannot make the worker fetch anything.
"""

import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative links in a PDF template resolve against this origin; only the fetcher below answers it.
LOCAL_ORIGIN = "https://kantor-virtual.invalid"


def _prefix(url_setting: str) -> str:
    """STATIC_URL/MEDIA_URL as an absolute path: "static/" → "/static/"."""
    path = urlsplit(url_setting).path
    return "/" + path.strip("/") + "/"


def _inside(root: Path, relative: str) -> Path | None:
    """`root/relative` if it is an existing file that really lies under `root` (no `..` escapes)."""
    root = root.resolve()
    candidate = (root / relative).resolve()
    return candidate if candidate.is_relative_to(root) and candidate.is_file() else None


def local_path(url: str) -> Path | None:
    """The file on disk behind a static or media URL of the local origin, or None."""
    if not url.startswith(LOCAL_ORIGIN + "/"):
        return None
    path = unquote(urlsplit(url).path)
    if ".." in PurePosixPath(path).parts:
        return None
    static, media = _prefix(settings.STATIC_URL), _prefix(settings.MEDIA_URL)
    if path.startswith(static):
        relative = path.removeprefix(static)
        if settings.STATIC_ROOT and (found := _inside(Path(settings.STATIC_ROOT), relative)):
            return found
        found = finders.find(relative)
        return Path(found) if isinstance(found, str) else None
    if path.startswith(media):
        return _inside(Path(settings.MEDIA_ROOT), path.removeprefix(media))
    return None


class LocalFetcher(URLFetcher):
    """Serves only `data:` URLs and local static/media files; anything else is an error WeasyPrint
    reports as a warning (the image is left out) instead of a request leaving the machine."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = local_path(url)
        if path is None:
            raise ValueError(f"Alamat di luar berkas lokal tidak diambil: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def kop_facts(opd) -> list:
    """Everything the kop surat of `opd` prints (pdf/_kop_surat.html): part of the fingerprint of a
    document kept as a file, so that a changed address or logo makes it out of date."""
    return [
        opd.name,
        opd.province.name,
        opd.address,
        opd.city,
        opd.postal_code,
        opd.phone,
        opd.email,
        opd.website,
        opd.logo.name,
        opd.province.logo.name,
    ]


def render_pdf(*, template: str, context: dict) -> bytes:
    """Render a template of templates/pdf/ to an A4 PDF, dates in Indonesian whoever runs it."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(template, context)
    document = HTML(string=html, base_url=LOCAL_ORIGIN + "/", url_fetcher=LocalFetcher())
    return document.write_pdf()
