from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, MultiPartParser


class JSONBodyParser(JSONParser):
    """DRF's JSON parser, with a body nested too deeply for Python's parser answered as 400
    like any other malformed body (DRF catches only ValueError, so it was a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None


# Views that take a file: multipart only (a urlencoded form cannot carry one), so the schema
# declares `multipart/form-data` alone and anything else is a 415.
UPLOAD_PARSER_CLASSES = [MultiPartParser]
