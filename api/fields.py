"""Related ids in request bodies, looked up inside the request's company only."""
from __future__ import annotations

from babel.numbers import list_currencies
from django_countries import countries
from rest_framework import serializers

_CURRENCIES = frozenset(list_currencies())


def context_company(field):
    company = field.context.get("company")
    if company is None:
        request = field.context.get("request")
        company = getattr(request, "company", None)
    return company


class CompanyPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id from another company is "does not exist", exactly like a missing one."""

    def get_queryset(self):
        queryset = super().get_queryset()
        company = context_company(self)
        if company is None:
            return queryset.none()
        return queryset.for_company(company)


class CompanyLookupField(CompanyPrimaryKeyRelatedField):
    """A per-company lookup named by id or by name (case-insensitive): `"status": 1` and
    `"source": "website"` both work, as the documents' examples use both (DESIGN.md)."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "does_not_exist": 'No {model} "{value}".',
        "blank": "This field may not be blank.",
    }

    def __init__(self, *, name_field: str = "name", **kwargs):
        self.name_field = name_field
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # Through a CharField first: it refuses NUL bytes and non-scalars with a 400.
        text = serializers.CharField(allow_blank=True).run_validation(data)
        queryset = self.get_queryset()
        model_name = queryset.model._meta.verbose_name
        if not text:
            self.fail("blank")
        # "²".isdigit() is true; only ASCII digits are an id.
        if text.isascii() and text.isdigit():
            found = queryset.filter(pk=int(text)).first()
        else:
            found = queryset.filter(**{f"{self.name_field}__iexact": text}).first()
        if found is None:
            self.fail("does_not_exist", model=model_name, value=text)
        return found


class IsoCodeField(serializers.CharField):
    """A standard code in any case ("hu"), stored and answered upper-case ("HU"); blank is
    allowed (the field is optional). Subclasses say which standard and which codes exist."""

    standard = ""
    length = 2

    default_error_messages = {
        **serializers.CharField.default_error_messages,
        "unknown_code": '"{value}" is not an {standard} code.',
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", self.length)
        kwargs.setdefault("help_text", f"{self.standard} code (any case in requests)")
        super().__init__(**kwargs)

    def is_known(self, code: str) -> bool:
        raise NotImplementedError

    def to_internal_value(self, data):
        code = super().to_internal_value(data).upper()
        if code and not (len(code) == self.length and self.is_known(code)):
            self.fail("unknown_code", value=code, standard=self.standard)
        return code

    def to_representation(self, value):
        return str(value or "")


class CountryCodeField(IsoCodeField):
    standard = "ISO 3166-1 alpha-2 country"
    length = 2

    def is_known(self, code: str) -> bool:
        return bool(countries.name(code))


class CurrencyCodeField(IsoCodeField):
    standard = "ISO 4217 currency"
    length = 3

    def is_known(self, code: str) -> bool:
        return code in _CURRENCIES
