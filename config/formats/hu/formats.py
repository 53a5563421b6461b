# Django's Hungarian formats, with the time zone's abbreviation (see en/formats.py).
DATETIME_FORMAT = "Y. F j. H:i T"
SHORT_DATETIME_FORMAT = "Y.m.d. H:i T"
