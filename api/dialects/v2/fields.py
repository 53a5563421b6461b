from rest_framework import serializers


class V2EmailField(serializers.EmailField):
    """An e-mail field with the v2 document's wording for a bad address."""

    default_error_messages = {"invalid": "Invalid email format"}
