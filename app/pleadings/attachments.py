"""Attachment types told from their bytes, never from the name a client gave them.

Pure: no database, no web. `check_upload` returns the kind a file really is, or raises
`AttachmentRefused` saying why it is not what it claims to be.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Final
from urllib.parse import quote

from app.pleadings.models import AttachmentKind

MEDIA_TYPES: Final = {
    AttachmentKind.pdf: "application/pdf",
    AttachmentKind.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    AttachmentKind.odt: "application/vnd.oasis.opendocument.text",
    AttachmentKind.md: "text/markdown; charset=utf-8",
}
EXTENSIONS: Final = {
    ".pdf": AttachmentKind.pdf,
    ".docx": AttachmentKind.docx,
    ".odt": AttachmentKind.odt,
    ".md": AttachmentKind.md,
    ".markdown": AttachmentKind.md,
}
# What clients may declare for each kind; generic types say nothing and are accepted.
DECLARED: Final = {
    AttachmentKind.pdf: {"application/pdf"},
    AttachmentKind.docx: {MEDIA_TYPES[AttachmentKind.docx]},
    AttachmentKind.odt: {MEDIA_TYPES[AttachmentKind.odt]},
    AttachmentKind.md: {"text/markdown", "text/x-markdown", "text/plain"},
}
GENERIC: Final = frozenset({"", "application/octet-stream", "binary/octet-stream"})

_DOCX_MAIN: Final = (
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
_ODT_MIMETYPE: Final = b"application/vnd.oasis.opendocument.text"
_ZIP_MAGIC: Final = b"PK\x03\x04"
_SMALL_MEMBER: Final = 1024 * 1024


class AttachmentRefused(ValueError):
    """The file is not of an accepted type, or not of the type it claims."""

    def __init__(self, detail: str, *, mismatch: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.mismatch = mismatch


def sniff(data: bytes) -> AttachmentKind | None:
    """The kind the bytes are, by content alone."""
    if data.startswith(b"%PDF-"):
        return AttachmentKind.pdf
    if data.startswith(_ZIP_MAGIC):
        return _zip_kind(data)
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return AttachmentKind.md


def _zip_kind(data: bytes) -> AttachmentKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            mimetype = members.get("mimetype")
            if mimetype is not None and mimetype.file_size <= 200:
                if archive.read(mimetype).strip() == _ODT_MIMETYPE:
                    return AttachmentKind.odt
                return None
            types = members.get("[Content_Types].xml")
            if (
                types is not None
                and types.file_size <= _SMALL_MEMBER
                and "word/document.xml" in members
                and _DOCX_MAIN in archive.read(types)
            ):
                return AttachmentKind.docx
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return None
    except (NotImplementedError, RuntimeError):  # unsupported compression, encryption
        return None
    return None


def check_upload(filename: str, declared_type: str | None, data: bytes) -> AttachmentKind:
    """The attachment's kind, when its name, declared type and bytes all agree."""
    suffix = _suffix(filename)
    named = EXTENSIONS.get(suffix)
    if named is None:
        raise AttachmentRefused(
            f"{suffix or 'A file without extension'} is not accepted: "
            "attach .docx, .pdf, .odt or .md files.",
            mismatch=False,
        )
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared not in GENERIC and declared not in DECLARED[named]:
        raise AttachmentRefused(
            f"The file is named {suffix} but declared as {declared}.", mismatch=True
        )
    found = sniff(data)
    if found is not named:
        what = f"a {found.value} file" if found else "not a file of any accepted type"
        raise AttachmentRefused(
            f"The file is named {suffix} but its content is {what}.", mismatch=True
        )
    return named


def _suffix(filename: str) -> str:
    dot = filename.rfind(".")
    return filename[dot:].lower() if dot > 0 else ""


def clean_filename(filename: str) -> str:
    """The last path segment, without control characters, at most 255 characters."""
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        suffix = _suffix(name)
        name = name[: 255 - len(suffix)] + suffix
    return name or "attachment"


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name in RFC 5987 form."""
    fallback = (
        unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode() or "attachment"
    )
    fallback = re.sub(r'["\\]', "_", fallback)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
