"""How every stored file leaves lers: as an attachment, never rendered by the browser."""

from __future__ import annotations

from typing import IO

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def attachment_response(
    file: FieldFile | IO[bytes], *, filename: str, content_type: str
) -> FileResponse:
    """``Content-Disposition: attachment`` with the original name, and ``nosniff`` so that a
    browser never second-guesses the type (evidence can be hostile)."""
    response = FileResponse(
        file.open("rb") if isinstance(file, FieldFile) else file,
        as_attachment=True,
        filename=filename,
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
